"""Scanned pages: triage, orientation, grids, OCR and the known OCR slips.

Modules: `reader` (pages to grid Blocks), `source` (PDF pages or pictures as
page images), `page` (a page made upright, flat and free of seal ink),
`engine` (the one RapidOCR engine; its work is counted on the Document),
`grid` (ruling lines, cells and text lines on page images), `slips` (known
recognition confusions checked against the catalogue).
"""
from .reader import read, read_images, read_pages, read_source, scanned_pages
from .source import ImagePages, PdfPages

__all__ = ["ImagePages", "PdfPages", "read", "read_images", "read_pages", "read_source",
           "scanned_pages"]
