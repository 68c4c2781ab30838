"""Text PDFs: ruled tables with pdfplumber, everything else as paragraphs.

pdfplumber is thorough but slow (pdfminer interprets every glyph), so it only
sees the pages that matter: pdfium (already installed as pdfplumber's renderer)
reads the text of every page in a few milliseconds, pages whose text names an
indicator table are table-parsed, and so is each page after a page that had a
table, because a long table runs on without its title. A table cut by page
breaks is stitched back into one `Table` (see `extract.pdf_stitch`).

Pages without a text layer but with a page-sized image are scans and go to the
OCR reader (`extract.scan.read_pages`).
"""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from schemas.grid import Block, Cell, Document, Location, Paragraph, ReadError, Row, Table

from .pdf_stitch import join_wrapped, stitch

# Words that only an indicator table (or its title) puts on a page.
TABLE_WORDS = ("对照考核表", "标准达标", "考核指标", "序号", "是否达标", "必选")

# Ruled tables: cells are bounded by drawn lines; text is only a fallback for the outer frame.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}

SCANNED_MAX_CHARS = 10      # a page with fewer characters than this has no real text layer
SCANNED_MIN_IMAGE = 0.5     # ... and is a scan if an image covers this share of the page


def read(path: Path) -> Document:
    _check_complete(path)
    pages = _page_texts(path)
    doc = Document(source=str(path), format="pdf", layout="pdf-text")
    scanned = [n for n, (_, is_scan) in enumerate(pages, start=1) if is_scan]
    per_page: dict[int, list[Block]] = {}
    try:
        with pdfplumber.open(path) as plumber:
            previous_had_table = False
            for n, (text, is_scan) in enumerate(pages, start=1):
                if is_scan:
                    previous_had_table = False
                    continue
                if previous_had_table or any(w in text for w in TABLE_WORDS):
                    per_page[n] = _read_table_page(plumber.pages[n - 1], n)
                    previous_had_table = any(isinstance(b, Table) for b in per_page[n])
                else:
                    per_page[n] = _paragraphs(text, n)
                    previous_had_table = False
    except ReadError:
        raise
    except Exception as e:  # pdfminer chokes on a file pdfium could open
        raise ReadError(f"the PDF is damaged and its text cannot be read ({type(e).__name__})") from None
    if scanned:
        _add_ocr(path, scanned, per_page, doc, all_scanned=len(scanned) == len(pages))
    doc.blocks = stitch([per_page[n] for n in sorted(per_page)])
    return doc


def _check_complete(path: Path) -> None:
    """A PDF ends with %%EOF; a download cut short does not, and pdfium would quietly read half of it."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 2048))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise ReadError("the PDF is incomplete (truncated: its end is missing); download or copy it again")


def _page_texts(path: Path) -> list[tuple[str, bool]]:
    """(text, is_scanned) per page, from pdfium."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError("the PDF is password-protected") from None
        raise ReadError(f"the PDF is damaged and cannot be opened ({e})") from None
    try:
        out = []
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            scanned = textpage.count_chars() < SCANNED_MAX_CHARS and _has_page_image(page)
            out.append((text, scanned))
        return out
    finally:
        pdf.close()


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


def _read_table_page(page, number: int) -> list[Block]:
    """Tables and the lines around them, top to bottom."""
    page = page.dedupe_chars()  # fake bold: every glyph printed twice at the same spot
    found = page.find_tables(TABLE_SETTINGS)
    placed: list[tuple[float, Block]] = []
    outside = page
    for table in found:
        rows = _table_rows(table, number)
        if rows:
            placed.append((table.bbox[1], Table(rows, Location(page=number, bbox=table.bbox))))
        outside = outside.outside_bbox(table.bbox)
    for line in outside.extract_text_lines():
        bbox = (line["x0"], line["top"], line["x1"], line["bottom"])
        placed.append((line["top"], Paragraph(line["text"], Location(page=number, bbox=bbox))))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _table_rows(table, page: int) -> list[Row]:
    """pdfplumber leaves None where a merged cell covers the grid: that becomes "" as schemas.grid asks."""
    texts = table.extract()
    rows = []
    for r, (geometry, values) in enumerate(zip(table.rows, texts), start=1):
        cells = []
        for c, (bbox, value) in enumerate(zip(geometry.cells, values), start=1):
            text = join_wrapped((value or "").split("\n"))
            cells.append(Cell(text, Location(page=page, row=r, column=c, bbox=bbox)))
        if any(not cell.empty for cell in cells):
            rows.append(Row(cells, Location(page=page, row=r)))
    return rows


def _add_ocr(path: Path, scanned: list[int], per_page: dict[int, list[Block]], doc: Document,
             all_scanned: bool) -> None:
    listed = ", ".join(map(str, scanned))
    try:
        from extract.scan import read_pages
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
