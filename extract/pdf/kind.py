"""What a PDF page is, decided once for ingest, bench and tests: text, or a scan for OCR.

`page_kind(page)` is the one test. A page is a scan when it has no usable text
layer, none or only a few characters (fewer than TEXT_MIN_CHARS: a page number
or a stamp a scanner recognised), and an image covers most of it (a blank page
is no scan: there is nothing to recognise). A page image under an invisible OCR
text layer (render mode 3, or text painted under the image) is SCAN_WITH_LAYER:
read by OCR like a scan, the layer's text never taken as typed text. Callers
compare with the constants, never with their own test.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .page import object_bounds, page_objects

TEXT = "text"   # a text layer to read
SCAN = "scan"   # an image of a page: OCR
SCAN_WITH_LAYER = "scan+layer"  # a page image under an invisible OCR text layer: OCR, the layer's text unused

TEXT_MIN_CHARS = 50    # this many or more: a text page whatever images it has
IMAGE_SHARE = 0.5      # an image covering this share of the page makes it a scanned page
IMAGE_DEPTH = 2        # page, and forms in it


def page_kind(page, textpage=None, text: str | None = None) -> str:
    """TEXT or SCAN for a pypdfium2 page (its textpage and text, when the caller has them)."""
    if text is None:
        text = (textpage or page.get_textpage()).get_text_range()
    if len(text) >= TEXT_MIN_CHARS and len("".join(text.split())) >= TEXT_MIN_CHARS:  # printed chars
        return SCAN_WITH_LAYER if _text_unseen(page) else TEXT
    return SCAN if _image_covers(page) else TEXT


def scanned_pages(path: Path) -> list[int]:
    """1-based numbers of the pages of `path` that `page_kind` calls scans."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [n for n, page in enumerate(pdf, start=1) if page_kind(page) != TEXT]
    finally:
        pdf.close()


def _text_unseen(page) -> bool:
    """A scanner's OCR output: a page-sized image with text that is never seen — drawn in
    render mode 3 (invisible) or painted before the image that then covers it. Its text is
    the scanner's guess, with the scanner's slips; the image is what was printed."""
    objects = page_objects(page.raw, IMAGE_DEPTH)
    cover = next((i for i, (kind, obj) in enumerate(objects)
                  if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and _covers(page, obj)), None)
    if cover is None:
        return False
    texts = [(i, obj) for i, (kind, obj) in enumerate(objects) if kind == pdfium_c.FPDF_PAGEOBJ_TEXT]
    unseen = sum(1 for i, obj in texts if i < cover or
                 pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    return bool(texts) and unseen >= 0.9 * len(texts)


def _image_covers(page) -> bool:
    return any(kind == pdfium_c.FPDF_PAGEOBJ_IMAGE and _covers(page, obj)
               for kind, obj in page_objects(page.raw, IMAGE_DEPTH))


def _covers(page, obj) -> bool:
    """Whether the image object `obj` covers IMAGE_SHARE of the page."""
    bounds = object_bounds(obj)
    if bounds is None:
        return False
    left, bottom, right, top = bounds
    width, height = page.get_size()
    return (right - left) * (top - bottom) >= IMAGE_SHARE * width * height
