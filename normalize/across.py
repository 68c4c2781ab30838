"""Checks across reports: where a park's reports print the same thing, they must agree.

A park files a report every year. The 2022 report prints the planning base-year
values (规划基准年工业增加值 …) its 2018 report printed, and a report with two
year columns prints again the year the previous report printed as its own. A
value that differs between two reports is wrong in at least one of them, and
nothing inside either document can tell: so both readings get
REPORTS_DISAGREE, with a reason naming the other report, its value and where
it sits, and go to review.

This runs over the whole dataset, after every document is read and every
decision applied, each time the outputs are rebuilt. It is not part of one
file's extraction: the flag depends on the other files, so it must follow the
dataset (a file added, a value corrected or rejected), also in incremental
re-runs where most files come from the store. A rejected reading takes part in
no comparison; a corrected one is compared with its corrected value.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ecopark.schemas import catalogue
from ecopark.schemas.records import Record

from .compliance import values_differ

BASE_YEAR_PREFIX = "规划基准年"


def base_year_ids() -> frozenset[str]:
    """Catalogue ids of the planning base-year values (规划基准年工业增加值 …)."""
    return frozenset(e.id for e in catalogue.load() if e.name_zh.startswith(BASE_YEAR_PREFIX))


def _shown(r: Record) -> str:
    return r.value_raw.strip() or r.value_text or (f"{r.value:g}" if r.value is not None else "")


def _comparable(r: Record) -> bool:
    return bool(r.indicator_id) and r.decision != "reject" and (r.value is not None or bool(r.value_text))


def _where(r: Record) -> str:
    return ", ".join(p for p in (r.table_kind, r.location) if p)


def _reason(record: Record, other: Record, base_year: bool) -> str:
    if base_year:
        stated = record.planning_base_year if record.planning_base_source == "text" else None
        what = f"planning base-year value{f' ({stated})' if stated else ''}"
    else:
        what = f"{record.data_year} value"
    return (f"{what} {_shown(record)} here; {_shown(other)} in {other.source_file} ({_where(other)})")


def _disagree(record: Record, other: Record, base_year: bool) -> None:
    reason = _reason(record, other, base_year)
    if f"REPORTS_DISAGREE: {reason}" not in record.reasons:   # idempotent over repeated runs
        record.flag("REPORTS_DISAGREE", reason)


def _different_plans(a: Record, b: Record) -> bool:
    """Both reports state (in their text) different planning base years: a new plan, a new base.
    A base year fitted to the printed numbers is no evidence of a new plan."""
    return (a.planning_base_source == b.planning_base_source == "text"
            and a.planning_base_year != b.planning_base_year)


def check_across(records: list[Record], ids: dict[str, str]) -> int:
    """Flag readings that disagree with another report of the same park; return how many were flagged.

    `ids` maps each park_name to its park id (ecopark.parks.unify over the dataset).

    Same year: the same park, data year and indicator. Base year: the same park and
    planning base-year component, compared whatever the data year, unless both reports
    state different planning base years in their text (a new plan, a new base). Readings of one file
    are compared by TABLES_DISAGREE, not here. Records without a park get PARK_UNKNOWN."""
    base_ids = base_year_ids()
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        if r.indicator_id and not r.park_name:
            r.flag("PARK_UNKNOWN")
        if not r.park_name or not _comparable(r):
            continue
        park = ids.get(r.park_name, r.park_name)
        if r.indicator_id in base_ids:
            groups[(park, "base", r.indicator_id)].append(r)
        elif r.data_year is not None:
            groups[(park, r.data_year, r.indicator_id)].append(r)
    flagged: set[int] = set()
    for (_, year, _), readings in groups.items():
        base_year = year == "base"
        for a, b in combinations(readings, 2):
            if a.source_file == b.source_file:
                continue
            if base_year and _different_plans(a, b):
                continue
            if values_differ(a, b):
                _disagree(a, b, base_year)
                _disagree(b, a, base_year)
                flagged.update((id(a), id(b)))
    return len(flagged)
