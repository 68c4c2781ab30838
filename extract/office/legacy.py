"""Legacy Word files (.doc, WPS .wps, RTF): converted to DOCX by LibreOffice, then read as DOCX.

No Python library reads the binary Word format reliably; LibreOffice does, so
it is used when installed (`extract.office.convert`, within the per-file time limit) and
the file is reported as unreadable otherwise.
"""
from __future__ import annotations

from pathlib import Path

from ecopark.schemas.grid import Document

from . import convert, docx

FORMAT = "doc"  # extract.base.Reader: the format sniff names these files

MISSING = "legacy Word format (.doc/.wps); install LibreOffice (soffice) or save the file as .docx"


def read(path: Path) -> Document:
    with convert.converted(path, "docx", "legacy Word file", MISSING, suffix=_suffix(path)) as converted:
        doc = docx.read(converted)
    doc.source, doc.format = str(path), "doc"
    return doc


def _suffix(path: Path) -> str:
    """RTF must keep its suffix for LibreOffice to pick the right import filter."""
    with open(path, "rb") as f:
        head = f.read(16)
    return ".rtf" if head.startswith(b"{\\rtf") else ".doc"
