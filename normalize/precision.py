"""How precisely a value was printed, so that checks forgive rounding and nothing else.

A report prints 56.50 for 56.5024…; recomputing from rounded components and
comparing exactly would flag almost every derived indicator. The tolerance of a
check is therefore built from what the page shows: half a unit of the last
printed digit of the value, plus what half a unit of each input's last digit
does to the formula.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from ecopark.schemas.records import Record

_NUMBER = regex.compile(r"[-+−]?\d[\d,，]*(?:\.(\d+))?")

# An integer of at least this size printed with trailing zeros ("2595000") was
# most likely rounded to the last non-zero digit (259.5亿 typed as 万元).
_ROUNDED_INTEGER_MIN = 1000


@dataclass(frozen=True)
class Quantity:
    """A printed number in the catalogue unit and the half-step its printing allows."""

    value: float
    step: float

    @property
    def low(self) -> float:
        return self.value - self.step

    @property
    def high(self) -> float:
        return self.value + self.step


def printed_number(raw: str) -> tuple[float, int] | None:
    """The first number printed in `raw` and its count of decimals."""
    m = _NUMBER.search(raw or "")
    if not m:
        return None
    text = m.group(0).replace(",", "").replace("，", "").replace("−", "-")
    try:
        return float(text), len(m.group(1) or "")
    except ValueError:
        return None


def half_step(raw: str, value: float, rounded_integers: bool = False) -> float:
    """Half a unit of the last printed digit of `raw`, in the unit of `value`.

    `value` may have been converted from the report's unit (万吨 → 吨); the
    ratio value/printed carries the step into the catalogue unit.
    `rounded_integers` widens the step of large integers ending in zeros: right
    for inputs (components are often rounded to 千/万), wrong for the printed
    value under test, whose decimals are its claim."""
    parsed = printed_number(raw)
    if parsed is None:
        return 0.0
    number, decimals = parsed
    step = 0.5 * 10.0 ** (-decimals)
    if rounded_integers and (decimals == 0 or _only_zero_decimals(raw)):
        step = max(step, _integer_rounding(number))
    scale = abs(value / number) if number else 1.0
    return step * scale


def _only_zero_decimals(raw: str) -> bool:
    m = _NUMBER.search(raw or "")
    return bool(m and m.group(1) and set(m.group(1)) == {"0"})


def _integer_rounding(number: float) -> float:
    """Half-step implied by trailing zeros of a large integer, keeping three significant digits."""
    n = int(abs(number))
    if n < _ROUNDED_INTEGER_MIN:
        return 0.0
    digits = str(n)
    zeros = len(digits) - len(digits.rstrip("0"))
    zeros = min(zeros, max(0, len(digits) - 3))
    return 0.5 * 10.0 ** zeros if zeros else 0.0


def record_step(record: Record, rounded_integers: bool = False) -> float:
    """`half_step` from what numbers.parse read (decimals, and the scale of 万/亿 and unit
    conversion) instead of the printed text; records built without it fall back to the text."""
    if record.value is None:
        return 0.0
    if record.value_decimals is None:
        return half_step(record.value_raw, record.value, rounded_integers)
    decimals, scale = record.value_decimals, record.value_scale or 1.0
    printed = record.value / scale
    step = 0.5 * 10.0 ** (-decimals)
    if rounded_integers and float(printed).is_integer():
        step = max(step, _integer_rounding(printed))
    return step * abs(scale)


def quantity(record: Record, as_input: bool = True) -> Quantity | None:
    """The record's value with the precision it was printed at; None when it has no number."""
    if record.value is None:
        return None
    return Quantity(record.value, record_step(record, rounded_integers=as_input))


def decimals_of(record: Record) -> int | None:
    """Printed decimals of the record's value: numbers.parse's, else read off the printed text."""
    if record.value_decimals is not None:
        return record.value_decimals
    parsed = printed_number(record.value_raw)
    return None if parsed is None else parsed[1]
