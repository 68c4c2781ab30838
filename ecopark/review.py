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
from dataclasses import dataclass
from pathlib import Path

import regex

from ecopark.normalize import compliance
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record
from ecopark.store import Decision

FILE_NAME = "corrections.csv"
DECISION_COLUMNS = ["record_key", "decision", "corrected_value", "note"]
CONTEXT_COLUMNS = ["source_file", "park_name", "data_year", "table_kind", "indicator_id", "indicator_name",
                   "name_raw", "unit", "value_raw", "value", "value_text", "suggestion", "suggested_value",
                   "flags", "reasons", "location", "in_this_run"]
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

@dataclass
class CorrectionsFile:
    """A corrections file as a person saved it: rows (every column as typed), the columns they
    added, and whether `;` separated it (then "4,85" is 4.85: Excel's decimal comma)."""

    rows: list[dict]
    extra_columns: list[str]
    delimiter: str

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"


def decode_excel_text(raw: bytes) -> str:
    """Text as Excel saves it: UTF-8 (± BOM), "Unicode text" (UTF-16 with BOM), or the ANSI code
    page of Chinese Windows (GB18030, a superset of GBK)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(raw) > 1 and raw.count(b"\x00") > len(raw) // 4:   # UTF-16 without BOM
        return raw.decode("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be", "replace")
    return raw.decode("gb18030", "replace")


def read_corrections_file(path: Path) -> CorrectionsFile:
    if path.suffix.lower() == ".xlsx":   # review.xlsx: the same rows, from Excel
        from ecopark.excel import read_review_file

        return read_review_file(path)
    if not path.exists():
        return CorrectionsFile([], [], ",")
    text = decode_excel_text(path.read_bytes())
    header = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = [n for n in (reader.fieldnames or []) if n is not None]
    extra = [n.strip() for n in names if n.strip() and n.strip() not in COLUMNS]
    rows = []
    for row in reader:
        row = {(k or "").strip(): v for k, v in row.items() if k is not None}
        key = (row.get("record_key") or "").strip()
        if key:
            clean = {c: (row.get(c) or "").strip() for c in COLUMNS} | {"record_key": key}
            clean["_extra"] = {c: row.get(c) or "" for c in extra if row.get(c)}
            rows.append(clean)
    return CorrectionsFile(rows, extra, delimiter)


def read_corrections(path: Path) -> list[dict]:
    """Rows of a corrections file (the columns of COLUMNS) as a person may have saved it."""
    return [{c: row[c] for c in COLUMNS} for row in read_corrections_file(Path(path)).rows]


# ---------------------------------------------------------------- applying

def apply(records: list[Record], path: str | Path) -> None:
    """Apply the decisions of a corrections file to this run's records."""
    found = read_corrections_file(Path(path))
    apply_decisions(records, {row["record_key"]: Decision(row["record_key"], row["decision"],
                                                          row["corrected_value"], row["note"],
                                                          decimal_comma=found.decimal_comma)
                              for row in found.rows if row["decision"]})


def apply_decisions(records: list[Record], decisions: dict[str, Decision]) -> None:
    """Apply each record's latest decision (as a person typed it) to the records."""
    warned = set()
    for record in records:
        made = decisions.get(record.record_key)
        if made is None or not made.decision.strip():
            continue
        decision = decision_of(made.decision)
        if not decision:
            if record.record_key not in warned:
                warned.add(record.record_key)
                print(f"ecopark: {FILE_NAME}: decision “{made.decision}” for {record.record_key} is not "
                      f"accept / correct / reject; left undecided", file=sys.stderr)
        elif decision == "correct":
            _correct(record, made.corrected_value, made.decimal_comma)
        else:
            record.reviewed, record.decision = True, decision
            if decision == "reject":
                record.value, record.value_text, record.compliant_computed = None, "", ""


def apply_corrections(records: list[Record], out_dir_or_path: str | Path) -> None:
    """apply() with the file found in the output directory (or given directly)."""
    apply(records, corrections_path(out_dir_or_path))


_NUMBER = regex.compile(r"[-+]?\d+(?:\.\d+)?")
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-"})


def parse_corrected(text: str, decimal_comma: bool = False) -> float | None:
    """A number as a person types it in Excel: "1,234.5", "85.6%", "－4.85", full-width digits;
    with `decimal_comma` (a `;`-separated file, European Excel) "-4,85" and "1.234,5"."""
    t = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").replace("\u00a0", "")
    t = t.translate(_DASHES).rstrip("%")
    if decimal_comma and "," in t:
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    return float(t) if _NUMBER.fullmatch(t) else None


