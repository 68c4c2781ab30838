"""Write the files of OUTPUT.md.

Each file is written to a temporary name and renamed into place, so an
interrupted run never leaves a half-written records.csv next to a complete
records.parquet.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ecopark.schemas.records import COLUMNS, Record

INT_COLUMNS = ["data_year", "label_year", "masked_digits", "table_index", "row_index"]
FLOAT_COLUMNS = ["value", "match_score"]
DOCUMENT_COLUMNS = ["source_file", "status", "error", "format", "layout", "park_name", "data_year",
                    "tables", "records", "needs_review", "seconds", "notes"]
REVIEW_FIRST = ["record_key", "source_file", "location", "table_kind", "data_year", "indicator_id",
                "indicator_name", "name_raw", "value_raw", "value", "value_text", "unit", "flags",
                "reasons", "suggestion"]


def records_frame(records: list[Record]) -> pd.DataFrame:
    frame = pd.DataFrame([r.as_row() for r in records], columns=COLUMNS)
    for col in INT_COLUMNS:
        frame[col] = pd.array(frame[col], dtype="Int64")
    for col in FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    return frame


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_csv(tmp, index=False, encoding="utf-8-sig" if bom else "utf-8")
    _replace(tmp, path)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    _replace(tmp, path)


def write_records(records: list[Record], out_dir: Path) -> pd.DataFrame:
    frame = records_frame(records)
    write_csv(frame, out_dir / "records.csv")
    write_parquet(frame, out_dir / "records.parquet")
    return frame


def write_review(frame: pd.DataFrame, out_dir: Path) -> pd.DataFrame:
    review = frame[frame["needs_review"] == "true"]
    ordered = REVIEW_FIRST + [c for c in review.columns if c not in REVIEW_FIRST]
    review = review[ordered]
    write_csv(review, out_dir / "review.csv", bom=True)
    return review


def write_documents(rows: list[dict], out_dir: Path) -> None:
    frame = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    frame["data_year"] = pd.array(frame["data_year"], dtype="Int64")
    write_csv(frame, out_dir / "documents.csv")
