"""The PDF entry of the reader registry: each page to the reader of its kind, one Document back.

Every page is classified once (`kind.page_kind`): pages with a text layer go to
the text-layer reader (`extract.pdf.reader`), scans to the OCR reader
(`extract.scan`), both `extract.base.PageReader`s, found by name in
PAGE_READERS; the OCR reader, with its models, is loaded only for a PDF that
has scanned pages. Their blocks are put back in page order and tables cut by
page breaks are stitched (`extract.pdf.stitch`).
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from ecopark.extract import base
from ecopark.schemas.grid import Block, Document, ReadError, Table

from . import reader as text_layer
from .kind import SCAN, SCAN_WITH_LAYER, TEXT, page_kind
from .stitch import stitch

FORMAT = "pdf"
# page kind -> the page reader for it (text pages are read from the open document)
PAGE_READERS = {SCAN: "ecopark.extract.scan"}


def read(path: Path) -> Document:
    _check_complete(path)
    doc = Document(source=str(path), format="pdf", layout="pdf-text")
    pdf = _open(path)
    try:
        text_pages: list[tuple] = []
        scanned: list[int] = []
        layered: list[int] = []
        for n, page in enumerate(pdf, start=1):
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            kind = page_kind(page, text=text)
            if kind == TEXT:
                text_pages.append((n, page, textpage, text))
            else:
                scanned.append(n)
                if kind == SCAN_WITH_LAYER:
                    layered.append(n)
        per_page = text_layer.read_open(text_pages)
    finally:
        pdf.close()
    if scanned:
        _add_ocr(path, scanned, per_page, doc, all_scanned=not text_pages)
    if layered:
        doc.notes.append(f"pages {', '.join(map(str, layered))} are page images under an invisible OCR text "
                         "layer: read from the image by OCR, the layer's text not used")
    doc.blocks = stitch([per_page[n] for n in sorted(per_page)])
    return doc


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


def _add_ocr(path: Path, scanned: list[int], per_page: dict[int, list[Block]], doc: Document,
             all_scanned: bool) -> None:
    listed = ", ".join(map(str, scanned))
    try:
        ocr = base.load(PAGE_READERS[SCAN], base.PageReader)
    except ImportError:
        raise ReadError(f"scanned PDF: no text layer on pages {listed}; OCR is not available") from None
    for block in ocr.read_pages(path, scanned, doc):  # the OCR work is counted on doc
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
