"""Read a value cell: a number, a missing mark, a masked number, a category, or junk.

The rule that matters: a cell that looks numeric but is not a number
(`-0.4.85`, `2..0`, `1O.5`) is *malformed* and never coerced into a value; a
person decides what it meant.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from ecopark.schemas import catalogue

MISSING_MARKS = {"-", "--", "/", "—", "——", "–", "―", "−", "\\", "无", "/ ", "-/-", "－", "ー", "一"}
CATEGORIES = {"达标", "不达标", "全部完成", "完成", "未完成", "基本完成", "具备", "不具备", "是", "否", "有", "无"}

_NUMBER = regex.compile(r"^([-+]?)(\d+(?:\.\d+)?|\.\d+)(?:[eE]([-+]?\d{1,3}))?(%?)$")
_MASKED = regex.compile(r"^[-+]?[\d*]*\.?[\d*]*%?$")
_NUMERIC_LOOKING = regex.compile(r"^[-+−]?[\d.,，。%OoIl]+$")
_NUMBER_WITH_UNIT = regex.compile(r"^([-+]?\d+(?:\.\d+)?)([\p{Han}a-zA-Z/²³]{1,8})$")
_DASHES = regex.compile(r"[-—–/\\]+")
_NUMERAL = regex.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d{1,3})?%?")
_THOUSANDS = regex.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


@dataclass
class Value:
    kind: str                 # number / missing / masked / malformed / text / empty
    number: float | None = None
    text: str = ""            # categorical or other text
    percent: bool = False
    decimals: int = 0         # printed decimals, for tolerance in the checks
    masked_digits: int = 0
    unit: str = ""            # a unit printed in the value cell itself ("259.5亿元")


def clean(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw or "")
    s = s.replace("\u2212", "-").replace("－", "-")
    s = "".join(s.split())
    return _THOUSANDS.sub("", s)


def parse(raw: str) -> Value:
    s = clean(raw)
    if not s:
        return Value("empty")
    if s in MISSING_MARKS or _DASHES.fullmatch(s):
        return Value("missing")
    m = _NUMBER.match(s)
    if m:
        sign, digits, exponent, pct = m.groups()
        number = float(digits) * (-1 if sign == "-" else 1) * 10 ** int(exponent or 0)
        decimals = max(0, (len(digits.split(".")[1]) if "." in digits else 0) - int(exponent or 0))
        return Value("number", number, percent=bool(pct), decimals=decimals)
    m = _NUMBER_WITH_UNIT.match(s)
    if m and catalogue.normalize_unit(m.group(2)) in _known_units():
        value = parse(m.group(1))
        value.unit = m.group(2)
        return value
    if "*" in s and _MASKED.match(s):
        return Value("masked", masked_digits=s.count("*"), percent=s.endswith("%"))
    if _NUMERIC_LOOKING.match(s) and any(ch.isdigit() for ch in s):
        return Value("malformed")
    return Value("text", text=s)


@lru_cache(maxsize=1)
def _known_units() -> frozenset[str]:
    """Every unit the catalogue uses or knows how to convert from."""
    cat = catalogue.load()
    units = {catalogue.normalize_unit(e.unit) for e in cat} | {u for _, u in cat.conversions}
    return frozenset(units - {"—"})


def shows_stored(shown: str, stored: str) -> bool:
    """Whether a spreadsheet cell's shown text says its stored number, up to the rounding of the
    places shown ("12.50%" over 0.125, "56.50" over 56.4963, "2,595,000" over 2595000). A stored
    formula (no saved result), a date or other text over a number, or a scaled format is not."""
    try:
        number = float(stored)
    except ValueError:
        return False
    numerals = _NUMERAL.findall(clean(shown))  # the number among literal text ("12个", "¥5.00")
    if len(numerals) != 1:
        return False
    value = parse(numerals[0])
    if value.kind != "number":
        return False
    mantissa, _, exponent = numerals[0].rstrip("%").lower().partition("e")
    places = len(mantissa.partition(".")[2]) - int(exponent or 0)  # 1.23E+03 is good to 10
    scale = 0.01 if value.percent else 1.0
    tolerance = 0.5 * 10.0 ** -places * scale
    return abs(value.number * scale - number) <= tolerance * (1 + 1e-9) + 1e-12 * abs(number)


def is_category(value: Value) -> bool:
    return value.kind == "text" and value.text in CATEGORIES


def yes_no(raw: str) -> str:
    """是/否/必选 as the contract spells them; '-' and blanks become ''."""
    s = "".join(unicodedata.normalize("NFKC", raw or "").split())
    if s in ("是", "√", "✓", "Y", "yes", "达标", "满足"):
        return "yes"
    if s in ("否", "×", "✗", "N", "no", "不达标", "未达标", "不满足"):
        return "no"
    if s in ("必选", "必选指标"):
        return "mandatory"
    return ""
