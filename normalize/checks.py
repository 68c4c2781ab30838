"""Consistency checks: does each printed indicator follow from its printed components?

Reports compute their indicators by hand, and errors are common: a share taken
of the wrong total, a rate over the wrong span, a sign lost. The pass
recomputes every indicator the standard derives (see `normalize.formulas`),
flags INCONSISTENT where the printed value is outside what rounding allows,
and for values that are not numbers (MALFORMED, MASKED) ranks the candidate
readings by the same formulas and writes the best into `suggestion` (prose) and
`suggested_value` (its first reading as a number, so a reviewer can take it in one step).
"""
from __future__ import annotations

from ecopark.normalize import doubted, span as spans
from ecopark.normalize.pools import YearPool, pools_by_year
from ecopark.normalize.evaluate import Expected, evaluate, format_like
from ecopark.normalize.formulas import BY_INDICATOR, FORMULAS, Formula, Reading, formulas_using
from ecopark.normalize.precision import Quantity, decimals_of, quantity
from ecopark.normalize.repair import malformed_readings, masked_fill, masked_readings, slip_readings
from ecopark.schemas.records import Record

from .metadata import Facts

UNREADABLE = {"MALFORMED", "MASKED"}


def _span_evidence(pools: dict[int | None, YearPool]) -> spans.SpanEvidence:
    evidence = []
    for year, pool in pools.items():
        if year is None:
            continue
        inputs = pool.inputs()
        for formula in FORMULAS:
            if not formula.needs_span:
                continue
            for r in pool.printed(formula.indicator):
                q = quantity(r, as_input=False)
                if q is not None:
                    # only the formula's own components: span.infer evaluates it at every candidate base year
                    evidence.append((year, formula.indicator, q,
                                     {c: inputs[c] for c in formula.components if c in inputs}))
                    break
    return evidence


def base_year(records: list[Record], facts: Facts, pools: dict[int | None, YearPool] | None = None) -> spans.BaseYear:
    """The planning base year of one document, from its text and its numbers."""
    return spans.infer(_span_evidence(pools if pools is not None else pools_by_year(records)), facts.text)


def check_consistency(records: list[Record], facts: Facts, pools: dict[int | None, YearPool] | None = None) -> None:
    """Flag INCONSISTENT values, suggest repairs, flag SPAN_UNKNOWN.

    `pools` and `facts.planning_base` are computed here when the caller (normally
    `normalize.pipeline`) has not already done so."""
    if pools is None:
        pools = pools_by_year(records)
    base = facts.planning_base or base_year(records, facts, pools)
    for year, pool in pools.items():
        inputs = pool.inputs()
        n = base.span(year)
        repaired = doubted.repairs(pool, inputs, n)   # components the OCR doubted, read by their indicators
        for formula in FORMULAS:
            fixed = doubted.with_repairs(inputs, repaired, formula) if repaired else None
            for record in pool.printed(formula.indicator):
                if record.value is not None:
                    if fixed is not None and _explained(record, formula, inputs, fixed, n):
                        doubted.explain(record, formula, repaired)
                        if formula.needs_span and n is None:
                            _span_unknown(record, formula, base)
                        continue
                    _check_printed(record, formula, inputs, n, base)
                elif record.flags & UNREADABLE:
                    _suggest_for_indicator(record, formula, inputs, n, base)
        for record in (r for recs in pool.by_id.values() for r in recs):
            if record.value is None and record.flags & UNREADABLE and record.indicator_id not in BY_INDICATOR:
                _suggest_for_component(record, pool, inputs, n)


def _explained(record: Record, formula: Formula, inputs, fixed, n: int | None) -> bool:
    """Contradicted by the components as read, and given by them with the doubted ones repaired."""
    printed = quantity(record, as_input=False)
    return (printed is not None and _computable(formula, inputs)
            and not doubted.fits(formula, inputs, printed, n) and doubted.fits(formula, fixed, printed, n))


def _span_unknown(record: Record, formula: Formula, base: spans.BaseYear) -> None:
    record.flag("SPAN_UNKNOWN", f"{base.note}; {formula.indicator} was not checked for a single span")


def _computable(formula: Formula, inputs: dict[str, Quantity]) -> bool:
    return any(all(c in inputs for c in reading.required) for reading in formula.readings)


def _with_span(formula: Formula, n: int | None) -> str:
    return f" with n={n} years" if formula.needs_span and n else ""


def _span_note(formula: Formula, base: spans.BaseYear) -> str:
    return f" ({base.note})" if formula.needs_span else ""


def _check_printed(record: Record, formula: Formula, inputs, n: int | None, base: spans.BaseYear) -> None:
    if not _computable(formula, inputs):
        return
    printed = quantity(record, as_input=False)
    if formula.needs_span and n is None:
        if not doubted.fits(formula, inputs, printed, None):
            record.flag("INCONSISTENT", f"{formula.indicator} = {formula.readings[0].text}: the printed "
                                        f"{record.value_raw.strip()} fits no span of 1–{spans.MAX_SPAN} years")
            _suggest_slip_any_span(record, formula, inputs)
        _span_unknown(record, formula, base)
        return
    results = [(reading, evaluate(reading, inputs, n)) for reading in formula.readings]
    results = [(reading, e) for reading, e in results if e is not None]
    if not results or any(e.fits(printed) for _, e in results):
        return
    reading, expected = results[0]
    decimals = decimals_of(record)
    shown = format_like(expected.value, decimals)
    if shown == format_like(printed.value, decimals):
        shown = format_like(expected.value, (decimals or 0) + 2)
    reason = (f"{formula.indicator} = {reading.text}{_with_span(formula, n)} = {shown} expected, "
              f"{record.value_raw.strip()} printed{_span_note(formula, base)}")
    fitting = sorted((e.misfit(printed), v.text) for v in formula.variants
                     if (e := evaluate(v, inputs, n)) is not None and e.fits(printed))
    if fitting:
        reason += f"; the printed value fits the {fitting[0][1]}"
    if formula.needs_span:
        other_spans = [m for m in range(1, spans.MAX_SPAN + 1)
                       if m != n and doubted.fits(formula, inputs, printed, m)]
        if other_spans:
            reason += f"; it would fit n={_span_list(other_spans)}"
    record.flag("INCONSISTENT", reason)
    _suggest_slip(record, formula, expected, reading, n, base)


