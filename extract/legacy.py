"""Legacy Word files (.doc, WPS .wps, RTF): converted to DOCX by LibreOffice, then read as DOCX.

No Python library reads the binary Word format reliably; LibreOffice does, so
it is used when installed and the file is reported as unreadable otherwise.
Each conversion gets its own LibreOffice profile directory: two conversions
sharing the default profile block each other.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ecopark.schemas.grid import Document, ReadError

from . import docx

FORMAT = "doc"  # extract.base.Reader: the format sniff names these files

TIMEOUT_SECONDS = 120
MISSING = "legacy Word format (.doc/.wps); install LibreOffice (soffice) or save the file as .docx"


def read(path: Path) -> Document:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ReadError(MISSING)
    with tempfile.TemporaryDirectory(prefix="ecopark-doc-") as tmp:
        work = Path(tmp)
        source = work / ("input" + _suffix(path))  # a plain name: LibreOffice trips over some paths
        shutil.copyfile(path, source)
        command = [office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "docx", "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice did not convert this Word file within {TIMEOUT_SECONDS} s") from None
        converted = work / "input.docx"
        if not converted.exists():
            raise ReadError("LibreOffice could not convert this legacy Word file; it may be damaged")
        doc = docx.read(converted)
    doc.source, doc.format = str(path), "doc"
    return doc


def _suffix(path: Path) -> str:
    """RTF must keep its suffix for LibreOffice to pick the right import filter."""
    with open(path, "rb") as f:
        head = f.read(16)
    return ".rtf" if head.startswith(b"{\\rtf") else ".doc"