def _printed_number(record: Record) -> float | None:
    if record.value is not None:
        return record.value
    found = _NUMBER.search(unicodedata.normalize("NFKC", record.value_raw or "").replace(",", ""))
    return float(found.group()) if found else None


def implausible(record: Record, number: float) -> str:
    """Why a corrected number cannot be meant as typed ("" when it can): a share above 100 %,
    or a value a thousand times (or a thousandth of) the printed one (a slipped unit or comma)."""
    entry = catalogue.load().by_id.get(record.indicator_id)
    unit = record.unit or (entry.unit if entry else "")
    growth = bool(entry) and ("增长" in entry.name_zh or "growth" in entry.name_en.lower())
    if unit == "%" and number > 100 and not growth:
        return f"a share in % cannot pass 100, and {number:g} was typed"
    printed = _printed_number(record)
    if printed and number:
        ratio = abs(number / printed)
        if ratio >= 1000 or ratio <= 1 / 1000:
            return (f"{number:g} is {'1000 times' if ratio >= 1000 else 'a thousandth of'} or more the printed "
                    f"{printed:g}: a slipped unit or decimal separator?")
    return ""


def _text_valued(record: Record) -> bool:
    entry = catalogue.load().by_id.get(record.indicator_id)
    return bool(record.value_text) or bool(entry and entry.requirement in ("达标", "全部完成", "具备"))


def correction_problem(record: Record, corrected: str, decimal_comma: bool = False) -> str:
    """Why `corrected` cannot become the value of `record` as typed; "" when it can."""
    number = parse_corrected(corrected, decimal_comma)
    if number is not None:
        doubt = implausible(record, number)
        return f"“{corrected}” is implausible: {doubt}; check it and type it again" if doubt else ""
    if corrected and _text_valued(record):
        return ""
    return f"“{corrected}” is not a number in {record.unit or 'the catalogue unit'}"


def _correct(record: Record, corrected: str, decimal_comma: bool = False) -> None:
    problem = correction_problem(record, corrected, decimal_comma)
    if problem:
        record.flag("CORRECTION_INVALID", f"decision correct with corrected_value {problem}")
        return
    number = parse_corrected(corrected, decimal_comma)
    if number is not None:
        record.value, record.value_text = number, ""
    else:
        record.value, record.value_text = None, corrected
    record.reviewed, record.decision = True, "correct"
    compliance.recompute(record)


# ---------------------------------------------------------------- writing

def _context(record: Record) -> dict:
    row = record.as_row()
    out = {c: "" if row.get(c) is None else str(row.get(c)) for c in CONTEXT_COLUMNS if c in row}
    if record.value is not None:
        out["value"] = f"{record.value:g}"
    if record.suggested_value is not None:
        out["suggested_value"] = f"{record.suggested_value:.12g}"
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


def _write_rows(path: Path, rows: list[dict], extra_columns: list[str]) -> bool:
    """Write corrections.csv whole (UTF-8 with BOM, for Excel); False when another program holds it."""
    from ecopark.outputs import atomic_write, cap_cell

    def write(f):
        writer = csv.DictWriter(f, fieldnames=COLUMNS + extra_columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: cap_cell(v) for k, v in row.items()} for row in rows)

    try:
        atomic_write(path, write, text=True, encoding="utf-8-sig")
    except PermissionError:  # Excel on Windows locks the file it has open
        print(f"ecopark: {path} is open in another program and was not updated; close it and run "
              f"`ecopark apply` (your decisions in it were applied)", file=sys.stderr)
        return False
    return True


def write_corrections(records: list[Record], out_dir: str | Path) -> Path:
    """Merge this run's records into the corrections file beside them (no store: library use)."""
    path = corrections_path(out_dir)
    _write_rows(path, merge(records, read_corrections(path)), [])
    return path


# ---------------------------------------------------------------- with the store

_HASH_KEY = regex.compile(r"[0-9a-f]{16}\|")


def migrate_key(key: str, sha_of: dict[str, str]) -> str:
    """A record_key of the path-keyed kind ("sub/001.txt|assessment|I10|数值|0") in its content-keyed
    form ("98bb576f2842cd57|assessment|I10|数值|0"), when the path is a file of the dataset."""
    from ecopark.ingest import content_key

    if _HASH_KEY.match(key):
        return key
    for source in sorted(sha_of, key=len, reverse=True):
        if key.startswith(source + "|"):
            return content_key(sha_of[source]) + key[len(source):]
    return key


