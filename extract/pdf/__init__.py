"""Text PDFs, and the pages of a PDF that are scans (handed to `extract.scan`).

`read(path)` is the PDF entry of the reader registry; the family's modules are
`reader` (the per-page decision and the text-layer tables), `page` (glyphs and
rules from pdfium), `grid` (ruled-table finding) and `stitch` (tables over
page breaks).
"""
from .reader import read

__all__ = ["read"]
