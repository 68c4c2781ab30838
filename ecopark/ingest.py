"""One file in, its records out; a directory in, every file's records out.

A batch never stops for one bad file: whatever goes wrong while reading a file
becomes an `error` row in documents.csv with a sentence a person understands.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

from ecopark import extract
from ecopark.normalize.pipeline import read_document
from ecopark.schemas.grid import ReadError
from ecopark.schemas.records import Record


@dataclass
class FileResult:
    """What became of one input file: a row of documents.csv plus its records."""

    source_file: str
    status: str = "ok"            # ok / no_table / error
    error: str = ""
    format: str = ""
    layout: str = ""
    park_name: str = ""
    data_year: int | None = None
    tables: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    def as_row(self) -> dict:
        return {
            "source_file": self.source_file,
            "status": self.status,
            "error": self.error,
            "format": self.format,
            "layout": self.layout,
            "park_name": self.park_name,
            "data_year": self.data_year,
            "tables": self.tables,
            "records": len(self.records),
            "needs_review": sum(r.needs_review for r in self.records),
            "seconds": round(self.seconds, 3),
            "notes": " | ".join(self.notes),
        }


def ingest_file(path: Path, root: Path | None = None) -> FileResult:
    """Read one report. Never raises for a bad file: the error goes into the result."""
    path = Path(path)
    rel = path.relative_to(root).as_posix() if root and path != root else path.name
    result = FileResult(source_file=rel)
    started = time.perf_counter()
    try:
        doc = extract.read(path)
        result.format, result.layout = doc.format, doc.layout
        result.notes.extend(doc.notes)
        read = read_document(doc, rel)
        result.park_name, result.data_year = read.facts.park_name, read.facts.data_year
        result.tables = len(read.tables)
        result.records = read.records
        if not read.tables:
            result.status = "no_table"
            result.error = "no 对照考核表 or 标准达标情况 table was found in this file"
    except ReadError as e:
        result.status, result.error = "error", str(e)
    except Exception as e:  # a bug or a file we did not foresee: keep the batch going
        result.status = "error"
        result.error = f"could not read this file ({type(e).__name__}: {e})"
        result.notes.append(traceback.format_exc(limit=3).strip().splitlines()[-1])
    result.seconds = time.perf_counter() - started
    return result


def ingest(input_dir: Path, progress: Callable[[str], None] | None = None, jobs: int = 1) -> list[FileResult]:
    """Every report below `input_dir`, in a stable order, on `jobs` processes.

    Files are independent, so a batch spreads over processes; results come back
    in discovery order whatever order they finish in."""
    input_dir = Path(input_dir)
    files = extract.discover(input_dir)
    root = input_dir if input_dir.is_dir() else input_dir.parent
    results = []
    for i, res in enumerate(_run(files, root, jobs), 1):
        results.append(res)
        if progress:
            detail = res.error if res.status != "ok" else (
                f"{len(res.records)} records, {sum(r.needs_review for r in res.records)} to review")
            progress(f"[{i}/{len(files)}] {res.source_file}: {res.status} ({detail}) {res.seconds:.1f}s")
    return results


def _run(files: list[Path], root: Path, jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(files) < 2 * jobs:
        yield from (ingest_file(path, root) for path in files)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(ingest_file, files, [root] * len(files), chunksize=1)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
