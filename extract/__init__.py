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
from .office.containers import NOT_REPORTS
from .sniff import SKIP_SUFFIXES, sniff

# format -> the module that reads it (an extract.base.Reader)
READERS = {
    "text": "ecopark.extract.text",
    "html": "ecopark.extract.html",
    "docx": "ecopark.extract.office.docx",
    "doc": "ecopark.extract.office.legacy",
    "pdf": "ecopark.extract.pdf",
    "xlsx": "ecopark.extract.office.xlsx",
    "xls": "ecopark.extract.office.xls",
    "ods": "ecopark.extract.office.ods",
    "odt": "ecopark.extract.office.odt",
    "image": "ecopark.extract.image",
}

UNREADABLE = {
    "empty": "the file is empty",
    "binary": "not a report: binary content that is neither PDF, Word, Excel, OpenDocument nor text",
    **NOT_REPORTS,  # containers that are no report (pptx, epub, a plain ZIP …), each named
}


# format -> how a sentence names the file
THE_FILE = {"text": "the text file", "html": "the HTML file", "docx": "the Word file",
            "doc": "the Word file", "pdf": "the PDF"}


def read(path: str | Path) -> Document:
    """The file as a Document, or a ReadError whose message is a sentence for a person.

    Readers raise ReadError for what they foresee; whatever else escapes a reader
    (a library's own exception on a damaged file) is put in words here, by the
    reader's `explain(path, error)` when it has one, else by the kind of error.
    MemoryError is left to the caller, which enforces the memory limit."""
    path = Path(path)
    try:
        fmt = sniff(path)
    except Exception as error:  # noqa: BLE001 - a file too broken to tell its format
        raise ReadError(failure(error)) from error
    if fmt in UNREADABLE:
        raise ReadError(UNREADABLE[fmt])
    reader = reader_for(fmt)
    try:
        return reader.read(path)
    except (ReadError, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - every other failure becomes a sentence
        explain = getattr(reader, "explain", None)
        sentence = explain(path, error) if explain else None
        raise ReadError(sentence or failure(error, THE_FILE[fmt])) from error


def reader_for(fmt: str) -> base.Reader:
    """The reader of a format sniff names, loaded and checked against `extract.base.Reader`."""
    reader = base.load(READERS[fmt])
    if reader.FORMAT != fmt:
        raise TypeError(f"{READERS[fmt]} reads {reader.FORMAT!r}, registered for {fmt!r}")
    return reader


def failure(error: BaseException, the_file: str = "the file") -> str:
    """A sentence for an exception no reader foresaw, by its kind; never the exception's bare name."""
    if isinstance(error, RecursionError):
        return f"too deeply nested to read: {the_file} nests tables or elements deeper than any real report"
    if isinstance(error, MemoryError):
        return f"too large to read: {the_file} needs more memory than is available"
    if isinstance(error, (UnicodeError, ValueError, IndexError, KeyError, EOFError, OverflowError)):
        return f"{the_file} is damaged: part of its content is not what its format allows"
    if isinstance(error, OSError):
        return f"{the_file} cannot be read from disk ({error.strerror or 'input/output error'})"
    return f"{the_file} could not be read: it is damaged or built in a way the reader does not handle"


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
