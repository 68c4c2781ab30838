"""What one file may cost: the per-file limits that keep one hostile file from stalling a batch.

A 1 KB DOCX can declare a table of three million columns, a 10 KB ZIP can
inflate to gigabytes, a PDF page can be 200 inches wide. Every reader checks
the limits that concern it *before* the work they bound, and a file over a
limit becomes an error naming that limit (`too_large(...)`). Time and memory are
enforced around the whole file by whoever runs it (the ingest process pool).

Defaults are generous for real reports (the largest seen: ~300 pages, tables of
a few thousand rows, document.xml of a few MB) and are overridden by
environment variables, which worker processes inherit:

    ECOPARK_SECONDS_PER_FILE   120      wall time for one file, OCR included
    ECOPARK_MEMORY_MB          2048     memory for one file's worker
    ECOPARK_TABLE_CELLS        1000000  cells in one table (rows x columns)
    ECOPARK_TABLE_COLUMNS      1000     columns in one table (Word allows 63)
    ECOPARK_TABLE_ROWS         100000   rows in one table
    ECOPARK_PAGES              3000     pages in one PDF
    ECOPARK_PART_MB            200      inflated size of one part of a DOCX package
    ECOPARK_XML_ELEMENTS       5000000  XML elements in one DOCX part (lxml keeps ~110 bytes each)
    ECOPARK_RENDER_MEGAPIXELS  100      pixels of one rendered page (scans): larger renders are scaled down
    ECOPARK_TEXT_MB            200      size of a text or HTML file
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields, replace

from ecopark.schemas.grid import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds_per_file: float = 120.0
    memory_mb: int = 2048
    table_cells: int = 1_000_000
    table_columns: int = 1000
    table_rows: int = 100_000
    pages: int = 3000
    part_mb: int = 200
    xml_elements: int = 5_000_000
    render_megapixels: float = 100.0
    text_mb: int = 200

    @property
    def memory_bytes(self) -> int:
        return self.memory_mb * MB

    @property
    def part_bytes(self) -> int:
        return self.part_mb * MB

    @property
    def text_bytes(self) -> int:
        return self.text_mb * MB

    @property
    def render_pixels(self) -> int:
        return int(self.render_megapixels * 1_000_000)


def _env_name(field_name: str) -> str:
    return "ECOPARK_" + field_name.upper()


_ENV_NAMES = tuple(_env_name(f.name) for f in fields(Limits))


def current() -> Limits:
    """The limits in force: the defaults, overridden by ECOPARK_* variables that parse as numbers.
    Cheap enough to ask per table cell: parsed again only when one of the variables changed."""
    return _parse(tuple(os.environ.get(name, "") for name in _ENV_NAMES))


@functools.lru_cache(maxsize=8)
def _parse(raw_values: tuple[str, ...]) -> Limits:
    overrides = {}
    for f, raw in zip(fields(Limits), raw_values):
        raw = raw.strip()
        if not raw:
            continue
        kind = int if f.type in ("int", int) else float
        try:
            value = kind(float(raw))
        except ValueError:
            continue  # a typo in a variable must not stop a batch; the default stays
        if value > 0:
            overrides[f.name] = value
    return replace(Limits(), **overrides)


def set_limits(**overrides) -> Limits:
    """Override limits for this process and the worker processes it starts (through the environment)."""
    for name, value in overrides.items():
        if name not in {f.name for f in fields(Limits)}:
            raise TypeError(f"no limit named {name!r}")
        os.environ[_env_name(name)] = str(value)
    return current()


_UNITS = {"seconds_per_file": "s", "memory_mb": "MB", "table_cells": "cells", "table_columns": "columns",
          "table_rows": "rows", "pages": "pages", "part_mb": "MB", "xml_elements": "elements",
          "render_megapixels": "megapixels", "text_mb": "MB"}


def describe(limit_name: str) -> str:
    """'1,000 columns, set by ECOPARK_TABLE_COLUMNS': a limit as a person can look it up and raise it."""
    value = getattr(current(), limit_name)
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return f"{shown} {_UNITS[limit_name]}, set by {_env_name(limit_name)}"


def too_large(what: str, limit_name: str) -> ReadError:
    """The error for a file over a size limit, to raise:
    'too large to read: a table of 3,000,000 columns (limit 1,000 columns, set by ECOPARK_TABLE_COLUMNS)'."""
    return ReadError(f"too large to read: {what} (limit {describe(limit_name)})")


def out_of_time() -> str:
    """The sentence for a file stopped at the time limit (the pool that enforces it writes it)."""
    return f"not read: reading took longer than the limit of {describe('seconds_per_file')}"


def out_of_memory() -> str:
    """The sentence for a file stopped at the memory limit."""
    return f"too large to read: reading needed more memory than the limit of {describe('memory_mb')}"
