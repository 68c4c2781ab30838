"""Spreadsheet number formats applied as Excel applies them: the text a person sees in a cell.

A cell stores 0.125 and shows "12.50%"; stores 2595000 and shows "2,595,000";
stores 43604 and shows "2019年5月19日". Readers of .xlsx and .xls get the stored
value and the format code and must hand over what is shown (schemas.grid), so
the format code is interpreted here: sections (positive;negative;zero;text) and
conditions ([>=100]), digit placeholders 0 # ?, thousands separators and
scaling commas, percent, scientific notation, fractions, literal text ("元",
\\x, _x), colours and locale tags (ignored), currency tags ([$¥-804]), dates and
times (including 上午/下午 and 星期 weekdays). Rounding is half away from zero on
the 15 significant digits Excel keeps.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]")
_DATE_LETTERS = set("ymdhsaYMDHSA")
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]


def render(value, code: str | None, date1904: bool = False) -> str:
    """The text shown for `value` (number, bool, str, datetime) under the format `code`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return _render_text(value, code or "General")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        value = serial(value, date1904)
    if isinstance(value, float) and not math.isfinite(value):
        return "#NUM!"
    code = code or "General"
    section, negated = _pick_section(_split_sections(code), value)
    tokens = _tokens(section)
    if any(kind == "date" for kind, _ in tokens):
        return _render_date(float(value), tokens, date1904)
    number = abs(value) if negated else value
    text = _render_number(number, tokens)
    return text


def serial(value, date1904: bool = False) -> float:
    """Excel's day number of a date or time."""
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=None)
    delta = value - (EPOCH_1904 if date1904 else EPOCH_1900)
    phantom = 1 if not date1904 and value < dt.datetime(1900, 3, 1) else 0  # Excel counts 1900-02-29
    return delta.days - phantom + delta.seconds / 86400 + delta.microseconds / 86400e6


def general(value: float) -> str:
    """Excel's General format: up to 11 characters, integers in full below 1e11."""
    if value == int(value) and abs(value) < 1e11:
        return str(int(value))
    magnitude = abs(value)
    if magnitude >= 1e11 or magnitude < 1e-9:
        mantissa, exponent = f"{value:.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{int(exponent):+03d}"
    whole = len(str(int(magnitude)))
    places = max(0, 10 - whole - (value < 0))
    text = str(_round(value, places))
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------ sections and tokens

def _split_sections(code: str) -> list[str]:
    sections, current, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch in "\\_*" and i + 1 < len(code):
            current.append(code[i:i + 2])
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i)
            end = len(code) - 1 if end < 0 else end
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    sections.append("".join(current))
    return sections


def _pick_section(sections: list[str], value: float) -> tuple[str, bool]:
    """The section that formats `value`, and whether it shows the magnitude (sign dropped)."""
    numeric = sections[:3]
    conditions = [_CONDITION.search(s) for s in numeric]
    if any(conditions):
        for s, cond in zip(numeric, conditions):
            if cond and _holds(value, cond.group(1), float(cond.group(2))):
                return s, cond.group(1) in ("<", "<=") and float(cond.group(2)) <= 0
        rest = [s for s, cond in zip(numeric, conditions) if not cond]
        return (rest[0], False) if rest else (numeric[-1], False)
    if len(numeric) == 1 or value > 0 or (value == 0 and len(numeric) == 2):
        section = numeric[0]
        return section, False
    if value < 0:
        return numeric[1], True
    return numeric[2], False


def _holds(value: float, op: str, limit: float) -> bool:
    return {"<": value < limit, "<=": value <= limit, ">": value > limit, ">=": value >= limit,
            "=": value == limit, "<>": value != limit}[op]


