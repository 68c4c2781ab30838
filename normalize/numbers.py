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
from ecopark.schemas.text import fold, is_dash, minus_to_ascii, simplify

# words and OCR glyphs printed for "no value" besides the dashes of schemas.text.DASHES
MISSING_MARKS = {"\\", "无", "-/-", "ー", "一", "--", "——"}
CATEGORIES = {"达标", "不达标", "全部完成", "完成", "未完成", "基本完成", "具备", "不具备", "是", "否", "有", "无"}

_NUMBER = regex.compile(r"^([-+]?)(\d+(?:\.\d+)?|\.\d+)(?:[eE]([-+]?\d{1,3}))?(%?)$")
_MASKED = regex.compile(r"^[-+]?[\d*]*\.?[\d*]*%?$")
_NUMERIC_LOOKING = regex.compile(r"^[-+−]?[\d.,，。%OoIl]+$")
_NUMBER_WITH_UNIT = regex.compile(r"^([-+]?\d+(?:\.\d+)?)([\p{Han}a-zA-Z/²³]{1,8})$")
_NUMERAL = regex.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d{1,3})?%?")
_THOUSANDS = regex.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
# 万/亿 written into the cell: "21.73万" in a 吨 row, "1.2亿" in a 元 row, "5万个"
MULTIPLIERS = {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}
_MULTIPLIER = regex.compile(r"^(亿|千万|百万|万)(.*)$")
# footnote marks glued to the end of a number, looked for before NFKC turns '¹' into '1'
_MARK_CHARS = "※†‡§#＊\u00b9\u00b2\u00b3\u2070-\u209f\u1d2c-\u1dbf\u02b0-\u02ff\u2460-\u2473"
_VALUE_MARK = regex.compile(r"(?<=[\d%])\s*((?:[" + _MARK_CHARS + r"]|\^?[a-d]\b|\((?:注)?\d\))+)\s*$")
_STAR_MARK = regex.compile(r"(?<=\d%?)\s*(\*)\s*$")


@dataclass
class Value:
    kind: str                 # number / missing / masked / malformed / text / empty
    number: float | None = None
    text: str = ""            # categorical or other text, in simplified characters
    percent: bool = False
    decimals: int = 0         # printed decimals, for tolerance in the checks
    masked_digits: int = 0
    unit: str = ""            # a unit printed in the value cell itself ("259.5亿元")
    multiplier: float = 1.0   # 万/亿 printed in the cell ("21.73万": 10000), apart from any unit
    mark: str = ""            # a footnote mark after the number ("8※": "※"), as printed


def split_mark(raw: str, star_is_mark: bool = False) -> tuple[str, str]:
    """(text, mark): a footnote mark glued to the end of a number taken off ('8※' → '8', '※').

    A trailing '*' is a mark only where the caller knows the document masks no digits
    (a masked '1*' must stay masked)."""
    s = (raw or "").strip()
    m = _VALUE_MARK.search(s) or (_STAR_MARK.search(s) if star_is_mark else None)
    if not m:
        return s, ""
    return s[:m.start()].rstrip(), m.group(1)


def clean(raw: str) -> str:
    s = minus_to_ascii(unicodedata.normalize("NFKC", raw or ""))
    s = "".join(s.split())
    return _THOUSANDS.sub("", s)


def parse(raw: str, star_is_mark: bool = False) -> Value:
    """What a value cell holds; a footnote mark after the number is set apart in `mark`."""
    body, mark = split_mark(raw, star_is_mark)
    value = _parse(clean(body))
    if mark and value.kind == "number":
        value.mark = mark
        return value
    return _parse(clean(raw)) if mark else value


def _parse(s: str) -> Value:
    if not s:
        return Value("empty")
    if s in MISSING_MARKS or is_dash(s):
        return Value("missing")
    m = _NUMBER.match(s)
    if m:
        sign, digits, exponent, pct = m.groups()
        number = float(digits) * (-1 if sign == "-" else 1) * 10 ** int(exponent or 0)
        decimals = max(0, (len(digits.split(".")[1]) if "." in digits else 0) - int(exponent or 0))
        return Value("number", number, percent=bool(pct), decimals=decimals)
    m = _NUMBER_WITH_UNIT.match(s)
    if m:
        suffix = simplify(m.group(2))
        if catalogue.normalize_unit(suffix) in known_units():
            value = _parse(m.group(1))
            value.unit = suffix
            return value
        times = _MULTIPLIER.match(suffix)
        if times and (not times.group(2) or catalogue.normalize_unit(times.group(2)) in known_units()):
            value = _parse(m.group(1))
            value.multiplier, value.unit = MULTIPLIERS[times.group(1)], times.group(2)
            return value
    if "*" in s and _MASKED.match(s):
        return Value("masked", masked_digits=s.count("*"), percent=s.endswith("%"))
    if _NUMERIC_LOOKING.match(s) and any(ch.isdigit() for ch in s):
        return Value("malformed")
    return Value("text", text=simplify(s))


@lru_cache(maxsize=1)
def known_units() -> frozenset[str]:
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
    s = fold(raw)
    if s in ("是", "√", "✓", "Y", "yes", "达标", "满足"):
        return "yes"
    if s in ("否", "×", "✗", "N", "no", "不达标", "未达标", "不满足"):
        return "no"
    if s in ("必选", "必选指标"):
        return "mandatory"
    return ""
