"""Write the files of OUTPUT.md, all rebuilt from the store, whole and from one run or not at all.

Every output is first written into a hidden staging folder in OUT_DIR
(`.ecopark-staging`); only when every file of the set is complete are they
renamed into place, one after another, and the store notes the set as
complete. A run killed while writing leaves the previous outputs (and a
staging folder that the next run clears); a run killed during the renames is
seen by the next run, which rebuilds the set. `atomic_write` is the one way
any single file is written.

Every CSV is UTF-8 with a BOM (Excel shows mojibake without it), and no text
cell passes Excel's 32,767-character limit: a longer one is cut, and the cut
says how many characters were dropped.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from ecopark.columns import csv_ready, typed
from ecopark.schemas.records import COLUMNS, Record

DOCUMENT_COLUMNS = ["source_file", "status", "error", "format", "layout", "park_name", "data_year",
                    "tables", "records", "needs_review", "seconds", "notes", "sha256", "counters"]
REVIEW_FIRST = ["record_key", "source_file", "location", "table_kind", "data_year", "indicator_id",
                "indicator_name", "name_raw", "value_raw", "value", "value_text", "unit", "flags",
                "reasons", "suggestion", "suggested_value"]
STAGING = ".ecopark-staging"
EXCEL_CELL = 32767


def cap_cell(value):
    """A text cell Excel can hold: at most 32,767 characters, the cut marked."""
    if isinstance(value, str) and len(value) > EXCEL_CELL:
        keep = EXCEL_CELL - 64
        return value[:keep] + f" …[cut by ecopark: {len(value) - keep:,} more characters]"
    return value


def capped(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype):
            frame[col] = frame[col].map(cap_cell)
    return frame


def atomic_write(path: Path, write: Callable, text: bool = False, encoding: str = "utf-8") -> Path:
    """Write `path` whole or not at all: `write(f)` (text=True: an open text file) or `write(tmp_path)`
    fills a hidden temporary file beside it, which is then renamed over `path`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        if text:
            with open(tmp, "w", encoding=encoding, newline="") as f:
                write(f)
        else:
            write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


class Staging:
    """A set of output files written beside each other, then put in place together."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir / STAGING
        clear_staging(self.out_dir)
        self.dir.mkdir(parents=True)
        self.names: list[str] = []
        self.removed: list[str] = []

    def path(self, name: str) -> Path:
        self.names.append(name)
        return self.dir / name

    def remove(self, name: str) -> None:
        """An output of an earlier run this one does not write (a review page): deleted at commit."""
        self.removed.append(name)

    def commit(self) -> None:
        for name in self.names:
            os.replace(self.dir / name, self.out_dir / name)
        for name in self.removed:
            (self.out_dir / name).unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def abandon(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def clear_staging(out_dir: Path) -> None:
    """What a killed run left: the staging folder and any half-written file."""
    shutil.rmtree(Path(out_dir) / STAGING, ignore_errors=True)
    for leftover in Path(out_dir).glob(".*.partial"):
        leftover.unlink(missing_ok=True)
    for leftover in Path(out_dir).glob("*.tmp"):   # written by earlier versions
        leftover.unlink(missing_ok=True)


def records_frame(records: list[Record]) -> pd.DataFrame:
    """Typed as the column dictionary says (ecopark.columns): real booleans, nullable years."""
    return typed(pd.DataFrame([r.as_row() for r in records], columns=COLUMNS), "records")


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = True) -> None:
    atomic_write(path, lambda tmp: capped(csv_ready(frame)).to_csv(tmp, index=False,
                                                         encoding="utf-8-sig" if bom else "utf-8"))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_records(records: list[Record], out_dir: Path, stage: Staging | None = None) -> pd.DataFrame:
    frame = records_frame(records)
    where = stage.path if stage else (lambda name: Path(out_dir) / name)
    write_csv(frame, where("records.csv"))
    write_parquet(frame, where("records.parquet"))
    return frame


def review_frame(frame: pd.DataFrame) -> pd.DataFrame:
    review = frame[frame["needs_review"]]
    ordered = REVIEW_FIRST + [c for c in review.columns if c not in REVIEW_FIRST]
    return review[ordered]


def write_review(frame: pd.DataFrame, out_dir: Path, stage: Staging | None = None) -> pd.DataFrame:
    review = review_frame(frame)
    where = stage.path if stage else (lambda name: Path(out_dir) / name)
    write_csv(review, where("review.csv"))
    write_parquet(review, where("review.parquet"))
    return review


def documents_frame(rows: list[dict]) -> pd.DataFrame:
    return typed(pd.DataFrame(rows, columns=DOCUMENT_COLUMNS), "documents")


def write_documents(rows: list[dict], out_dir: Path, stage: Staging | None = None) -> None:
    where = stage.path if stage else (lambda name: Path(out_dir) / name)
    write_csv(documents_frame(rows), where("documents.csv"))


def rebuild(store, out_dir: str | Path, input_root: str | Path | None = None) -> dict:
    """Every output of OUT_DIR from the store: records, review, panel (CSV and Parquet), documents.csv,
    corrections.csv, review.html and its crops, and the analyst's files (api.write_extras). Returns counts for the summary line."""
    from ecopark import api, crops, panel, review, review_html

    out_dir = Path(out_dir)
    documents = store.documents()
    records = [r for res in documents for r in res.records]
    review.apply_decisions(records, store.decisions())
    api.check_across_reports(records)    # checks across reports: over the whole dataset, after the decisions
    root = input_root if input_root is not None else store.meta("input_root")
    if root:
        paths = {e.source_file: Path(root) / os.fsdecode(e.path) for e in store.dataset() if not e.skipped}
        crops.attach_crops(records, root, out_dir, paths=paths)
    store.set_meta("outputs", "writing")
    stage = Staging(out_dir)
    try:
        frame = write_records(records, out_dir, stage)
        review_rows = write_review(frame, out_dir, stage)
        built = panel.write_panel(records, out_dir, stage)
        document_rows = [res.as_row() for res in documents]
        write_documents(document_rows, out_dir, stage)
        review.write_corrections_from_store(records, store, out_dir, stage)
        review_html.write(records, out_dir, stage=stage)
        api.write_extras(out_dir, frame, built, documents_frame(document_rows), stage)
        stage.commit()
    except BaseException:
        stage.abandon()
        raise
    store.set_meta("outputs", f"complete {time.time():.0f}")
    return {"records": len(records), "review": len(review_rows), "reviewed": sum(r.reviewed for r in records),
            "documents": len(documents)}
