"""PDFs: one entry (`read`), two page readers behind it: the text layer, and OCR for scans.

`read(path)` is the PDF entry of the reader registry (`extract.pdf.entry`). The
family's modules: `kind` (what a page is: the one scanned-page test), `reader`
(the text layer of a page: ruled tables, grid-less tables, paragraphs), `page`
(glyphs and rules from pdfium, turned upright), `grid` (the ruled-table
flavour), `gridless` (the flavour for tables without a grid) and `stitch`
(tables over page breaks). Scans are read by `extract.scan`.
"""
from .entry import FORMAT, explain, read
from .kind import page_kind, scanned_pages

__all__ = ["FORMAT", "explain", "page_kind", "read", "scanned_pages"]
