"""Excel 97-2003 workbooks (.xls, BIFF) and WPS Spreadsheets (.et): every sheet via xlrd.

xlrd is the maintained reader of the binary Excel format; with formatting_info
it gives each cell's number format and the merged ranges, so cells are shown
as in Excel (`numfmt`) and merges spread like those of .xlsx. A workbook xlrd
cannot parse (an .et variant, a damaged BIFF stream) is converted to .xlsx by
LibreOffice where it is installed.
"""
from __future__ import annotations

from pathlib import Path

from ecopark.schemas.grid import Document, ReadError

from . import convert, numfmt, xlsx
from .sheet import Sheet, TableNumbers, blocks

FORMAT = "xls"  # extract.base.Reader: the format sniff names these files

MISSING = ("an Excel 97-2003 / WPS Spreadsheets workbook (.xls/.et) that xlrd cannot read; install "
           "LibreOffice (soffice) or save the file as .xlsx")
_GENERAL = {"", "general"}


def read(path: Path) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise ReadError("the Excel file is password-protected; open it with its password and save a "
                            "copy without one") from None
        return _converted(path, str(e))
    except Exception as e:  # noqa: BLE001 - xlrd meets a damaged BIFF stream with any error (even RecursionError)
        return _converted(path, f"{type(e).__name__}: {e}"[:200])
    try:
        doc = Document(source=str(path), format="xls", layout="sheet")
        numbers = TableNumbers()
        for index in range(book.nsheets):
            ws = book.sheet_by_index(index)
            if ws.visibility:
                doc.notes.append(f"sheet '{ws.name}' is hidden in the workbook; it was read all the same")
            doc.blocks.extend(blocks(_sheet(book, ws), numbers))
            doc.count("sheets")
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return doc


def _sheet(book, ws) -> Sheet:
    import xlrd

    sheet = Sheet(ws.name)
    for r in range(ws.nrows):
        for c in range(ws.ncols):
            cell = ws.cell(r, c)
            kind, value = cell.ctype, cell.value
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if kind == xlrd.XL_CELL_TEXT:
                sheet.put(r + 1, c + 1, value.replace("\r\n", "\n").replace("\r", "\n"))
            elif kind == xlrd.XL_CELL_BOOLEAN:
                sheet.put(r + 1, c + 1, "TRUE" if value else "FALSE")
            elif kind == xlrd.XL_CELL_ERROR:
                sheet.put(r + 1, c + 1, xlrd.error_text_from_code.get(value, "#ERROR!"))
            else:  # numbers and dates: both are numbers in BIFF, the format tells them apart
                shown = numfmt.render(value, _format_code(book, cell.xf_index), book.datemode == 1)
                stored = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)
                sheet.put(r + 1, c + 1, shown, stored)
    sheet.merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in ws.merged_cells]
    return sheet


def _format_code(book, xf_index: int) -> str:
    try:
        key = book.xf_list[xf_index].format_key
    except (IndexError, AttributeError):
        return "General"
    fmt = book.format_map.get(key)
    code = fmt.format_str if fmt is not None else ""
    if key in xlsx.ZH_BUILTIN_FORMATS and (key in (14, 22) or code.lower() in _GENERAL):
        return xlsx.ZH_BUILTIN_FORMATS[key]
    return code or "General"


def _converted(path: Path, reason: str) -> Document:
    """A workbook xlrd refused, saved as .xlsx by LibreOffice and read as such."""
    with convert.converted(path, "xlsx", "spreadsheet", f"{MISSING} (xlrd: {reason})", suffix=".xls") as result:
        doc = xlsx.read(result, resaved=True)
    doc.source, doc.format = str(path), "xls"
    doc.notes.append(f"converted by LibreOffice: xlrd could not read it ({reason})")
    return doc