# More candidates than this fitting means the formula cannot tell which slip it was.
MAX_SLIP_SUGGESTIONS = 2


def _suggest_slip(record: Record, formula: Formula, expected: Expected, reading: Reading, n, base) -> None:
    """A contradicted value one slip (a digit, a swap, the sign) away from fitting: say so."""
    fitting = sorted((expected.misfit(q), q) for q in slip_readings(record.value_raw))
    fitting = [q for m, q in fitting if m <= 1.0]
    if 0 < len(fitting) <= MAX_SLIP_SUGGESTIONS and not record.suggestion:
        shown = ", ".join(_shown(q) for q in fitting)
        record.suggested_value = float(_shown(fitting[0]))
        record.suggestion = (f"{shown} (one character away from the printed {record.value_raw.strip()}; "
                             f"fits {formula.indicator} = {reading.text}{_with_span(formula, n)}"
                             f"{_span_note(formula, base)})")


def _suggest_slip_any_span(record: Record, formula: Formula, inputs) -> None:
    """As _suggest_slip, when the span is unknown: the slip must fit some span."""
    fitting = []
    for q in slip_readings(record.value_raw):
        ns = [m for m in range(1, spans.MAX_SPAN + 1) if doubted.fits(formula, inputs, q, m)]
        if ns:
            fitting.append((q, ns))
    if 0 < len(fitting) <= MAX_SLIP_SUGGESTIONS and not record.suggestion:
        shown = "; ".join(f"{_shown(q)} (fits with n={_span_list(ns)})" for q, ns in fitting)
        record.suggested_value = float(_shown(fitting[0][0]))
        record.suggestion = (f"{shown}: one character away from the printed {record.value_raw.strip()}, "
                             f"{formula.indicator} = {formula.readings[0].text}")


def _span_list(spans_: list[int]) -> str:
    return f"{spans_[0]}–{spans_[-1]}" if len(spans_) > 2 and spans_[-1] - spans_[0] == len(spans_) - 1 \
        else ", ".join(map(str, spans_))


def _candidates(record: Record) -> list[Quantity]:
    if "MALFORMED" in record.flags:
        return malformed_readings(record.value_raw)
    return masked_readings(record.value_raw)


def _suggest_for_indicator(record: Record, formula: Formula, inputs, n, base) -> None:
    if formula.needs_span and n is None:
        return
    found = _first_expected(formula.readings, inputs, n)
    if found is None:
        return
    reading, expected = found
    where = f"{formula.indicator} = {reading.text}{_with_span(formula, n)}"
    candidates = _candidates(record)
    if not candidates and "MASKED" in record.flags:
        filled = masked_fill(record.value_raw, expected.value)
        candidates = [filled] if filled else []
    ranked = sorted(((expected.misfit(q), q) for q in candidates), key=lambda t: t[0])
    fitting = [(m, q) for m, q in ranked if m <= 1.0]
    best_shown = format_like(expected.value, _decimals_of_step(fitting[0][1]) if fitting else 2)
    if fitting:
        first = _shown(fitting[0][1])
        record.suggested_value = float(first)
        others = [_shown(q) for _, q in fitting[1:]]
        text = f"{first} (fits {where} = {best_shown}{_span_note(formula, base)})"
        if others:
            text += f"; also fits: {', '.join(others)}"
    else:
        text = f"no reading of “{record.value_raw.strip()}” fits; {where} = {best_shown}{_span_note(formula, base)}"
    record.suggestion = text


def _suggest_for_component(record: Record, pool: YearPool, inputs, n) -> None:
    """A component that is not a number: which reading makes its indicator fit the printed value?"""
    for formula in formulas_using(record.indicator_id):
        if formula.needs_span and n is None:
            continue
        printed = pool.printed_value(formula.indicator)
        if printed is None:
            continue
        scored = []
        for q in _candidates(record):
            trial = dict(inputs, **{record.indicator_id: q})
            found = _first_expected(formula.readings, trial, n)
            if found is not None:
                scored.append((found[1].misfit(printed), q))
        fitting = sorted((t for t in scored if t[0] <= 1.0), key=lambda t: t[0])
        if fitting:
            shown = [_shown(q) for _, q in fitting]
            record.suggested_value = float(shown[0])
            record.suggestion = (f"{shown[0]} (makes {formula.indicator} = {formula.readings[0].text} "
                                 f"fit the printed {formula.indicator})" +
                                 (f"; also fits: {', '.join(shown[1:4])}" if len(shown) > 1 else ""))
            return


def _first_expected(readings: tuple[Reading, ...], inputs, n) -> tuple[Reading, Expected] | None:
    """The first reading that can be computed from these inputs, with its result."""
    return next(((r, e) for r in readings if (e := evaluate(r, inputs, n)) is not None), None)


def _decimals_of_step(q: Quantity) -> int:
    d = 0
    while q.step * 2 < 10.0 ** (-d) * 0.999 and d < 12:
        d += 1
    return d


def _shown(q: Quantity) -> str:
    return format_like(q.value, _decimals_of_step(q))
