"""OCR doubts settled by what the report itself says: the row's unit and the standard's formulas.

A scanned value cell the OCR doubts carries why (Record.ocr_doubts) and the other texts its
glyphs allow (Record.ocr_readings: '37,807' under a '37.807' whose separator may be either,
'-2.11' where a minus may be lost, a second reading of the crop). Each reading, the one printed
first, is tried against:

- the row's unit: a count (人, 个, 次/年) is a whole number;
- the standard's formulas (normalize.formulas, evaluated as the consistency checks do): as an
  indicator, recomputed from its printed components; as a component, making its indicator's
  printed value come out.

A doubt is settled, and the record leaves review with OCR_SETTLED and its evidence in reasons,
in two cases only:
- the reading is pinned: it fits and the numbers one unit of its last digit either side do not,
  so the formula gives it to the precision it is printed at and no misread digit is left;
- the only doubt is where a separator or a sign goes (the digits read clean: no other doubt),
  and exactly one reading fits while every other reading is contradicted.
A reading other than the printed one is then what `value` holds (value_raw stays as read), so a
factor of 1000 is never taken without its reason. In every other case OCR_LOW_CONFIDENCE stays
and the reading that fits (or, with nothing to weigh it by, the first other reading) is written
into suggestion and suggested_value.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecopark.normalize import numbers
from ecopark.normalize.evaluate import evaluate, format_like
from ecopark.normalize.formulas import BY_INDICATOR, Formula, formulas_using
from ecopark.normalize.pools import YearPool
from ecopark.normalize.precision import Quantity, _integer_rounding
from ecopark.normalize.span import MAX_SPAN, BaseYear
from ecopark.schemas.catalogue import normalize_unit
from ecopark.schemas.records import Record

COUNTS = {"人", "个", "次/年"}  # catalogue units of whole numbers


@dataclass
class Reading:
    text: str
    value: float          # in the catalogue unit
    decimals: int
    scale: float          # catalogue unit per printed unit (the record's value_scale)

    def quantity(self, as_input: bool) -> Quantity:
        printed = self.value / self.scale if self.scale else self.value
        step = 0.5 * 10.0 ** (-self.decimals)
        if as_input and float(printed).is_integer():
            step = max(step, _integer_rounding(printed))
        return Quantity(self.value, step * abs(self.scale))

    def moved(self, units: int) -> "Reading":
        """The number `units` of its last printed digit away."""
        return Reading(self.text, self.value + units * 10.0 ** (-self.decimals) * self.scale, self.decimals,
                       self.scale)

    @property
    def digits(self) -> str:
        return "".join(ch for ch in self.text if ch.isdigit())


@dataclass
class Verdict:
    fits: bool                 # contradicted by no test
    evidence: list[str]        # the tests that confirm it, as a reviewer can check them
    pinned: bool = False       # a formula gives it to its printed precision


def reading(rec: Record, text: str) -> Reading | None:
    value = numbers.parse(text)
    if value.kind != "number" or value.multiplier != 1.0 or value.unit:
        return None
    return Reading(text.strip(), value.number * (rec.value_scale or 1.0), value.decimals, rec.value_scale or 1.0)


def settle_ocr_doubts(records: list[Record], pools: dict[int | None, YearPool], base: BaseYear) -> None:
    """Weigh every doubted OCR value against its unit and formulas (components before indicators,
    so an indicator is tried against components already settled)."""
    for year, pool in pools.items():
        n = base.span(year)
        doubted = [r for recs in pool.by_id.values() for r in recs
                   if "OCR_LOW_CONFIDENCE" in r.flags and r.table_kind == "assessment"]
        for rec in sorted(doubted, key=lambda r: r.indicator_id in BY_INDICATOR):
            _settle(rec, pool, n)


def _settle(rec: Record, pool: YearPool, n: int | None) -> None:
    printed = reading(rec, rec.value_raw) if rec.value is not None else None
    if printed is None:
        return
    others = [r for t in rec.ocr_readings if (r := reading(rec, t)) is not None and r.value != printed.value]
    verdicts = [(r, _verdict(rec, r, pool, n)) for r in [printed] + others]
    fitting = [(r, v) for r, v in verdicts if v.fits and v.evidence]
    contradicted = [r for r, v in verdicts if not v.fits]
    clean_digits = not rec.ocr_doubts and all(r.digits == printed.digits for r in others)
    if len(fitting) == 1 and len(contradicted) == len(verdicts) - 1:
        chosen, verdict = fitting[0]
        if verdict.pinned or (others and clean_digits):
            _take(rec, chosen, printed, verdict)
            return
    _suggest(rec, printed, others, fitting)


def _verdict(rec: Record, r: Reading, pool: YearPool, n: int | None) -> Verdict:
    fits, evidence, pinned = True, [], False
    unit = normalize_unit(rec.unit)
    if unit in COUNTS:
        whole = float(r.value).is_integer()
        fits &= whole
        if whole and r.decimals == 0:
            evidence.append(f"a count ({unit}) is a whole number")
    for test, exact in _formula_tests(rec, pool, n):
        verdict = test(r)
        if verdict is None:
            continue
        ok, said = verdict
        fits &= ok
        if ok:
            evidence.append(said)
            if exact and all((v := test(r.moved(k))) is not None and not v[0] for k in (-1, 1)):
                pinned = True
    return Verdict(fits, evidence if fits else [], pinned and fits)


def _formula_tests(rec: Record, pool: YearPool, n: int | None):
    """(test, exact) per formula the value takes part in: test(reading) -> (fits, what was
    computed) or None; exact is False where the span is unknown and any span of 1-30 years is
    tried (enough to tell 2.11 from -2.11, never to pin a digit)."""
    inputs = pool.inputs()
    spans = [n] if n is not None else list(range(1, MAX_SPAN + 1))
    own = BY_INDICATOR.get(rec.indicator_id)
    if own is not None:
        def as_indicator(r: Reading, f: Formula = own):
            q = r.quantity(as_input=False)
            computed = [(x, m, e) for m in (spans if f.needs_span else [n]) for x in f.readings
                        if (e := evaluate(x, inputs, m)) is not None]
            if not computed:
                return None
            hits = [(x, m, e) for x, m, e in computed if e.fits(q)]
            x, m, e = (hits or computed)[0]
            return bool(hits), (f"{f.indicator} = {x.text}{_span(f, m, n, hits)} = "
                                f"{format_like(e.value, r.decimals + 1)} from its printed components")
        yield as_indicator, not (own.needs_span and n is None)
    for f in formulas_using(rec.indicator_id):
        target = pool.printed_value(f.indicator)
        if target is None:
            continue
        shown = next(t.value_raw.strip() for t in pool.printed(f.indicator) if t.value is not None)

        def as_component(r: Reading, f: Formula = f, target: Quantity = target, shown: str = shown):
            trial = dict(inputs, **{rec.indicator_id: r.quantity(as_input=True)})
            computed = [(m, e) for m in (spans if f.needs_span else [n]) for x in f.readings
                        if (e := evaluate(x, trial, m)) is not None]
            if not computed:
                return None
            hits = [m for m, e in computed if e.fits(target)]
            return bool(hits), f"{f.indicator} = {f.readings[0].text}{_span(f, hits[0] if hits else None, n, hits)} " \
                               f"gives the printed {shown}"
        yield as_component, not (f.needs_span and n is None)


def _span(f: Formula, m: int | None, n: int | None, hits) -> str:
    if not f.needs_span:
        return ""
    if n is not None:
        return f" with n={n}"
    found = sorted({h[1] if isinstance(h, tuple) else h for h in hits})
    if not found:
        return " (no span of 1–30 years)"
    return f" with n={found[0]}" + (f"–{found[-1]}" if found[-1] != found[0] else "") + " (span unknown)"


def _take(rec: Record, chosen: Reading, printed: Reading, verdict: Verdict) -> None:
    doubt = next((r for r in rec.reasons if r.startswith("OCR_LOW_CONFIDENCE:")), "")
    rec.flags.discard("OCR_LOW_CONFIDENCE")
    rec.reasons = [r for r in rec.reasons if r != doubt]
    why = doubt.split(":", 1)[1].strip() if doubt else "OCR doubted this cell"
    how = "; ".join(verdict.evidence)
    if chosen is printed:
        rec.flag("OCR_SETTLED", f"{why}; '{printed.text}' confirmed: {how}")
        return
    rec.value, rec.value_decimals = round(chosen.value, 10), chosen.decimals
    factor = chosen.value / printed.value if printed.value else None
    times = f" (× {factor:g})" if factor and abs(abs(factor) - 1) > 1e-9 else " (the sign)"
    rec.flag("OCR_SETTLED", f"{why}; '{chosen.text}' taken for the '{printed.text}' read{times}: {how}; "
                            f"'{printed.text}' does not fit")


def _suggest(rec: Record, printed: Reading, others: list[Reading], fitting: list) -> None:
    """The flag stays; the other reading a person should look at first is the suggestion."""
    if rec.suggestion or not others:
        return
    better = [(r, v) for r, v in fitting if r is not printed]
    r, v = better[0] if better else (others[0], None)
    if v is None:
        why = "nothing printed tells the readings apart"
    elif any(x is printed for x, _ in fitting):
        why = f"so does the '{printed.text}' read; {'; '.join(v.evidence)}"
    else:
        why = "; ".join(v.evidence)
    rec.suggested_value = round(r.value, 10)
    rec.suggestion = f"{r.text} (the scan may read so; {why})"


_SAID = {"yes": "是", "no": "否"}


def settle_compliance_doubts(records: list[Record]) -> None:
    """A 是否达标 cell OCR doubts (a compliance table without a value column: the record is that
    cell) is settled when it says what the value and the standard's requirement say: the
    indicator's value, read from the assessment table, meets (是) or misses (否) the requirement.
    Run after check_compliance, which computes that."""
    for rec in records:
        if ("OCR_LOW_CONFIDENCE" not in rec.flags or rec.table_kind != "compliance" or rec.value is not None
                or rec.value_text or rec.value_raw.strip() or rec.flags & {"COMPLIANCE_MISMATCH", "TABLES_DISAGREE"}):
            continue
        said = _SAID.get(rec.compliant_reported)
        if said is None or rec.compliant_raw.strip() != said or rec.compliant_computed != rec.compliant_reported:
            continue
        doubt = next((r for r in rec.reasons if r.startswith("OCR_LOW_CONFIDENCE:")), "")
        rec.flags.discard("OCR_LOW_CONFIDENCE")
        rec.reasons = [r for r in rec.reasons if r != doubt]
        why = doubt.split(":", 1)[1].strip() if doubt else "OCR doubted this cell"
        rec.flag("OCR_SETTLED", f"{why}; '{said}' confirmed: the indicator's value "
                                f"{'meets' if said == '是' else 'misses'} the standard's requirement")