def import_corrections(store, out_dir: str | Path, sha_of: dict[str, str] | None = None) -> int:
    """Take into the store every decision a person typed into corrections.csv (or review.xlsx) since
    it was written.

    Only what differs from what ecopark last wrote there counts (the snapshot), so a stale file
    never undoes a decision made elsewhere (the review app); every change is appended, as typed."""
    from ecopark import excel

    csv_path = corrections_path(out_dir)
    sources = [csv_path]
    workbook = Path(out_dir) / excel.REVIEW_FILE      # review.xlsx, when a person edited it
    if not excel.untouched(workbook):
        sources.append(workbook)
    sources.sort(key=lambda p: p.stat().st_mtime if p.exists() else 0.0)   # the file saved last goes last
    return sum(_import_file(store, read_corrections_file(p), p.name, sha_of) for p in sources)


def _import_file(store, found: CorrectionsFile, origin: str, sha_of: dict[str, str] | None) -> int:
    if not found.rows:
        return 0
    sha_of = sha_of if sha_of is not None else store.sha_of_source_file()
    snapshot, current = store.snapshot(), store.decisions()
    taken = 0
    for row in found.rows:
        key = migrate_key(row["record_key"], sha_of)
        made = Decision(key, row["decision"], row["corrected_value"], row["note"], row["_extra"],
                        found.decimal_comma)
        typed = made.typed()
        before = snapshot.get(key)
        if before is None and not any(typed[:3]) and not row["_extra"]:
            continue                       # a row nobody filled in
        if before is not None and typed == before:
            continue                       # unchanged since ecopark wrote it
        latest = current.get(key)
        if latest is not None and latest.typed() == typed and latest.decimal_comma == made.decimal_comma:
            continue
        if latest is None and not any(typed[:3]) and not row["_extra"]:
            continue
        store.decide(key, made.decision, made.corrected_value, made.note, made.extra, made.decimal_comma,
                     origin=origin)
        taken += 1
    return taken


def _decision_rows(decisions: dict[str, Decision]) -> list[dict]:
    return [{c: "" for c in COLUMNS} | {"record_key": d.record_key, "decision": d.decision,
                                        "corrected_value": d.corrected_value, "note": d.note,
                                        "_extra": d.extra or {}}
            for d in decisions.values()]


def write_corrections_from_store(records: list[Record], store, out_dir: str | Path, stage=None) -> Path:
    """corrections.csv from the store's decisions and this dataset's records; the snapshot remembers
    what it says. With `stage` (an outputs.Staging), written with the other outputs."""
    path = corrections_path(out_dir)
    decisions = store.decisions()
    existing = _decision_rows(decisions)
    rows = merge(records, existing)
    absent = [row for row in rows if row.get("in_this_run") == "no"]
    for key, record in store.records_by_key(row["record_key"] for row in absent).items():
        for row in absent:
            if row["record_key"] == key:
                row.update(_context(record) | {"in_this_run": "no"})
    extras = {row["record_key"]: row["_extra"] for row in existing}
    extra_columns = sorted({c for e in extras.values() for c in e})
    for row in rows:
        row.update(extras.get(row["record_key"], {}))
    target = stage.path(FILE_NAME) if stage is not None else path
    if _write_rows(target, rows, extra_columns) or stage is not None:
        store.set_snapshot({row["record_key"]: Decision(row["record_key"], row["decision"],
                                                        row["corrected_value"], row["note"],
                                                        extras.get(row["record_key"], {})).typed()
                            for row in rows})
    return path


def decide(out_dir: str | Path, record_key: str, decision: str, corrected_value: str = "", note: str = "",
           origin: str = "app") -> Decision:
    """One decision into the store and into corrections.csv at once (for the review app)."""
    return decide_many(out_dir, [(record_key, decision, corrected_value, note)], origin)[0][0]


def decide_many(out_dir: str | Path, decisions: list[tuple[str, str, str, str]],
                origin: str = "app") -> tuple[list[Decision], bool]:
    """(record_key, decision, corrected_value, note) each into the store, then corrections.csv once
    (a bulk action of the review app); False beside them when another program held corrections.csv
    (the store has them; the file follows on the next `ecopark apply`)."""
    from ecopark.store import Store

    with Store.open(out_dir) as store:
        import_corrections(store, out_dir)     # whatever a person typed meanwhile comes first
        made = [store.decide(key, decision, corrected, note, origin=origin)
                for key, decision, corrected, note in decisions]
        before = _stamp(corrections_path(out_dir))
        write_corrections_from_store(store.records(), store, out_dir)
    return made, _stamp(corrections_path(out_dir)) != before


def _stamp(path: Path) -> tuple | None:
    """Changes whenever the file is replaced (atomic_write renames a new file over it)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


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
