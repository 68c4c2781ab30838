"""The review loop: a person's decisions in corrections.csv, applied on the next ingest.

corrections.csv is the one file a reviewer edits (in Excel, hence UTF-8 with a
BOM). It holds one row per record that is or was in review, keyed by the
stable `record_key`. Decisions are the person's work, so the file is only ever
merged, never rewritten from scratch: a filled-in decision is never
overwritten, and rows of records that vanished from this run (a document
removed for now) stay in the file, so that adding the document back restores
its decisions.
"""
from __future__ import annotations

import csv
import io
import os
import sys
import unicodedata
from pathlib import Path

import regex

from ecopark.normalize import compliance
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record

FILE_NAME = "corrections.csv"
DECISION_COLUMNS = ["record_key", "decision", "corrected_value", "note"]
CONTEXT_COLUMNS = ["source_file", "park_name", "data_year", "table_kind", "indicator_id", "indicator_name",
                   "name_raw", "unit", "value_raw", "value", "value_text", "suggestion", "flags", "reasons",
                   "location", "in_this_run"]
COLUMNS = DECISION_COLUMNS + CONTEXT_COLUMNS

DECISIONS = {
    "accept": {"accept", "accepted", "a", "ok", "yes", "接受", "确认", "正确"},
    "correct": {"correct", "corrected", "c", "fix", "更正", "修改", "修正", "改正"},
    "reject": {"reject", "rejected", "r", "drop", "拒绝", "删除", "作废"},
}


def corrections_path(out_dir_or_path: str | Path) -> Path:
    p = Path(out_dir_or_path)
    return p if p.suffix.lower() == ".csv" else p / FILE_NAME


def decision_of(text: str) -> str:
    """The canonical decision for what a person typed ("" when blank or not understood)."""
    t = unicodedata.normalize("NFKC", text or "").strip().lower()
    return next((name for name, words in DECISIONS.items() if t in words), "")


# ---------------------------------------------------------------- reading

def read_corrections(path: Path) -> list[dict]:
    """Rows of a corrections file as a person may have saved it: UTF-8 (with or
    without BOM) or the ANSI code page Excel uses on Chinese Windows, comma,
    semicolon or tab separated."""
    if not path.exists():
        return []
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: neither UTF-8 nor GB18030 text")
    header = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=header.count)
    rows = []
    for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
        key = (row.get("record_key") or "").strip()
        if key:
            rows.append({c: (row.get(c) or "").strip() for c in COLUMNS} | {"record_key": key})
    return rows


# ---------------------------------------------------------------- applying

def apply(records: list[Record], path: str | Path) -> None:
    """Apply the decisions of a corrections file to this run's records."""
    decided = {row["record_key"]: row for row in read_corrections(Path(path)) if row["decision"]}
    for record in records:
        row = decided.get(record.record_key)
        if row is None:
            continue
        decision = decision_of(row["decision"])
        if not decision:
            print(f"ecopark: {FILE_NAME}: decision “{row['decision']}” for {record.record_key} is not "
                  f"accept / correct / reject; left undecided", file=sys.stderr)
        elif decision == "correct":
            _correct(record, row["corrected_value"], row["note"])
        else:
            record.reviewed, record.decision = True, decision
            if decision == "reject":
                record.value, record.value_text, record.compliant_computed = None, "", ""


def apply_corrections(records: list[Record], out_dir_or_path: str | Path) -> None:
    """apply() with the file found in the output directory (or given directly)."""
    apply(records, corrections_path(out_dir_or_path))


_NUMBER = regex.compile(r"[-+]?\d+(?:\.\d+)?")


def parse_corrected(text: str) -> float | None:
    """A number as a person types it in Excel: "1,234.5", "85.6%", "－4.85", full-width digits."""
    t = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").replace(" ", "")
    t = t.replace("−", "-").replace("–", "-").rstrip("%")
    return float(t) if _NUMBER.fullmatch(t) else None


def _text_valued(record: Record) -> bool:
    entry = catalogue.load().by_id.get(record.indicator_id)
    return bool(record.value_text) or bool(entry and entry.requirement in ("达标", "全部完成", "具备"))


def _correct(record: Record, corrected: str, note: str) -> None:
    number = parse_corrected(corrected)
    if number is not None:
        record.value, record.value_text = number, ""
    elif corrected and _text_valued(record):
        record.value, record.value_text = None, corrected
    else:
        record.flag("CORRECTION_INVALID", f"decision correct with corrected_value “{corrected}”, "
                                          f"which is not a number in {record.unit or 'the catalogue unit'}")
        return
    record.reviewed, record.decision = True, "correct"
    compliance.recompute(record)


# ---------------------------------------------------------------- writing

def _context(record: Record) -> dict:
    row = record.as_row()
    out = {c: "" if row.get(c) is None else str(row.get(c)) for c in CONTEXT_COLUMNS if c in row}
    if record.value is not None:
        out["value"] = f"{record.value:g}"
    out["in_this_run"] = "yes"
    return out


def _touched(row: dict | None) -> bool:
    """A person wrote something in this row: it is theirs to keep."""
    return bool(row) and any(row[c] for c in DECISION_COLUMNS[1:])


def merge(records: list[Record], existing: list[dict]) -> list[dict]:
    """The rows the corrections file should hold after this run.

    Order: this run's records in pipeline order (file, table, row), then rows
    of records absent from this run in their previous order."""
    old = {row["record_key"]: row for row in existing}
    rows, seen = [], set()
    for record in records:
        key = record.record_key
        if not key or key in seen:
            continue
        previous = old.get(key)
        if not (_touched(previous) or record.needs_review or record.reviewed):
            continue   # left review without a decision (the data changed): nothing to keep
        seen.add(key)
        row = {c: "" for c in COLUMNS} | _context(record)
        row["record_key"] = key
        if previous:
            for c in DECISION_COLUMNS[1:]:
                row[c] = previous[c]
        rows.append(row)
    for row in existing:
        if row["record_key"] not in seen and _touched(row):
            seen.add(row["record_key"])
            rows.append(row | {"in_this_run": "no"})
    return rows


def write_corrections(records: list[Record], out_dir: str | Path) -> Path:
    path = corrections_path(out_dir)
    rows = merge(records, read_corrections(path))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    try:
        os.replace(tmp, path)
    except PermissionError:  # Excel on Windows locks the file it has open
        print(f"ecopark: {path} is open in another program and was not updated; close it and run "
              f"ingest again (your decisions in it were applied)", file=sys.stderr)
        tmp.unlink(missing_ok=True)
    return path


def write_review_files(records: list[Record], out_dir: str | Path, input_dir: str | Path | None = None) -> None:
    """corrections.csv (merged) and review.html, both in `out_dir`; with `input_dir`, the page
    also shows an image of the row behind each PDF value in review."""
    from ecopark import crops, review_html

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_corrections(records, out_dir)
    if input_dir is not None:
        crops.attach_crops(records, input_dir, out_dir)
    review_html.write(records, out_dir)
