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

from ecopark.extract import base, limits
from ecopark.schemas.grid import Block, Document, ReadError, Table

from . import pictures, reader as text_layer
from .kind import SCAN, SCAN_WITH_LAYER, TEXT, page_kind
from .stitch import stitch

FORMAT = "pdf"
# page kind -> the page reader for it (text pages are read from the open document)
PAGE_READERS = {SCAN: "ecopark.extract.scan"}
TAIL_BYTES = 65536  # where %%EOF is looked for


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
            elif _renderable(page, n, doc):
                scanned.append(n)
                if kind == SCAN_WITH_LAYER:
                    layered.append(n)
        per_page = text_layer.read_open(text_pages)
        pictures.read_tables(text_pages, per_page, doc)  # tables pasted as pictures on text pages
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
    """The PDF opened by pdfium, refused in the project's words when it cannot be, or when it has
    more pages than a file may have (`extract.limits`)."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise ReadError(_open_failure(str(e))) from None
    pages = len(pdf)
    if pages > limits.current().pages:
        pdf.close()
        raise limits.too_large(f"a PDF of {pages:,} pages", "pages")
    return pdf


# pdfium's load errors (FPDF_GetLastError), as a person would say them
_LOAD_ERRORS = {
    "password": "the PDF is password-protected",
    "security": "the PDF is encrypted with a security scheme that cannot be opened",
    "data format": "the PDF is damaged and cannot be opened: its structure (cross-reference table, "
                   "trailer) is broken",
    "file not found": "the PDF cannot be opened: the file cannot be read from disk",
    "success": "the PDF is damaged and cannot be opened: it has no readable document catalogue or page tree",
}


def _open_failure(message: str) -> str:
    low = message.lower()
    return next((sentence for key, sentence in _LOAD_ERRORS.items() if key in low),
                "the PDF is damaged and cannot be opened")


def _check_complete(path: Path) -> None:
    """A PDF ends with %%EOF; a download cut short does not, and pdfium would quietly read half of it.

    Bytes after the last %%EOF are allowed when they are padding (NULs, blanks) or a little
    junk a server appended; more than that is a cut-off later revision."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - TAIL_BYTES))
        tail = f.read()
    end = tail.rfind(b"%%EOF")
    after = tail[end + 5:] if end != -1 else b""
    if end == -1 or len(after.strip(b"\x00 \t\r\n\x0c")) > 2048:
        raise ReadError("the PDF is incomplete (truncated: its end is missing); download or copy it again")


def explain(path: Path, error: Exception) -> str | None:
    """The sentence for an exception met while reading pages, or None when it says nothing
    about the file. A page pdfium cannot load is most often a page tree that loops back on
    itself (each walker then gives up): that is told apart by walking the tree ourselves."""
    if not isinstance(error, pdfium.PdfiumError):
        return None
    if "page" in str(error).lower():
        if _page_tree_loops(path):
            return "the PDF is damaged: its page tree loops (a page list contains itself)"
        return "the PDF is damaged: a page cannot be loaded (its page object or contents are broken)"
    return f"the PDF is damaged: pdfium cannot read it ({str(error).rstrip('.')})"


def _page_tree_loops(path: Path) -> bool:
    """Whether a node of the page tree is its own ancestor (read with pdfminer, which tolerates it)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, resolve1
    try:
        with open(path, "rb") as f:
            catalog = PDFDocument(PDFParser(f)).catalog
            stack = [(catalog.get("Pages"), frozenset())]
            steps = 0
            while stack and steps < 100_000:
                steps += 1
                ref, ancestors = stack.pop()
                if isinstance(ref, PDFObjRef):
                    if ref.objid in ancestors:
                        return True
                    ancestors = ancestors | {ref.objid}
                node = resolve1(ref)
                kids = resolve1(node.get("Kids")) if isinstance(node, dict) else None
                if isinstance(kids, list):
                    stack.extend((kid, ancestors) for kid in kids)
    except Exception:  # noqa: BLE001 - a tree pdfminer cannot walk either: no claim about loops
        return False
    return False


def _renderable(page, number: int, doc: Document) -> bool:
    """Whether a scanned page can be rendered for OCR within the render limit; a page that
    cannot (a 200-inch page would take gigabytes) is left out with a note saying so."""
    try:
        from ecopark.extract.scan.reader import READ_DPI as dpi
    except ImportError:  # no OCR installed: _add_ocr says so; the size is judged at its usual resolution
        dpi = 200
    width, height = page.get_size()
    pixels = width * height * (dpi / 72) ** 2
    if pixels <= limits.current().render_pixels:
        return True
    doc.notes.append(f"page {number} is a scan of {width:,.0f} x {height:,.0f} pt, too large to render for "
                     f"OCR (limit {limits.describe('render_megapixels')}); it was not read")
    return False


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
