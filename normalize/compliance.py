"""Computed compliance, and the two ways a report can contradict itself about it.

- COMPLIANCE_MISMATCH: the report's 是否达标 says 是 where the value misses the
  requirement, or 否 where it meets it.
- TABLES_DISAGREE: the 对照考核表 and the 标准达标情况 table of one report give
  a different value or a different 是否为考核指标 for the same indicator and year.
The requirement is HJ 274-2015's (the catalogue's); a printed requirement that
differs is only noted (REQUIREMENT_DIFFERS), since a report cannot change the
standard it is assessed against.
"""
from __future__ import annotations

from ecopark.normalize.pools import YearPool, pools_by_year
from ecopark.normalize.formulas import iva_construction_growth
from ecopark.normalize.precision import record_step
from ecopark.normalize.requirements import Requirement, Verdict, clean, judge, parse
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record

from .metadata import Facts

ASSESSED = {"yes": True, "mandatory": True, "no": False}
_SAID = {"yes": "是", "no": "否"}

def check_compliance(records: list[Record], facts: Facts, pools: dict[int | None, YearPool] | None = None) -> None:
    """compliant_computed, COMPLIANCE_MISMATCH, TABLES_DISAGREE, REQUIREMENT_DIFFERS."""
    cat = catalogue.load()
    region = facts.region
    for pool in (pools if pools is not None else pools_by_year(records)).values():
        growth, note = _iva_growth(pool)
        for indicator_id, recs in pool.by_id.items():
            entry = cat.by_id.get(indicator_id)
            if entry is None or not entry.is_indicator:
                continue
            required = parse(entry.requirement)
            for record in recs:
                _note_printed_requirement(record, required)
                if required is not None:
                    _judge(record, required, _sibling_value(record, recs), growth, note, region)
            _compare_tables(recs)


def recompute(record: Record, facts: Facts | None = None) -> None:
    """compliant_computed of one record after a person corrected its value."""
    entry = catalogue.load().by_id.get(record.indicator_id)
    required = parse(entry.requirement) if entry and entry.is_indicator else None
    if required is None:
        return
    verdict = judge(required, record.value, record.value_text, region=facts.region if facts else None)
    record.compliant_computed = verdict.compliant


def _iva_growth(pool: YearPool) -> tuple[float | None, str]:
    values = {k: q.value for k, q in pool.inputs().items()}
    growth = iva_construction_growth(values)
    if growth is not None:
        return growth, ""
    i03 = next((r for r in pool.printed("I03") if r.value is not None), None)
    if i03 is not None:
        return i03.value, (f"base-year value added is not printed; the sign of its growth was taken "
                           f"from the three-year growth I03 = {i03.value_raw.strip()}")
    return None, ""


def _sibling_value(record: Record, recs: list[Record]) -> tuple[float | None, str]:
    """The record's own value, else the other table's for the same indicator and year
    (a 标准达标情况 table often has no 数值 column)."""
    if record.value is not None or record.value_text:
        return record.value, record.value_text
    for other in recs:
        if other is not record and (other.value is not None or other.value_text):
            return other.value, other.value_text
    return None, ""


def _judge(record: Record, required: Requirement, value: tuple[float | None, str],
           growth: float | None, note: str, region: str | None) -> None:
    assessed = ASSESSED.get(record.assessed, False)
    if not assessed and record.compliant_reported not in _SAID:
        return
    verdict: Verdict = judge(required, value[0], value[1], iva_growth=growth, growth_note=note, region=region)
    record.compliant_computed = verdict.compliant
    if verdict.compliant and verdict.assumption:
        record.flag("REQUIREMENT_ASSUMED", verdict.assumption)
    reported = record.compliant_reported
    if verdict.compliant and reported in _SAID and reported != verdict.compliant:
        shown = value[1] or (f"{value[0]:g}" if value[0] is not None else "")
        record.flag("COMPLIANCE_MISMATCH",
                    f"是否达标 = {_SAID[reported]} printed, but {shown} "
                    f"{'meets' if verdict.compliant == 'yes' else 'does not meet'} {required.describe()}"
                    + (f" ({verdict.assumption})" if verdict.assumption else ""))


def _note_printed_requirement(record: Record, required: Requirement | None) -> None:
    printed = parse(record.requirement_raw)
    if printed is None or required is None or printed.same_as(required):
        return
    record.flag("REQUIREMENT_DIFFERS", f"the report prints “{record.requirement_raw.strip()}”; "
                                       f"HJ 274-2015 requires {required.describe()}")


def _compare_tables(recs: list[Record]) -> None:
    assessment = next((r for r in recs if r.table_kind == "assessment"), None)
    compliance = next((r for r in recs if r.table_kind == "compliance"), None)
    if assessment is None or compliance is None:
        return
    problems = []
    a, c = ASSESSED.get(assessment.assessed), ASSESSED.get(compliance.assessed)
    if a is not None and c is not None and a != c:
        problems.append(f"是否为考核指标: “{assessment.assessed_raw or assessment.assessed}” in the assessment table, "
                        f"“{compliance.assessed_raw or compliance.assessed}” in the compliance table")
    if values_differ(assessment, compliance):
        problems.append(f"value: “{assessment.value_raw.strip()}” in the assessment table, "
                        f"“{compliance.value_raw.strip()}” in the compliance table")
    for problem in problems:
        assessment.flag("TABLES_DISAGREE", problem)
        compliance.flag("TABLES_DISAGREE", problem)


def values_differ(a: Record, b: Record) -> bool:
    """Different beyond what the coarser printing of the two allows; text against text literally."""
    if a.value is not None and b.value is not None:
        allowed = record_step(a) + record_step(b)
        return abs(a.value - b.value) > allowed + 1e-9 * max(1.0, abs(a.value))
    if a.value_text and b.value_text:
        return clean(a.value_text) != clean(b.value_text)
    return False
