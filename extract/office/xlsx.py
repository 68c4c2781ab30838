"""Excel workbooks (.xlsx, .xlsm; Transitional or Strict): every sheet, cell by cell, via openpyxl.

A cell is handed over as a person sees it in Excel: the stored value with its
number format applied (`numfmt`), while the stored value rides along in
`Cell.stored` so normalize can flag a cell whose display says something else.
openpyxl gives the results of formulas only as the values Excel saved; a
formula whose result was never saved (a file written by a program) shows
nothing, and its formula is handed over as the stored value instead.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from ecopark.schemas.grid import Document, ReadError

from . import containers, convert, numfmt, ooxml
from .sheet import Sheet, TableNumbers, blocks

FORMAT = "xlsx"  # extract.base.Reader: the format sniff names these files

# built-in number formats whose code depends on the locale: those of Chinese (zh-CN) Excel,
# which openpyxl does not know (it reports them as General), and the short dates it spells in US order
ZH_BUILTIN_FORMATS = {
    14: "yyyy/m/d", 22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def read(path: Path, resaved: bool = False) -> Document:
    import openpyxl

    try:
        containers.check_inflated_size(path, "XLSX")
        package = ooxml.transitional_package(path)
        values = openpyxl.load_workbook(package, data_only=True)
        formulas = _unsaved_formulas(package, values) if _has_formulas(package) else {}
    except zipfile.BadZipFile:
        raise ReadError("the Excel file is damaged: it is not a valid XLSX (ZIP) package") from None
    except KeyError as e:
        raise ReadError(f"the Excel file is damaged: a part of the XLSX package is missing ({e})") from None
    except (ValueError, TypeError, AttributeError, IndexError, OSError) as e:
        if resaved:
            raise ReadError(f"the Excel file is damaged or not a workbook openpyxl can read ({e})") from None
        return _resaved(path, f"{type(e).__name__}: {e}"[:200])
    doc = Document(source=str(path), format="xlsx", layout="sheet")
    numbers = TableNumbers()
    date1904 = bool(getattr(values, "epoch", None) == dt.datetime(1904, 1, 1))
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            doc.notes.append(f"sheet '{ws.title}' is hidden in the workbook; it was read all the same")
        doc.blocks.extend(blocks(_sheet(ws, formulas.get(ws.title, {}), date1904), numbers))
        doc.count("sheets")
    return doc


def _resaved(path: Path, reason: str) -> Document:
    """A package openpyxl refuses (programs other than Excel write parts it does not expect),
    saved again by LibreOffice where it is installed, and read as that copy."""
    missing = (f"an Excel workbook openpyxl cannot read ({reason}); install LibreOffice (soffice) to have it "
               "re-saved, or open it in Excel or WPS and save it again")
    with convert.converted(path, "xlsx", "Excel workbook", missing, suffix=".xlsx") as copy:
        doc = read(copy, resaved=True)
    doc.source = str(path)
    doc.notes.append(f"re-saved by LibreOffice: openpyxl could not read it as written ({reason})")
    return doc


def _sheet(ws, formulas: dict[tuple[int, int], str], date1904: bool) -> Sheet:
    sheet = Sheet(ws.title)
    for (row, column), formula in formulas.items():
        sheet.put(row, column, "", formula)
    # the cells the file holds (ws.iter_rows would visit every position up to the farthest cell)
    for cell in ws._cells.values():
        value = cell.value
        if value is None:
            continue
        code = _format_code(cell)
        if isinstance(value, str):
            sheet.put(cell.row, cell.column, _unescape(numfmt.render(value, code)))
            continue
        shown = numfmt.render(value, code, date1904)
        sheet.put(cell.row, cell.column, shown, _stored(value, date1904))
    sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return sheet


def _format_code(cell) -> str:
    style = getattr(cell, "_style", None)
    builtin = getattr(style, "numFmtId", 0) if style is not None else 0
    if builtin in ZH_BUILTIN_FORMATS:
        return ZH_BUILTIN_FORMATS[builtin]
    return cell.number_format or "General"


def _stored(value, date1904: bool) -> str | None:
    """The stored value as text: the shortest text that reads back as the same number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        value = numfmt.serial(value, date1904)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _unescape(text: str) -> str:
    """OOXML writes control characters as _xHHHH_ (Excel's line breaks as _x000D_)."""
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _has_formulas(package) -> bool:
    if hasattr(package, "seek"):
        package.seek(0)
    with zipfile.ZipFile(package) as z:
        return any(re.search(rb"<(?:\w+:)?f[ >]", z.read(n)) for n in z.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _unsaved_formulas(package, values) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas whose result the file does not hold, per sheet and cell."""
    import openpyxl

    if hasattr(package, "seek"):
        package.seek(0)
    formulas = openpyxl.load_workbook(package, data_only=False, read_only=True)
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for ws in formulas.worksheets:
            cached = values[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("=") and \
                            cached.cell(cell.row, cell.column).value is None:
                        out.setdefault(ws.title, {})[(cell.row, cell.column)] = cell.value
    finally:
        formulas.close()
    return out
