"""OpenDocument spreadsheets (.ods, LibreOffice Calc, WPS): every sheet, read from the XML (`odf`)."""
from __future__ import annotations

from pathlib import Path

from ecopark.schemas.grid import Document

from . import odf

FORMAT = "ods"  # extract.base.Reader: the format sniff names these files


def read(path: Path) -> Document:
    return odf.read_spreadsheet(path)