def _tokens(section: str) -> list[tuple[str, str]]:
    """(kind, text): lit, digit (0 # ?), dot, comma, pct, exp (E+ / E-), slash, general, text, date.
    Padding (_x) and fill (*x) only align the text in the cell, so they give no token."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = n if end < 0 else end
            out.append(("lit", section[i + 1:end]))
            i = end + 1
        elif ch == "\\":
            out.append(("lit", section[i + 1:i + 2]))
            i += 2
        elif ch == "_":
            i += 2  # padding the width of the next character: alignment, not text
        elif ch == "*":
            i += 2  # fill character: repeats to the cell's width, shown as nothing here
        elif ch == "[":
            end = section.find("]", i)
            end = n - 1 if end < 0 else end
            inner = section[i + 1:end]
            if inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    out.append(("lit", symbol))
            elif re.fullmatch(r"[hH]+|[mM]+|[sS]+", inner):
                out.append(("date", "[" + inner.lower() + "]"))
            i = end + 1  # colours, conditions, locale tags
        elif section[i:i + 7].lower() == "general":
            out.append(("general", ""))
            i += 7
        elif section[i:i + 5].upper() == "AM/PM" or section[i:i + 5] == "上午/下午":
            out.append(("date", "ampm"))
            i += 5
        elif section[i:i + 3].upper() == "A/P":
            out.append(("date", "a/p"))
            i += 3
        elif ch in "0#?":
            out.append(("digit", ch))
            i += 1
        elif ch in "eE" and i + 1 < n and section[i + 1] in "+-" and _has_digits_before(out):
            out.append(("exp", section[i + 1]))
            i += 2
        elif ch in _DATE_LETTERS:
            j = i
            while j < n and section[j].lower() == ch.lower():
                j += 1
            out.append(("date", section[i:j].lower()))
            i = j
        elif ch == ".":
            out.append(("dot", "."))
            i += 1
        elif ch == ",":
            out.append(("comma", ","))
            i += 1
        elif ch == "%":
            out.append(("pct", "%"))
            i += 1
        elif ch == "/" and _has_digits_before(out) and re.match(r"\s*[0-9#?]", section[i + 1:]):
            out.append(("slash", "/"))
            i += 1
        elif ch == "@":
            out.append(("text", ""))
            i += 1
        else:
            out.append(("lit", ch))
            i += 1
    return out


def _has_digits_before(tokens) -> bool:
    return any(kind == "digit" for kind, _ in tokens)


# ------------------------------------------------------------------ numbers

def _round(value: float, places: int) -> Decimal:
    """Half away from zero on Excel's 15 significant digits (2.675 -> 2.68, as Excel shows it)."""
    exact = Decimal(f"{value:.15g}")
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _render_number(value: float, tokens: list[tuple[str, str]]) -> str:
    kinds = [k for k, _ in tokens]
    if "general" in kinds:
        out = []
        for kind, text in tokens:
            out.append(general(value) if kind == "general" else text if kind == "lit" else "")
        return "".join(out)
    if "digit" not in kinds:  # only literals: "-" for zero in accounting formats, or text
        return "".join(t for k, t in tokens if k in ("lit", "pct")) or ("-" if value < 0 else "")
    value = value * 100 ** kinds.count("pct")
    if "slash" in kinds:
        return _render_fraction(value, tokens)
    if "exp" in kinds:
        return _render_scientific(value, tokens)
    first = kinds.index("digit")
    last = len(kinds) - 1 - kinds[::-1].index("digit")
    dot = next((i for i in range(first, len(kinds)) if kinds[i] == "dot"), None)
    if dot is not None and dot > last + 1:
        dot = None  # a literal full stop after the number
    int_end = dot if dot is not None else last + 1
    int_kinds = kinds[first:int_end]
    frac_tokens = tokens[dot + 1:last + 1] if dot is not None else []
    # commas after the last integer placeholder scale by a thousand each; a comma between
    # placeholders turns on the thousands separator
    last_int_digit = max(i for i, k in enumerate(int_kinds) if k == "digit")
    scale = int_kinds[last_int_digit:].count("comma")
    end = last + 1
    while end < len(kinds) and kinds[end] == "comma":
        scale, end = scale + 1, end + 1
    grouping = "comma" in int_kinds[:last_int_digit]
    value = value / 1000 ** scale
    places = sum(1 for kind, _ in frac_tokens if kind == "digit")
    rounded = _round(abs(value), places)
    whole, _, frac = f"{rounded:f}".partition(".")
    prefix = "".join(t for kd, t in tokens[:first] if kd in ("lit", "pct"))
    suffix = "".join(t for kd, t in tokens[end:] if kd in ("lit", "pct"))
    int_tokens = [t for t in tokens[first:int_end] if t[0] in ("digit", "lit")]
    sign = "-" if value < 0 and rounded != 0 else ""
    body = _integer_part(whole, int_tokens, grouping) + _fraction_part(frac, frac_tokens, dot)
    return (sign + prefix + body + suffix).strip()


