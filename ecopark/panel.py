"""panel.csv / panel.parquet: one value per park × data year × indicator, across all reports.

A park's value for a year is often printed more than once: in both tables of
one report, and again as the earlier-year column of the next report. The panel
keeps one, preferring what a person reviewed, then what no check doubts, then
the 对照考核表 (which prints components and values) over the 达标情况 table;
how many candidates there were, and which printed other values, stays visible.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd

from ecopark.parks import unify
from ecopark.schemas import catalogue
from ecopark.schemas import flags as flagcodes
from ecopark.schemas.records import Record

COLUMNS = ["park", "data_year", "indicator_id", "value", "value_text", "unit", "source_file", "record_key",
           "reviewed", "flags", "needs_review", "candidates", "other_values", "park_name"]


def _has_value(r: Record) -> bool:
    return r.value is not None or bool(r.value_text)


def _preference(r: Record) -> tuple:
    return (not _has_value(r) or r.decision == "reject", not r.reviewed, r.needs_review,
            r.table_kind != "assessment", r.source_file, r.record_key)


def _shown(r: Record) -> str:
    return r.value_text or (f"{r.value:g}" if r.value is not None else "")


def panel_rows(records: list[Record]) -> list[dict]:
    names = unify([r.park_name for r in records if r.park_name])
    cells: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        if not r.indicator_id:
            continue
        park = names.get(r.park_name, r.park_name)
        # a masked year cannot be placed: keep it apart per report rather than merge reports
        year_key = r.data_year if r.data_year is not None else f"?{r.source_file}"
        cells[(park, year_key, r.indicator_id)].append(r)
    order = {e.id: i for i, e in enumerate(catalogue.load())}
    rows = []
    for (park, _, indicator_id), candidates in cells.items():
        chosen = min(candidates, key=_preference)
        others = sorted({f"{_shown(r)} ({r.source_file}, {r.table_kind})" for r in candidates
                         if _has_value(r) and _shown(r) != _shown(chosen)})
        rows.append({
            "park": park, "data_year": chosen.data_year, "indicator_id": indicator_id,
            "value": chosen.value, "value_text": chosen.value_text, "unit": chosen.unit,
            "source_file": chosen.source_file, "record_key": chosen.record_key,
            "reviewed": "true" if chosen.reviewed else "false", "flags": flagcodes.join(chosen.flags),
            "needs_review": "true" if chosen.needs_review else "false", "candidates": len(candidates),
            "other_values": "; ".join(others), "park_name": chosen.park_name,
        })
    rows.sort(key=lambda row: (row["park"], row["data_year"] is None, row["data_year"] or 0,
                               order.get(row["indicator_id"], len(order)), row["source_file"]))
    return rows


def panel_frame(records: list[Record]) -> pd.DataFrame:
    frame = pd.DataFrame(panel_rows(records), columns=COLUMNS)
    frame["data_year"] = pd.array(frame["data_year"], dtype="Int64")
    frame["value"] = pd.to_numeric(frame["value"]).astype("float64")
    frame["candidates"] = pd.array(frame["candidates"], dtype="Int64")
    return frame


def write_panel(records: list[Record], out_dir: str | Path, stage=None) -> pd.DataFrame:
    """panel.csv and panel.parquet in `out_dir` (or into `stage`, an outputs.Staging)."""
    from ecopark.outputs import write_csv, write_parquet

    where = stage.path if stage else (lambda name: Path(out_dir) / name)
    frame = panel_frame(records)
    write_csv(frame, where("panel.csv"))
    write_parquet(frame, where("panel.parquet"))
    return frame
