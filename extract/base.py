"""What a reader is: the one interface every format module of `extract/` meets.

As docling's backends and camelot's parsers each share one base type, every
reader here is a module with a `FORMAT` (the name `sniff` gives its files) and
`read(path) -> Document`. The PDF entry holds two more: page readers, one for
pages with a text layer and one for scans (OCR), each `read_pages(path, pages)`.
The registry (`extract.reader_for`) loads a module only when a file of its
format is met, and checks it meets the interface.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol, runtime_checkable

from ecopark.schemas.grid import Block, Document


@runtime_checkable
class Reader(Protocol):
    """A format module: `FORMAT` as sniff names it, and `read(path) -> Document`."""

    FORMAT: str

    def read(self, path: Path) -> Document: ...


@runtime_checkable
class PageReader(Protocol):
    """A reader of some pages of a PDF (text layer, or OCR of scans): Blocks with `loc.page` set."""

    def read_pages(self, path: Path, pages: list[int]) -> list[Block]: ...


def load(module_name: str, kind: type = Reader):
    """The module, checked to meet `kind`; ImportError when it (or what it needs) is missing."""
    module = importlib.import_module(module_name)
    if module is None or not isinstance(module, kind):
        raise TypeError(f"{module_name} does not meet extract.base.{kind.__name__}")
    return module