def _integer_part(whole: str, tokens: list[tuple[str, str]], grouping: bool) -> str:
    """Digits laid right to left into the placeholders; literals between them stay in place."""
    if whole == "0":
        whole = ""  # "#.00" shows 0.5 as ".50"; a 0 placeholder puts the zero back
    if grouping and whole:
        whole = f"{int(whole):,}"
    out, remaining = [], list(whole)
    for kind, text in reversed(tokens):
        if kind == "lit":
            out.append(text)
        elif remaining:
            out.append(remaining.pop())
            while remaining and remaining[-1] == ",":
                out.append(remaining.pop())
        elif text == "0":
            out.append("0")
        elif text == "?":
            out.append(" ")
    return "".join(remaining) + "".join(reversed(out))


def _fraction_part(frac: str, tokens: list[tuple[str, str]], dot: int | None) -> str:
    if dot is None:
        return ""
    placeholders = [t for k, t in tokens if k == "digit"]
    digits = list(frac)
    for i in range(len(placeholders) - 1, -1, -1):  # optional trailing places drop their zeros
        if digits and digits[i] == "0" and placeholders[i] in "#?":
            digits[i] = " " if placeholders[i] == "?" else ""
        else:
            break
    literals = "".join(t for k, t in tokens if k in ("lit", "pct"))
    return "." + "".join(digits) + literals


def _render_scientific(value: float, tokens: list[tuple[str, str]]) -> str:
    kinds = [k for k, _ in tokens]
    e_at = kinds.index("exp")
    mantissa_tokens, exp_tokens = tokens[:e_at], tokens[e_at + 1:]
    m_kinds = [k for k, _ in mantissa_tokens]
    places = 0
    if "dot" in m_kinds:
        places = sum(1 for k in m_kinds[m_kinds.index("dot") + 1:] if k == "digit")
    exp_digits = sum(1 for k, _ in exp_tokens if k == "digit") or 1
    magnitude = abs(value)
    exponent = 0 if magnitude == 0 else math.floor(math.log10(magnitude))
    mantissa = _round(magnitude / 10 ** exponent, places) if magnitude else Decimal(0)
    if mantissa >= 10:
        exponent += 1
        mantissa = _round(magnitude / 10 ** exponent, places)
    sign = "-" if value < 0 else ""
    shown_sign = "-" if exponent < 0 else ("+" if tokens[e_at][1] == "+" else "")
    prefix = "".join(t for k, t in mantissa_tokens[:m_kinds.index("digit")] if k == "lit")
    suffix = "".join(t for k, t in exp_tokens if k == "lit")
    return f"{sign}{prefix}{mantissa:f}E{shown_sign}{str(abs(exponent)).rjust(exp_digits, '0')}{suffix}"


def _render_fraction(value: float, tokens: list[tuple[str, str]]) -> str:
    kinds = [k for k, _ in tokens]
    slash = kinds.index("slash")
    denominator_text = "".join(t for k, t in tokens[slash + 1:] if k in ("digit", "lit")).strip()
    numerator_tokens = tokens[:slash]
    # "# ?/?": a whole-number group, a space, then the numerator
    split = [i for i, (k, t) in enumerate(numerator_tokens) if k == "lit" and t.strip() == ""]
    has_whole = bool(split) and any(k == "digit" for k, _ in numerator_tokens[:split[0]])
    magnitude = abs(value)
    whole = int(magnitude) if has_whole else 0
    rest = magnitude - whole
    if denominator_text.isdigit():
        fraction = Fraction(round(rest * int(denominator_text)), int(denominator_text))
    else:
        digits = sum(1 for k, _ in tokens[slash + 1:] if k == "digit") or 1
        fraction = Fraction(rest).limit_denominator(10 ** digits - 1)
    if fraction == 1:
        whole, fraction = whole + 1, Fraction(0)
    sign = "-" if value < 0 else ""
    if fraction == 0:
        return f"{sign}{whole}"
    numerator, denominator = fraction.numerator, fraction.denominator
    if denominator_text.isdigit():
        numerator, denominator = round(rest * int(denominator_text)), int(denominator_text)
    body = f"{numerator}/{denominator}"
    return f"{sign}{whole} {body}" if has_whole and whole else f"{sign}{body}"


