"""The panel: one reading per park × data year × indicator, across all reports, and why it was chosen.

A park's value for a year is often printed more than once: in both tables of
one report, again as the earlier-year column of the next report, and in every
copy of a report (its DOCX and its PDF). The panel keeps one reading per park,
year and indicator (a unique key), chosen in this order:

- reviewed: a person accepted or corrected it;
- clean: no check doubts it;
- flagged: still in review (the row says so: needs_review).

Ties go to the 对照考核表 (it prints the components too), then by file. A
reading a person rejected is never chosen, and neither is another unreviewed
copy of the same printed value: the person rejected the value, not one cell.
How many readings there were, whether they agree, and the ones that differ
stay on the row, with the catalogue's names, unit and requirement and the
compliance as reported and as computed.

Rows whose year the report masks cannot be placed on a time axis: they go to
`panel_undated`, one row per park × report × indicator, instead of making the
panel's key non-unique. A report without a park name gets park_id
`unknown:FILE`, so two unnamed parks are never merged (and its records carry
PARK_UNKNOWN). Cells no report fills (an unassessed indicator printed as '-'),
judges (是否达标) or doubts give no row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecopark.columns import PANEL, typed
from ecopark.normalize.compliance import values_differ
from ecopark.normalize.precision import printed_number
from ecopark.parks import unify
from ecopark.schemas import catalogue
from ecopark.schemas import flags as flagcodes
from ecopark.schemas.records import Record

COLUMNS = [c.name for c in PANEL]
KEY = ["park_id", "data_year", "indicator_id"]
UNDATED_KEY = ["park_id", "source_file", "indicator_id"]
WIDE_INDEX = ["park_id", "data_year"]
UNKNOWN_PARK = "unknown:"


def park_ids(records: list[Record]) -> dict[str, str]:
    """park_name -> park id over the whole dataset (ecopark.parks.unify)."""
    return unify([r.park_name for r in records if r.park_name])


def park_id_of(record: Record, ids: dict[str, str]) -> str:
    if not record.park_name:
        return UNKNOWN_PARK + record.source_file
    return ids.get(record.park_name, record.park_name)


def _has_value(r: Record) -> bool:
    return r.value is not None or bool(r.value_text)


def _printed(r: Record):
    parsed = printed_number(r.value_raw)
    return parsed[0] if parsed else r.value_raw.strip()


def _shown(r: Record) -> str:
    return r.value_text or (f"{r.value:g}" if r.value is not None else "")


@dataclass
class Choice:
    chosen: Record
    because: str           # reviewed / clean / flagged / rejected
    rejected: int          # readings rejected, directly or as a copy of a rejected value


def choose(candidates: list[Record]) -> Choice:
    """The reading the panel shows for one park, year and indicator (see the module docstring)."""
    rejected = [r for r in candidates if r.decision == "reject"]
    rejected_values = {_printed(r) for r in rejected} - {""}
    live = [r for r in candidates if r.decision != "reject"
            and not (not r.reviewed and _printed(r) in rejected_values)]
    if not live:
        return Choice(rejected[0], "rejected", len(candidates))

    def rank(r: Record) -> tuple:
        level = 0 if r.reviewed else 1 if not r.needs_review else 2
        return (not _has_value(r), level, r.table_kind != "assessment", r.source_file, r.record_key)

    chosen = min(live, key=rank)
    because = "reviewed" if chosen.reviewed else "clean" if not chosen.needs_review else "flagged"
    return Choice(chosen, because, len(candidates) - len(live))


def _first(attr: str, chosen: Record, candidates: list[Record]) -> str:
    """The chosen reading's `attr`, else the same report's other table's, else any report's."""
    ordered = [chosen] + sorted((r for r in candidates if r is not chosen),
                                key=lambda r: (r.source_file != chosen.source_file, r.source_file))
    return next((getattr(r, attr) for r in ordered if getattr(r, attr)), "")


def _worth_a_row(candidates: list[Record]) -> bool:
    return any(_has_value(r) or r.needs_review or r.reviewed or r.compliant_reported for r in candidates)


def _row(park: str, year, indicator_id: str, candidates: list[Record], entry) -> dict:
    choice = choose(candidates)
    c = choice.chosen
    has = c.decision != "reject"
    others = [r for r in candidates if r is not c and _has_value(r) and r.decision != "reject"]
    differing = [r for r in others if values_differ(c, r)] if has else others
    return {
        "park_id": park, "data_year": year, "indicator_id": indicator_id,
        "indicator_zh": entry.name_zh if entry else c.indicator_name,
        "indicator_en": entry.name_en if entry else "",
        "category": entry.category if entry else "", "kind": entry.kind if entry else "",
        "unit": entry.unit if entry else c.unit, "requirement": entry.requirement if entry else "",
        "value": c.value if has else None, "value_text": c.value_text if has else "",
        "chosen_because": choice.because, "needs_review": c.needs_review if has else False,
        "reviewed": c.reviewed, "decision": c.decision if has else "",
        "flag_codes": flagcodes.join(c.flags),
        "assessed": _first("assessed", c, candidates),
        "compliant_reported": _first("compliant_reported", c, candidates),
        "compliant_computed": c.compliant_computed if has else "",
        "source_file": c.source_file, "location": c.location, "table_kind": c.table_kind,
        "record_key": c.record_key, "readings": len(candidates), "readings_agree": not differing,
        "other_values": "; ".join(sorted({f"{_shown(r)} ({r.source_file}, {r.table_kind})" for r in differing})),
        "rejected": choice.rejected,
        "park_names_printed": "; ".join(sorted({r.park_name for r in candidates if r.park_name})),
    }


def panel_rows(records: list[Record], ids: dict[str, str] | None = None) -> tuple[list[dict], list[dict]]:
    """(dated rows, undated rows): one per park × year × indicator, and per park × report ×
    indicator for the readings whose year is masked."""
    ids = park_ids(records) if ids is None else ids
    cat = catalogue.load()
    order = {e.id: i for i, e in enumerate(cat)}
    dated: dict[tuple, list[Record]] = defaultdict(list)
    undated: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        if not r.indicator_id:
            continue
        park = park_id_of(r, ids)
        if r.data_year is not None:
            dated[(park, r.data_year, r.indicator_id)].append(r)
        else:
            undated[(park, r.source_file, r.indicator_id)].append(r)
    rows = [_row(park, year, iid, cands, cat.by_id.get(iid))
            for (park, year, iid), cands in dated.items() if _worth_a_row(cands)]
    rows.sort(key=lambda row: (row["park_id"], row["data_year"], order.get(row["indicator_id"], len(order))))
    loose = []
    for (park, source, iid), cands in undated.items():
        if _worth_a_row(cands):
            loose.append(_row(park, None, iid, cands, cat.by_id.get(iid)))
    loose.sort(key=lambda row: (row["park_id"], row["source_file"], order.get(row["indicator_id"], len(order))))
    return rows, loose


def frame_of(rows: list[dict], table: str = "panel") -> pd.DataFrame:
    return typed(pd.DataFrame(rows, columns=COLUMNS), table)


def wide(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per park × year, one column per indicator id (catalogue order): the value, or the
    categorical text for indicators that have no number."""
    order = {e.id: i for i, e in enumerate(catalogue.load())}
    ids = sorted(panel["indicator_id"].unique(), key=lambda i: (order.get(i, len(order)), i))
    keys = panel[WIDE_INDEX].drop_duplicates()
    index = pd.MultiIndex.from_frame(keys)
    numbers = panel.pivot(index=WIDE_INDEX, columns="indicator_id", values="value").reindex(index)
    texts = panel.pivot(index=WIDE_INDEX, columns="indicator_id", values="value_text").reindex(index)
    out = keys.reset_index(drop=True)
    for iid in ids:
        numeric = numbers[iid].notna().any() or not (texts[iid].fillna("") != "").any()
        out[iid] = numbers[iid].to_numpy() if numeric else texts[iid].astype("string").to_numpy()
    out["data_year"] = out["data_year"].astype("Int64")
    return out


@dataclass
class Panel:
    long: pd.DataFrame
    wide: pd.DataFrame
    undated: pd.DataFrame


def build(records: list[Record], ids: dict[str, str] | None = None) -> Panel:
    rows, loose = panel_rows(records, ids)
    long = frame_of(rows)
    return Panel(long, wide(long), frame_of(loose, "panel_undated"))


FILES = {"panel": "long", "panel_wide": "wide", "panel_undated": "undated"}


def write_panel(records: list[Record], out_dir: str | Path, stage=None, panel: Panel | None = None) -> Panel:
    """panel / panel_wide / panel_undated, each as CSV and Parquet, in `out_dir` (or into `stage`,
    an outputs.Staging)."""
    from ecopark.outputs import write_csv, write_parquet

    where = stage.path if stage else (lambda name: Path(out_dir) / name)
    panel = panel or build(records)
    for name, attr in FILES.items():
        frame = getattr(panel, attr)
        write_csv(frame, where(f"{name}.csv"))
        write_parquet(frame, where(f"{name}.parquet"))
    return panel
