"""Candidate readings of a value cell that is not a number ("-0.4.85", "5*.3").

Never used to fill `value`: the candidates only become a ranked suggestion
once a formula says which of them fits the other printed numbers.
"""
from __future__ import annotations

from itertools import product

import regex

from ecopark.normalize.precision import Quantity

# Enumerate masked digits only while the candidates stay few.
MAX_MASKED_DIGITS = 3

_SIGN = regex.compile(r"^\s*([-−–])")


def malformed_readings(raw: str) -> list[Quantity]:
    """Every way of putting at most one decimal point among the printed digits.

    "-0.4.85" → −0.0485, −0.485, −4.85, −48.5, −485 (the stray point is the
    usual error; which one is stray the formula decides)."""
    digits = "".join(regex.findall(r"\d", raw or ""))
    if not digits or len(digits) > 12:
        return []
    sign = -1.0 if _SIGN.match(raw or "") else 1.0
    seen, out = set(), []
    for cut in range(len(digits) + 1):
        whole, frac = digits[:cut] or "0", digits[cut:]
        if cut and len(whole) > 1 and whole.startswith("0"):
            continue  # "04.85" is the same reading as "4.85" only if the zero was stray; keep one spelling
        value = sign * float(f"{whole}.{frac}" if frac else whole)
        if value in seen:
            continue
        seen.add(value)
        out.append(Quantity(value, 0.5 * 10.0 ** (-len(frac))))
    # drop the leading zero ("-0.4.85" → "-4.85") — the other common slip
    if digits.startswith("0") and len(digits) > 1:
        rest = digits[1:]
        for cut in range(1, len(rest) + 1):
            whole, frac = rest[:cut], rest[cut:]
            value = sign * float(f"{whole}.{frac}" if frac else whole)
            if value not in seen:
                seen.add(value)
                out.append(Quantity(value, 0.5 * 10.0 ** (-len(frac))))
    return out


def masked_readings(raw: str) -> list[Quantity]:
    """All fillings of the masked digits, when there are few of them."""
    text = (raw or "").strip().replace("%", "").replace("−", "-")
    if not regex.fullmatch(r"-?[\d*]+(?:\.[\d*]+)?", text):
        return []
    holes = text.count("*")
    if not holes or holes > MAX_MASKED_DIGITS:
        return []
    decimals = len(text.split(".")[1]) if "." in text else 0
    out = []
    for fill in product("0123456789", repeat=holes):
        it = iter(fill)
        candidate = "".join(next(it) if ch == "*" else ch for ch in text)
        out.append(Quantity(float(candidate), 0.5 * 10.0 ** (-decimals)))
    return out


def mask_pattern(raw: str) -> regex.Pattern | None:
    """A pattern matching the printed numbers the mask allows ("**.**" → two digits, point, two digits)."""
    text = (raw or "").strip().replace("%", "").replace("−", "-")
    if "*" not in text or not regex.fullmatch(r"-?[\d*]+(?:\.[\d*]+)?", text):
        return None
    return regex.compile("^" + regex.escape(text).replace(r"\*", r"\d") + "$")


def masked_fill(raw: str, value: float) -> Quantity | None:
    """`value` printed the way the mask shows, if the mask allows that print."""
    pattern = mask_pattern(raw)
    if pattern is None:
        return None
    text = raw.strip().replace("%", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    printed = f"{value:.{decimals}f}"
    if pattern.match(printed):
        return Quantity(float(printed), 0.5 * 10.0 ** (-decimals))
    return None


def slip_readings(raw: str) -> list[Quantity]:
    """Readings one slip away from a printed number: one digit changed (OCR 3↔8, 1↔7, a typo),
    two neighbouring digits swapped, the sign lost. For values a formula contradicts."""
    text = (raw or "").strip().replace("%", "").replace("−", "-")
    spellings = slip_spellings(text)
    if not spellings:
        return []
    decimals = len(text.split(".")[1]) if "." in text else 0
    step = 0.5 * 10.0 ** (-decimals)
    original = float(text)
    return [Quantity(v, step) for v in sorted({float(s) for s in spellings}) if v != original]


def slip_spellings(text: str) -> list[str]:
    """The texts one slip away from a printed number ('2395000' -> '2595000', '2935000', '-2395000' …),
    in no particular order; [] when `text` is not a plain number."""
    if not regex.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return []
    spellings = {text[1:] if text.startswith("-") else "-" + text}
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    for i in positions:
        for d in "0123456789":
            if d != text[i]:
                spellings.add(text[:i] + d + text[i + 1:])
    for i, j in zip(positions, positions[1:]):
        if j == i + 1 and text[i] != text[j]:
            spellings.add(text[:i] + text[j] + text[i] + text[j + 1:])
    return sorted(spellings)