# ------------------------------------------------------------------ text and dates

def _render_text(value: str, code: str) -> str:
    sections = _split_sections(code)
    if len(sections) < 4 and "@" not in code:
        return value
    section = sections[3] if len(sections) >= 4 else next(s for s in sections if "@" in s)
    return "".join(value if kind == "text" else text if kind == "lit" else "" for kind, text in _tokens(section))


def _render_date(number: float, tokens: list[tuple[str, str]], date1904: bool) -> str:
    seconds_places = 0
    kinds = [k for k, _ in tokens]
    if "dot" in kinds:
        seconds_places = sum(1 for k, _ in tokens[kinds.index("dot") + 1:] if k == "digit")
    total = Decimal(f"{number:.15g}") * 86400
    total = total.quantize(Decimal(1).scaleb(-seconds_places), rounding=ROUND_HALF_UP)
    stamp = (EPOCH_1904 if date1904 else EPOCH_1900) + dt.timedelta(seconds=float(total))
    if not date1904 and number < 60:  # Excel's phantom 1900-02-29 shifts the first two months
        stamp += dt.timedelta(days=1)
    twelve = "ampm" in (t for _, t in tokens) or "a/p" in (t for _, t in tokens)
    out = []
    date_tokens = [(i, t) for i, (k, t) in enumerate(tokens) if k == "date"]
    for index, (kind, text) in enumerate(tokens):
        if kind == "lit":
            out.append(text)
        elif kind in ("dot", "comma", "pct", "slash"):
            out.append(text if kind != "dot" or seconds_places == 0 else "")
        elif kind == "digit" and seconds_places:
            continue
        elif kind == "date":
            out.append(_date_part(text, stamp, total, twelve, _is_minute(index, date_tokens), seconds_places))
    return "".join(out)


def _is_minute(index: int, date_tokens: list[tuple[int, str]]) -> bool:
    """'m' is minutes right after an hour or right before a second, months elsewhere."""
    position = [i for i, _ in date_tokens].index(index)
    before = date_tokens[position - 1][1] if position else ""
    after = date_tokens[position + 1][1] if position + 1 < len(date_tokens) else ""
    return before.strip("[]").startswith("h") or after.strip("[]").startswith("s")


def _date_part(token: str, stamp: dt.datetime, total: Decimal, twelve: bool, minute: bool,
               seconds_places: int) -> str:
    if token.startswith("y") or token.startswith("e"):
        return str(stamp.year) if len(token) > 2 or token.startswith("e") else f"{stamp.year % 100:02d}"
    if token.startswith("m") and not minute:
        if len(token) >= 5:
            return _MONTHS_EN[stamp.month - 1][0]
        if len(token) == 4:
            return _MONTHS_EN[stamp.month - 1]
        if len(token) == 3:
            return _MONTHS_EN[stamp.month - 1][:3]
        return f"{stamp.month:0{len(token)}d}"
    if token.startswith("m"):
        return f"{stamp.minute:0{len(token)}d}"
    if token.startswith("d"):
        if len(token) >= 4:
            return _WEEKDAYS_EN[stamp.weekday()]
        if len(token) == 3:
            return _WEEKDAYS_EN[stamp.weekday()][:3]
        return f"{stamp.day:0{len(token)}d}"
    if token.startswith("a") and token not in ("ampm", "a/p"):
        day = _WEEKDAYS_ZH[stamp.weekday()]
        return "星期" + day if len(token) >= 4 else day
    if token.startswith("h"):
        hour = stamp.hour % 12 or 12 if twelve else stamp.hour
        return f"{hour:0{len(token)}d}"
    if token.startswith("s"):
        text = f"{stamp.second:0{len(token)}d}"
        if seconds_places:
            text += "." + f"{stamp.microsecond:06d}"[:seconds_places]
        return text
    if token == "ampm":
        return "AM" if stamp.hour < 12 else "PM"
    if token == "a/p":
        return "A" if stamp.hour < 12 else "P"
    if token.startswith("["):
        unit = token.strip("[]")[0]
        divisor = {"h": 3600, "m": 60, "s": 1}[unit]
        return str(int(total // divisor))
    return ""
