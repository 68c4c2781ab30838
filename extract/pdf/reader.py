"""The text layer of PDF pages: ruled tables on the fast path, grid-less tables, paragraphs.

Glyphs and ruling lines come from pdfium (installed with pdfplumber as its
renderer), which reads a page in milliseconds where pdfminer takes a tenth of
a second (see `extract.pdf.page`). Only pages whose text names an indicator
table are table-parsed, and each page after a page that had a table, because
a long table runs on without its title; other pages become paragraphs. On a
table page ruled grids are found by pdfplumber's table finder redone without
its quadratic loops (`extract.pdf.grid`), one flavour; a page without a grid
goes to the other, `extract.pdf.gridless` (三线表, borderless, rules between
groups). Tables cut by page breaks are stitched by the PDF entry.

One of the two page readers behind the PDF entry (`extract.pdf.entry`); scans
go to the other, OCR (`extract.scan`).
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from ecopark.schemas.grid import Block, Cell, Location, Paragraph, Row, Table

from ecopark.schemas.vocabulary import header_columns, names_table

from . import gridless
from .grid import cell_lines, find_tables, text_lines
from .page import PdfiumPage
from .stitch import join_wrapped

# Ruled tables: cells are bounded by drawn lines; text is only a fallback for the outer frame.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}



def read_pages(path: Path, pages: list[int]) -> list[Block]:
    """extract.base.PageReader: the text layer of these pages of `path`, in order."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        opened = []
        for n in pages:
            page = pdf[n - 1]
            textpage = page.get_textpage()
            opened.append((n, page, textpage, textpage.get_text_range()))
        blocks = read_open(opened)
        return [b for n in pages for b in blocks[n]]
    finally:
        pdf.close()


def read_open(pages: list[tuple]) -> dict[int, list[Block]]:
    """Blocks of each page, given as (1-based number, pdfium page, its textpage, its text), in order.

    A page right after a table page is table-parsed too, and a grid-less table that ran
    to the foot of a page hands its column frame to the next."""
    out: dict[int, list[Block]] = {}
    previous_had_table = False
    carried: gridless.Columns | None = None
    for n, page, textpage, text in pages:
        if previous_had_table and n - 1 in out or _names_a_table(text):
            out[n], carried = _table_page(PdfiumPage(page, textpage), n, carried)
            previous_had_table = any(isinstance(b, Table) for b in out[n])
        else:
            out[n] = _paragraphs(text, n)
            previous_had_table, carried = False, None
    return out


def _names_a_table(text: str) -> bool:
    """Whitespace removed first (by `names_table`): a header word wrapped in a narrow cell reads "序\\r\\n号"."""
    return names_table(text)


def _paragraphs(text: str, page: int) -> list[Block]:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return [Paragraph(line, Location(page=page)) for line in lines if line]


def _read_table_page(page: PdfiumPage, number: int) -> list[Block]:
    return _table_page(page, number)[0]


def _table_page(page: PdfiumPage, number: int, carried: "gridless.Columns | None" = None):
    """Tables and the lines around them, top to bottom; and the column frame of a grid-less
    table that runs to the page's foot, for the next page.

    Ruled grids take the fast path (`find_tables`); unless one of them is headed as an
    indicator table, the text around them is searched for tables printed without a grid
    (`gridless`: 三线表, borderless, rules between groups)."""
    placed: list[tuple[float, Block]] = []
    boxes = []
    ruled = _ruled_tables(page, number)
    for table in ruled:
        placed.append((table.loc.bbox[1], table))
        boxes.append(table.loc.bbox)
    frame = None
    if not any(header_columns(row.texts) for table in ruled for row in table.rows):
        rest = page.outside(boxes) if boxes else page.chars
        for found in gridless.find(rest, page.edges, number, carried if not ruled else None):
            placed.append((found.table.loc.bbox[1], found.table))
            boxes.append(found.covers)
            frame = found.columns if found.reaches_foot else None
    for line in text_lines(page.outside(boxes)):
        bbox = (line["x0"], line["top"], line["x1"], line["bottom"])
        placed.append((line["top"], Paragraph(line["text"], Location(page=number, bbox=bbox))))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed], frame


def _ruled_tables(page: PdfiumPage, number: int) -> list[Table]:
    out = []
    for table in find_tables(page, TABLE_SETTINGS):
        geometry = table.rows
        if len(table.columns) < 2:
            continue  # a page frame or a boxed note, not a grid: its text stays paragraphs
        rows = _table_rows(geometry, page, number)
        # one row is a boxed line, unless it is a table's header left at a page's foot by the
        # page break, its body on the next page (the stitcher joins the two)
        if rows and (len(geometry) > 1 or header_columns(rows[0].texts)):
            out.append(Table(rows, Location(page=number, bbox=table.bbox)))
    return out


def _table_rows(geometry: list, page: PdfiumPage, number: int) -> list[Row]:
    """pdfplumber leaves None where a merged cell covers the grid: that becomes "" as schemas.grid asks."""
    rows = []
    for r, boxes in enumerate(geometry, start=1):
        cells = []
        for c, bbox in enumerate(boxes.cells, start=1):
            lines = cell_lines(page.chars_in(bbox)) if bbox else []
            cells.append(Cell(join_wrapped(lines), Location(page=number, row=r, column=c, bbox=bbox)))
        if any(not cell.empty for cell in cells):
            rows.append(Row(cells, Location(page=number, row=r)))
    return rows


