"""Format backends: every reader turns one file into a `schemas.grid.Document`.

`read(path)` picks the reader from the file's bytes (see `sniff`). Every reader
is an `extract.base.Reader` (a module with FORMAT and read); they are imported
lazily, so that a heavy dependency (OCR models, PDF libraries) is only loaded
when a file of that format is met.
"""
from __future__ import annotations

import os
from pathlib import Path

from ecopark.schemas.grid import Document, ReadError

from . import base
from .containers import NOT_REPORTS
from .sniff import SKIP_SUFFIXES, sniff

# format -> the module that reads it (an extract.base.Reader)
READERS = {
    "text": "ecopark.extract.text",
    "html": "ecopark.extract.html",
    "docx": "ecopark.extract.docx",
    "doc": "ecopark.extract.legacy",
    "pdf": "ecopark.extract.pdf",
    "xlsx": "ecopark.extract.xlsx",
    "xls": "ecopark.extract.xls",
    "ods": "ecopark.extract.ods",
    "odt": "ecopark.extract.odt",
    "image": "ecopark.extract.image",
}

UNREADABLE = {
    "empty": "the file is empty",
    "binary": "not a report: binary content that is neither PDF, Word, Excel, OpenDocument nor text",
    **NOT_REPORTS,  # containers that are no report (pptx, epub, a plain ZIP …), each named
}


def read(path: str | Path) -> Document:
    path = Path(path)
    fmt = sniff(path)
    if fmt in UNREADABLE:
        raise ReadError(UNREADABLE[fmt])
    return reader_for(fmt).read(path)


def reader_for(fmt: str) -> base.Reader:
    """The reader of a format sniff names, loaded and checked against `extract.base.Reader`."""
    reader = base.load(READERS[fmt])
    if reader.FORMAT != fmt:
        raise TypeError(f"{READERS[fmt]} reads {reader.FORMAT!r}, registered for {fmt!r}")
    return reader


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
