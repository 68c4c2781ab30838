"""Text PDFs: ruled tables with pdfplumber's table finder, everything else as paragraphs.

Glyphs and ruling lines come from pdfium (installed with pdfplumber as its
renderer), which reads a page in milliseconds where pdfminer takes a tenth of
a second (see `extract.pdf.page`). Only pages whose text names an indicator
table are table-parsed, and each page after a page that had a table, because
a long table runs on without its title; other pages become paragraphs. The
table finder and cell text are pdfplumber's, redone without their quadratic
loops (`extract.pdf.grid`). A table cut by page breaks is stitched back into
one `Table` (`extract.pdf.stitch`).

Pages without a text layer but with a page-sized image are scans and go to the
OCR reader (`extract.scan.read_pages`).
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ecopark.schemas.grid import Block, Cell, Document, Location, Paragraph, ReadError, Row, Table

from ecopark.schemas.vocabulary import names_table

from . import gridless
from .grid import cell_lines, find_tables, text_lines
from .page import PdfiumPage
from .stitch import join_wrapped, stitch

# Ruled tables: cells are bounded by drawn lines; text is only a fallback for the outer frame.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}

SCANNED_MAX_CHARS = 10      # a page with fewer characters than this has no real text layer
SCANNED_MIN_IMAGE = 0.5     # ... and is a scan if an image covers this share of the page


def read(path: Path) -> Document:
    _check_complete(path)
    doc = Document(source=str(path), format="pdf", layout="pdf-text")
    per_page: dict[int, list[Block]] = {}
    scanned: list[int] = []
    pdf = _open(path)
    try:
        previous_had_table = False
        carried: gridless.Columns | None = None  # frame of a grid-less table that ran to a page's foot
        for n, page in enumerate(pdf, start=1):
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if textpage.count_chars() < SCANNED_MAX_CHARS and _has_page_image(page):
                scanned.append(n)
                previous_had_table = False
            elif previous_had_table or _names_a_table(text):
                per_page[n], carried = _table_page(PdfiumPage(page, textpage), n, carried)
                previous_had_table = any(isinstance(b, Table) for b in per_page[n])
            else:
                per_page[n] = _paragraphs(text, n)
                previous_had_table, carried = False, None
        page_count = len(pdf)
    finally:
        pdf.close()
    if scanned:
        _add_ocr(path, scanned, per_page, doc, all_scanned=len(scanned) == page_count)
    doc.blocks = stitch([per_page[n] for n in sorted(per_page)])
    return doc


def _names_a_table(text: str) -> bool:
    """Whitespace removed first (by `names_table`): a header word wrapped in a narrow cell reads "序\\r\\n号"."""
    return names_table(text)


def _open(path: Path):
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError("the PDF is password-protected") from None
        raise ReadError(f"the PDF is damaged and cannot be opened ({e})") from None


def _check_complete(path: Path) -> None:
    """A PDF ends with %%EOF; a download cut short does not, and pdfium would quietly read half of it."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 2048))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise ReadError("the PDF is incomplete (truncated: its end is missing); download or copy it again")


def _has_page_image(page) -> bool:
    width, height = page.get_size()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= SCANNED_MIN_IMAGE * width * height:
            return True
    return False


def _paragraphs(text: str, page: int) -> list[Block]:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return [Paragraph(line, Location(page=page)) for line in lines if line]


def _read_table_page(page: PdfiumPage, number: int) -> list[Block]:
    return _table_page(page, number)[0]


def _table_page(page: PdfiumPage, number: int, carried: "gridless.Columns | None" = None):
    """Tables and the lines around them, top to bottom; and the column frame of a grid-less
    table that runs to the page's foot, for the next page.

    Ruled grids take the fast path (`find_tables`); a page without one is searched for
    tables printed without a grid (`gridless`: 三线表, borderless, rules between groups)."""
    placed: list[tuple[float, Block]] = []
    boxes = []
    for table in _ruled_tables(page, number):
        placed.append((table.loc.bbox[1], table))
        boxes.append(table.loc.bbox)
    frame = None
    if not placed:
        for found in gridless.find(page, number, carried):
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
        if len(geometry) < 2 or len(table.columns) < 2:
            continue  # a page frame or a boxed note, not a grid: its text stays paragraphs
        rows = _table_rows(geometry, page, number)
        if rows:
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


def _add_ocr(path: Path, scanned: list[int], per_page: dict[int, list[Block]], doc: Document,
             all_scanned: bool) -> None:
    listed = ", ".join(map(str, scanned))
    try:
        from ecopark.extract.scan import read_pages
    except ImportError:
        raise ReadError(f"scanned PDF: no text layer on pages {listed}; OCR is not available") from None
    for block in read_pages(path, scanned):
        per_page.setdefault(_page_of(block, scanned[0]), []).append(block)
    if all_scanned:
        doc.format, doc.layout = "scanned-pdf", "pdf-ocr"
    else:
        doc.notes.append(f"pages {listed} have no text layer and were read by OCR")


def _page_of(block: Block, default: int) -> int:
    if block.loc.page is not None:
        return block.loc.page
    if isinstance(block, Table):
        for row in block.rows:
            for cell in row.cells:
                if cell.loc.page is not None:
                    return cell.loc.page
    return default
