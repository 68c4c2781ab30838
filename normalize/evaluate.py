"""Recompute a reading of a formula from printed quantities and say whether a printed value fits.

The tolerance is what the printing allows and nothing more: half a unit of the
printed value's last digit plus the effect of each input's half-step on the
formula (every formula here is monotonic in each input, so moving one input by
its half-step in either direction bounds its contribution).
"""
from __future__ import annotations

from dataclasses import dataclass

from ecopark.normalize.formulas import Reading
from ecopark.normalize.precision import Quantity

# Float noise only: a relative epsilon far below any printed precision.
_EPS = 1e-9


@dataclass(frozen=True)
class Expected:
    value: float
    tolerance: float      # from the inputs' printing alone

    def fits(self, printed: Quantity) -> bool:
        return abs(printed.value - self.value) <= self.allowance(printed)

    def allowance(self, printed: Quantity) -> float:
        return self.tolerance + printed.step + _EPS * max(1.0, abs(printed.value))

    def misfit(self, printed: Quantity) -> float:
        """Distance in units of the allowance: ≤ 1 fits."""
        return abs(printed.value - self.value) / self.allowance(printed)


def evaluate(reading: Reading, inputs: dict[str, Quantity], n: int | None) -> Expected | None:
    if any(name not in inputs for name in reading.required):
        return None
    used = {name: q for name, q in inputs.items() if name in reading.inputs}
    values = {name: q.value for name, q in used.items()}
    try:
        centre = reading.compute(values, n)
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    if centre is None or isinstance(centre, complex):
        return None
    tolerance = 0.0
    for name, q in used.items():
        if not q.step:
            continue
        worst = 0.0
        for shifted in (q.value - q.step, q.value + q.step):
            moved = dict(values, **{name: shifted})
            try:
                other = reading.compute(moved, n)
            except (ZeroDivisionError, OverflowError, ValueError):
                other = None
            if other is not None and not isinstance(other, complex):
                worst = max(worst, abs(other - centre))
        tolerance += worst
    return Expected(centre, tolerance)


def format_like(value: float, decimals: int | None) -> str:
    """`value` printed with the decimals the report used (two when unknown)."""
    d = 2 if decimals is None else decimals
    return f"{value:.{d}f}"
