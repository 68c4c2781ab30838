"""What a PDF page is, decided once for ingest, bench and tests: text, or a scan for OCR.

`page_kind(page)` is the one test. A page is a scan when it has no usable text
layer, none or only a few characters (fewer than TEXT_MIN_CHARS: a page number
or a stamp a scanner recognised), and an image covers most of it (a blank page
is no scan: there is nothing to recognise). Other kinds may be added here (a scan
with an invisible OCR text layer, whose text can be used or must be checked);
callers compare with the constants, never with their own test.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

TEXT = "text"   # a text layer to read
SCAN = "scan"   # an image of a page: OCR

TEXT_MIN_CHARS = 50    # this many or more: a text page whatever images it has
IMAGE_SHARE = 0.5      # an image covering this share of the page makes it a scanned page
IMAGE_DEPTH = 2        # page, and forms in it


def page_kind(page, textpage=None, text: str | None = None) -> str:
    """TEXT or SCAN for a pypdfium2 page (its textpage and text, when the caller has them)."""
    if text is None:
        text = (textpage or page.get_textpage()).get_text_range()
    chars = sum(1 for c in text if not c.isspace())
    if chars >= TEXT_MIN_CHARS:
        return TEXT
    return SCAN if _image_covers(page) else TEXT


def scanned_pages(path: Path) -> list[int]:
    """1-based numbers of the pages of `path` that `page_kind` calls scans."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [n for n, page in enumerate(pdf, start=1) if page_kind(page) == SCAN]
    finally:
        pdf.close()


def _image_covers(page) -> bool:
    width, height = page.get_size()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=IMAGE_DEPTH):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) >= IMAGE_SHARE * width * height:
            return True
    return False
