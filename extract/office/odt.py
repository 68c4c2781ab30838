"""OpenDocument text (.odt, LibreOffice Writer, WPS): paragraphs and tables, read from the XML (`odf`)."""
from __future__ import annotations

from pathlib import Path

from ecopark.schemas.grid import Document

from . import odf

FORMAT = "odt"  # extract.base.Reader: the format sniff names these files


def read(path: Path) -> Document:
    return odf.read_text(path)
