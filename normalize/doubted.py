"""A component the OCR doubted, read again by the indicators computed from it.

One misread digit in a component (工业增加值 2395000 read for 2595000 under a seal) makes
every indicator computed from it disagree: six or eight right values sent to review as
INCONSISTENT, when the one thing a person has to look at is the doubted cell. So, for a
component the OCR doubts (OCR_LOW_CONFIDENCE) whose printed reading leaves indicators
computed from it contradicted, the readings one slip away (a digit, a swap, the sign:
`repair.slip_spellings`) are tried against every indicator that uses it. A reading is taken
as the likely one only when it alone makes at least MIN_EXPLAINED of them come out as
printed that did not before, and breaks none that did.

It is never taken as the value: the component keeps OCR_LOW_CONFIDENCE (a digit changed is
for a person to confirm) with the reading as its suggestion. An indicator that then comes
out as printed is flagged FITS_DOUBTED_INPUT instead of INCONSISTENT: still marked, with the
reason, but not sent to review on its own, since its disagreement is the component's.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecopark.normalize.evaluate import evaluate
from ecopark.normalize.formulas import BY_INDICATOR, Formula, formulas_using
from ecopark.normalize.ocr import reading
from ecopark.normalize.pools import YearPool
from ecopark.normalize.precision import Quantity
from ecopark.normalize.repair import slip_spellings
from ecopark.normalize.span import MAX_SPAN
from ecopark.schemas.records import Record

MIN_EXPLAINED = 2  # indicators a reading must bring into line: one could fit by chance


@dataclass
class Repair:
    record: Record    # the doubted component
    text: str         # the reading its indicators point to
    quantity: Quantity
    explained: list[str]  # the indicators it brings into line


def repairs(pool: YearPool, inputs: dict[str, Quantity], n: int | None) -> dict[str, Repair]:
    """indicator_id -> Repair, for the doubted components of one year's pool."""
    out = {}
    for recs in pool.by_id.values():
        for rec in recs:
            if ("OCR_LOW_CONFIDENCE" in rec.flags and rec.value is not None and rec.table_kind == "assessment"
                    and rec.indicator_id not in BY_INDICATOR and inputs.get(rec.indicator_id) is not None):
                found = _repair(rec, pool, inputs, n)
                if found is not None:
                    out[rec.indicator_id] = found
    return out


def _repair(rec: Record, pool: YearPool, inputs: dict[str, Quantity], n: int | None) -> Repair | None:
    users = [(f, t) for f in formulas_using(rec.indicator_id) if (t := pool.printed_value(f.indicator)) is not None
             and not (f.needs_span and n is None)]
    if len(users) < MIN_EXPLAINED:
        return None
    fits_now = {f.indicator for f, target in users if fits(f, inputs, target, n)}
    if len(users) - len(fits_now) < MIN_EXPLAINED:
        return None
    best: list[tuple[int, str, Quantity, list[str], float]] = []
    for text in slip_spellings(rec.value_raw.strip().replace("−", "-")):
        r = reading(rec, text)
        if r is None:
            continue
        q = r.quantity(as_input=True)
        trial = dict(inputs, **{rec.indicator_id: q})
        fitting = [f.indicator for f, target in users if fits(f, trial, target, n)]
        if not fits_now.issubset(fitting):
            continue
        gained = [i for i in fitting if i not in fits_now]
        if len(gained) >= MIN_EXPLAINED:
            best.append((len(gained), text, q, gained, r.value))
    if not best:
        return None
    best.sort(key=lambda b: -b[0])
    top = [b for b in best if b[0] == best[0][0]]
    if len(top) > 1:
        # two readings explain as much (a round 2590000 fits as well as 2595000 at its precision):
        # the formulas cannot tell the digit, unless the scan's glyphs allow only one of them
        offered = [b for b in top if b[1] in rec.ocr_readings]
        if len(offered) != 1:
            return None
        best = offered
    _, text, q, gained, value = best[0]
    repair = Repair(rec, text, q, gained)
    if not rec.suggestion:
        rec.suggested_value = round(value, 10)
        rec.suggestion = (f"{text} (one slip from the '{rec.value_raw.strip()}' read: with it "
                          f"{', '.join(gained)} come out as printed)")
    return repair


def fits(f: Formula, inputs: dict[str, Quantity], printed: Quantity, n: int | None) -> bool:
    """Whether some reading of the formula gives the printed value (at span n, or at any span
    of 1–MAX_SPAN when the formula needs one and n is unknown): the consistency checks' test."""
    spans = [n] if not f.needs_span or n is not None else list(range(1, MAX_SPAN + 1))
    return any((e := evaluate(x, inputs, m)) is not None and e.fits(printed) for m in spans for x in f.readings)


def with_repairs(inputs: dict[str, Quantity], found: dict[str, Repair], formula: Formula) -> dict[str, Quantity] | None:
    """The inputs with the repaired readings of this formula's doubted components, or None
    when none of its components was repaired."""
    used = {c: r.quantity for c, r in found.items() if c in formula.components}
    return dict(inputs, **used) if used else None


def explain(record: Record, formula: Formula, found: dict[str, Repair]) -> None:
    """Flag a printed indicator that comes out with its doubted components read as repaired."""
    named = "; ".join(f"{r.record.name_raw or c} read {r.text} for the doubted '{r.record.value_raw.strip()}'"
                      for c, r in found.items() if c in formula.components)
    record.flag("FITS_DOUBTED_INPUT", f"{formula.indicator} = {formula.readings[0].text} does not give the printed "
                                      f"{record.value_raw.strip()} from the components as read, and does with "
                                      f"{named} (that cell is in review)")
