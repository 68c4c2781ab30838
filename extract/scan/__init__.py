"""Scanned pages: triage, grids, OCR and the known OCR slips.

Modules: `reader` (pages to grid Blocks), `engine` (the one RapidOCR engine and
its tallies), `grid` (ruling lines, cells and text lines on page images),
`slips` (known recognition confusions checked against the catalogue).
"""
from .engine import CALLS, LINES_BY_PAGE
from .reader import is_scanned, read, read_pages, scanned_pages

__all__ = ["CALLS", "LINES_BY_PAGE", "is_scanned", "read", "read_pages", "scanned_pages"]
