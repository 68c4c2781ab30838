"""OpenDocument text (.odt) and spreadsheets (.ods), read straight from their XML.

No converter and no extra library is needed: an OpenDocument file stores both
what a cell shows (its text:p, formatted by the office suite that saved it) and
what it holds (office:value), and its tables say their merges
(number-columns-spanned / number-rows-spanned, covered-table-cell). lxml walks
content.xml; odfpy would add a dependency for the same walk. Repeated rows and
columns (LibreOffice writes the empty rest of a sheet as one cell repeated
16 000 times) are counted, not expanded.

`extract.office.ods` and `extract.office.odt` are the readers (one FORMAT each) of these two.
Spreadsheets become sheets as for Excel (`sheet`: every sheet, several tables
per sheet, `Sheet1!C12`); text documents become paragraphs and tables as for
DOCX (`table 2, row 5`), merges spread the same way.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from ecopark.schemas.grid import Block, Cell, Document, Location, Paragraph, ReadError, Row, Table

from . import containers
from .sheet import Sheet, TableNumbers, blocks

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


T_TABLE, T_ROW, T_CELL, T_COVERED = _q("table:table"), _q("table:table-row"), _q("table:table-cell"), \
    _q("table:covered-table-cell")
ROW_WRAPPERS = {_q(f"table:{n}") for n in ("table-header-rows", "table-rows", "table-row-group")}
P, H, S, TAB, BR = (_q(n) for n in ("text:p", "text:h", "text:s", "text:tab", "text:line-break"))
SKIPPED = {_q(n) for n in ("text:note", "office:annotation", "text:tracked-changes", "text:deletion",
                           "draw:frame", "draw:custom-shape")}
CONTAINERS = {_q(n) for n in ("text:section", "text:list", "text:list-item", "text:list-header", "text:index-body",
                              "text:table-of-content", "text:illustration-index", "text:alphabetical-index",
                              "text:soft-page-break", "office:forms", "text:change-start")}
TEXT_BOX = _q("draw:text-box")
REPEAT_ROWS, REPEAT_COLS = _q("table:number-rows-repeated"), _q("table:number-columns-repeated")
SPAN_ROWS, SPAN_COLS = _q("table:number-rows-spanned"), _q("table:number-columns-spanned")
VALUE_TYPE = _q("office:value-type")
VALUE_ATTRS = {"float": "office:value", "percentage": "office:value", "currency": "office:value",
               "date": "office:date-value", "time": "office:time-value"}
MAX_REPEATED_FILLED = 1000  # a filled row or cell repeated more often is a styling artefact; kept once
PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)


def read_spreadsheet(path: Path) -> Document:
    """An .ods: every sheet, laid out by `sheet`."""
    spreadsheet = _body(path).find(_q("office:spreadsheet"))
    if spreadsheet is None:
        raise ReadError("an OpenDocument file that is not a spreadsheet, though its type says so; it may be damaged")
    doc = Document(source=str(path), format="ods", layout="sheet")
    numbers = TableNumbers()
    for table in spreadsheet.findall(T_TABLE):
        doc.blocks.extend(blocks(_sheet(table), numbers))
        doc.count("sheets")
    return doc


def read_text(path: Path) -> Document:
    """An .odt: paragraphs and tables in reading order, as for DOCX."""
    text = _body(path).find(_q("office:text"))
    if text is None:
        raise ReadError("an OpenDocument file that is not a text document, though its type says so; it may be damaged")
    doc = Document(source=str(path), format="odt", layout="odt")
    doc.blocks.extend(_text_blocks(text, TableNumbers()))
    return doc


def _body(path: Path):
    """office:body of content.xml, or of the one XML file of a flat OpenDocument (.fods, .fodt)."""
    try:
        root = _content_root(path) if zipfile.is_zipfile(path) else _flat_root(path)
    except etree.XMLSyntaxError as e:
        raise ReadError(f"the OpenDocument file is damaged: its content XML cannot be parsed ({e})") from None
    body = root.find(_q("office:body"))
    if body is None:
        raise ReadError("the OpenDocument file is damaged: its content has no body")
    return body


def _content_root(path: Path):
    containers.check_inflated_size(path, "OpenDocument")
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "META-INF/manifest.xml" in names and b"encryption-data" in package.read("META-INF/manifest.xml"):
                raise ReadError("the OpenDocument file is password-protected; open it with its password and "
                                "save a copy without one")
            return etree.fromstring(package.read("content.xml"), PARSER)
    except zipfile.BadZipFile:
        raise ReadError("the OpenDocument file is damaged: it is not a valid ZIP package") from None
    except KeyError:
        raise ReadError("the OpenDocument file is damaged: it has no content.xml") from None


def _flat_root(path: Path):
    from ecopark.extract import limits

    size = path.stat().st_size
    if size > limits.current().part_bytes:
        raise limits.too_large(f"a flat OpenDocument file of {size / limits.MB:,.0f} MB", "part_mb")
    return etree.parse(str(path), PARSER).getroot()


# ------------------------------------------------------------------ tables

def _grid(table, nested: list) -> tuple[dict[tuple[int, int], tuple[str, str | None]], list[tuple[int, int, int, int]]]:
    """(row, col) -> (shown, stored) for every filled cell, 1-based, and the merged ranges."""
    cells: dict[tuple[int, int], tuple[str, str | None]] = {}
    merges: list[tuple[int, int, int, int]] = []
    r = 0
    for row in _rows(table):
        repeat = int(row.get(REPEAT_ROWS, "1") or 1)
        texts = _row_cells(row, r + 1, merges, nested)
        if texts:
            for k in range(min(repeat, MAX_REPEATED_FILLED)):
                for c, value in texts.items():
                    cells[(r + 1 + k, c)] = value
        r += repeat
    return cells, merges


def _rows(parent):
    for child in parent:
        if child.tag == T_ROW:
            yield child
        elif child.tag in ROW_WRAPPERS:
            yield from _rows(child)


def _row_cells(row, r: int, merges: list, nested: list) -> dict[int, tuple[str, str | None]]:
    out: dict[int, tuple[str, str | None]] = {}
    c = 0
    for cell in row:
        if cell.tag not in (T_CELL, T_COVERED):
            continue
        repeat = int(cell.get(REPEAT_COLS, "1") or 1)
        if cell.tag == T_CELL:
            shown = _cell_text(cell, nested)
            stored = _stored(cell)
            rows, cols = int(cell.get(SPAN_ROWS, "1") or 1), int(cell.get(SPAN_COLS, "1") or 1)
            if shown or stored:
                for k in range(min(repeat, MAX_REPEATED_FILLED)):
                    out[c + 1 + k] = (shown, stored)
            if rows > 1 or cols > 1:
                merges.append((r, c + 1, r + rows - 1, c + cols))
        c += repeat
    return out


def _stored(cell) -> str | None:
    kind = cell.get(VALUE_TYPE)
    attr = VALUE_ATTRS.get(kind or "")
    return cell.get(_q(attr)) if attr else None


def _cell_text(cell, nested: list) -> str:
    lines = []
    for child in cell:
        if child.tag == T_TABLE:
            nested.append(child)
        elif child.tag in (P, H):
            lines.append(_paragraph_text(child))
        elif child.tag in CONTAINERS:
            lines.extend(_paragraph_text(p) for p in child.iter(P, H))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _sheet(table) -> Sheet:
    sheet = Sheet(table.get(_q("table:name")) or "Sheet")
    sheet.cells, sheet.merges = _grid(table, [])
    return sheet


# ------------------------------------------------------------------ text documents

def _text_blocks(parent, numbers: TableNumbers) -> list[Block]:
    out: list[Block] = []
    for child in parent:
        if child.tag in (P, H):
            text = _paragraph_text(child)
            if text.strip():
                out.append(Paragraph(text))
            for box in child.iter(TEXT_BOX):  # cover pages set the title in text boxes
                out.extend(_text_blocks(box, numbers))
        elif child.tag == T_TABLE:
            out.extend(_text_table(child, numbers))
        elif child.tag in CONTAINERS:
            out.extend(_text_blocks(child, numbers))
    return out


def _text_table(table, numbers: TableNumbers) -> list[Block]:
    number = numbers.next()
    nested: list = []
    cells, merges = _grid(table, nested)
    for r1, c1, r2, c2 in merges:  # covered cells stay "" (a writer may keep old text there)
        for rr in range(r1, r2 + 1):
            for cc in range(c1, c2 + 1):
                if (rr, cc) != (r1, c1):
                    cells.pop((rr, cc), None)
    height = max((r for r, _ in cells), default=0)
    width = max((c for _, c in cells), default=0)
    width = max([width] + [c2 for _, _, _, c2 in merges])
    rows = []
    for r in range(1, height + 1):
        row = [Cell(cells.get((r, c), ("", None))[0], Location(table=number, row=r, column=c))
               for c in range(1, width + 1)]
        rows.append(Row(row, Location(table=number, row=r)))
    out: list[Block] = [Table(rows, Location(table=number))]
    for inner in nested:
        out.extend(_text_table(inner, numbers))
    return out


def _paragraph_text(p) -> str:
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag == S:
            parts.append(" " * int(child.get(_q("text:c"), "1") or 1))
        elif tag == TAB:
            parts.append("\t")
        elif tag == BR:
            parts.append("\n")
        elif tag not in SKIPPED and isinstance(tag, str):
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)
