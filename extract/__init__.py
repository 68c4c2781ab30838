"""Format backends: every reader turns one file into a `schemas.grid.Document`.

`read(path)` picks the reader from the file's bytes (see `sniff`). Readers are
imported lazily so that a heavy dependency (OCR models, PDF libraries) is only
loaded when a file of that format is met.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from ecopark.schemas.grid import Document, ReadError

from .sniff import SKIP_SUFFIXES, sniff

# format -> module with a `read(path: Path) -> Document`
READERS = {
    "text": "ecopark.extract.text",
    "html": "ecopark.extract.html",
    "docx": "ecopark.extract.docx",
    "doc": "ecopark.extract.legacy",
    "pdf": "ecopark.extract.pdf",
}

UNREADABLE = {
    "empty": "the file is empty",
    "zip": "a ZIP archive that is not a Word document; unpack it and ingest its contents",
    "binary": "not a report: binary content that is neither PDF, Word nor text",
}


def read(path: str | Path) -> Document:
    path = Path(path)
    fmt = sniff(path)
    if fmt in UNREADABLE:
        raise ReadError(UNREADABLE[fmt])
    module = importlib.import_module(READERS[fmt])
    return module.read(path)


def discover(root: str | Path) -> list[Path]:
    """Every candidate report below `root`, recursively, in a stable order.

    Hidden files and folders (.git, .DS_Store, ~$lock files of Word) are skipped,
    and so are files that are plainly not reports (images, executables)."""
    root = Path(root)
    if root.is_file():
        return [root]
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            p = Path(dirpath) / name
            if p.suffix.lower() in SKIP_SUFFIXES or not p.is_file():
                continue
            found.append(p)
    return found
