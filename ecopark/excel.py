"""review.xlsx and panel.xlsx: the review queue and the panel as Excel workbooks.

review.xlsx holds the rows of corrections.csv (the same columns, the same
decisions) with a drop-down on `decision` (openpyxl data validation), so a
reviewer picks accept / correct / reject instead of typing it. It is read back
like corrections.csv: `read_review_file` returns what
`ecopark.review.read_corrections_file` returns, and `review.import_corrections`
takes the decisions typed in either file into the store (the file saved last
goes last, so its decision is the latest where both changed one record).

panel.xlsx holds the long panel, the wide panel, the undated readings and the
column dictionary, one sheet each.
"""
from __future__ import annotations

from pathlib import Path

REVIEW_FILE = "review.xlsx"
PANEL_FILE = "panel.xlsx"
REVIEW_SHEET = "review"
DECISION_CHOICES = ("accept", "correct", "reject")


def _atomic_save(workbook, path: Path) -> None:
    from ecopark.outputs import atomic_write

    atomic_write(path, workbook.save)


def _cell(value):
    """A value openpyxl can write: pandas' missing markers become empty cells."""
    try:
        import pandas as pd

        if value is pd.NA or (isinstance(value, float) and value != value):
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def write_review(rows: list[dict], columns: list[str], path: str | Path) -> Path:
    """The queue (rows of corrections.csv, in its column order) with a decision drop-down."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c, "") for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    decision_col = get_column_letter(columns.index("decision") + 1)
    last = max(len(rows) + 1, 2)
    choices = DataValidation(type="list", formula1='"' + ",".join(DECISION_CHOICES) + '"', allow_blank=True,
                             showErrorMessage=False, promptTitle="decision",
                             prompt="accept, correct (then fill corrected_value) or reject")
    choices.add(f"{decision_col}2:{decision_col}{last}")
    ws.add_data_validation(choices)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for name in ("decision", "corrected_value", "note"):
        if name in columns:
            letter = get_column_letter(columns.index(name) + 1)
            for r in range(2, len(rows) + 2):
                ws[f"{letter}{r}"].fill = fill
    widths = {"record_key": 28, "decision": 10, "corrected_value": 14, "note": 20, "name_raw": 30,
              "indicator_name": 30, "reasons": 60, "source_file": 24, "flags": 24}
    for i, name in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(name, 12)
    _atomic_save(wb, path)
    return path


def read_review_file(path: str | Path):
    """review.xlsx as `review.read_corrections_file` reads corrections.csv: a CorrectionsFile whose
    rows hold every column of corrections.csv as text (and `_extra`: columns a person added)."""
    from openpyxl import load_workbook

    from ecopark.review import COLUMNS, CorrectionsFile

    path = Path(path)
    if not path.exists():
        return CorrectionsFile([], [], ",")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[REVIEW_SHEET] if REVIEW_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        extra = [h for h in header if h and h not in COLUMNS]
        out = []
        for values in rows:
            row = {h: _text(v) for h, v in zip(header, values) if h}
            if row.get("record_key"):
                clean = {c: row.get(c, "") for c in COLUMNS}
                clean["_extra"] = {c: row[c] for c in extra if row.get(c)}
                out.append(clean)
        return CorrectionsFile(out, extra, ",")
    finally:
        wb.close()


def read_review(path: str | Path) -> list[dict]:
    """The rows of review.xlsx, as `review.read_corrections` gives those of corrections.csv."""
    from ecopark.review import COLUMNS

    return [{c: row[c] for c in COLUMNS} for row in read_review_file(path).rows]


def _text(value) -> str:
    """A cell as a person meant it: 4.85 stays "4.85", 45928.0 becomes "45928"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


STAMP_FILE = ".review.xlsx.stamp"


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns} {st.st_size}"


def untouched(workbook: Path) -> bool:
    """review.xlsx as ecopark wrote it (size and mtime as noted in the stamp beside it): nobody saved
    it since, so it holds no decision to import (corrections.csv may have changed meanwhile)."""
    stamp = workbook.with_name(STAMP_FILE)
    return not workbook.is_file() or stamp.is_file() and stamp.read_text().strip() == _stamp(workbook)


def write_review_from_corrections(corrections: Path, path: Path, stamp: Path | None = None) -> Path:
    """review.xlsx holding exactly the rows of the corrections file `corrections`, and its stamp
    (`stamp`, default beside it; see `untouched`)."""
    from ecopark import review
    from ecopark.outputs import atomic_write

    found = review.read_corrections_file(corrections)
    rows = [row | row.get("_extra", {}) for row in found.rows]
    write_review(rows, review.COLUMNS + found.extra_columns, path)
    atomic_write(stamp or path.with_name(STAMP_FILE), lambda f: f.write(_stamp(path)), text=True)
    return path


def write_panel(sheets: dict, path: str | Path) -> Path:
    """One sheet per frame (name -> DataFrame), header bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append([str(c) for c in frame.columns])
        for values in frame.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in values])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    _atomic_save(wb, path)
    return path
