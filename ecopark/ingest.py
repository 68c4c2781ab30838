"""One file in, its records out; a folder in, every new or changed file read into the store.

A batch never stops for one bad file: whatever goes wrong while reading a file
becomes an `error` row in documents.csv with a sentence a person understands.

`run_batch` is the incremental loop: every input file is hashed, files whose
bytes the store already holds (under this pipeline version) are taken from it,
the others go to an executor (in-process, the local process pool, or a Dask
cluster: see `ecopark.executors`) and each result is committed to the store
the moment it comes back, so a killed run loses only the files in flight.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

import regex

from ecopark import extract
from ecopark.extract import limits
from ecopark.normalize.pipeline import read_document
from ecopark.schemas.grid import ReadError
from ecopark.schemas.records import Record

_NAME_YEAR = regex.compile(r"(?<![0-9A-Za-z])(20[0-4]\d)(?![0-9A-Za-z])")


@dataclass
class FileResult:
    """What became of one input file: a row of documents.csv plus its records."""

    source_file: str
    status: str = "ok"            # ok / no_table / error / skipped
    error: str = ""
    format: str = ""
    layout: str = ""
    park_name: str = ""
    data_year: int | None = None
    tables: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    counters: dict[str, float] = field(default_factory=dict)
    limit_hit: str = ""           # "time" / "memory" when a limit stopped the reading
    sha256: str = ""

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
            "sha256": self.sha256,
            "counters": "; ".join(f"{k}={v:g}" for k, v in sorted(self.counters.items())),
        }


def name_years(source_file: str) -> str:
    """The years a file name carries: the pipeline's only input besides the bytes (for a report
    that prints no year), so a renamed file is read again only when these differ."""
    return ",".join(sorted(set(_NAME_YEAR.findall(PurePosixPath(source_file).name))))


def content_key(sha256: str) -> str:
    return sha256[:16]


def ingest_file(path: Path, root: Path | None = None, source_file: str | None = None,
                sha256: str = "") -> FileResult:
    """Read one report. Never raises for a bad file: the error goes into the result.

    With `sha256`, record keys start with the content hash instead of the path, so
    decisions survive moving and renaming the file."""
    path = Path(path)
    if source_file is None:
        source_file = path.relative_to(root).as_posix() if root and path != root else path.name
    result = FileResult(source_file=source_file, sha256=sha256)
    started = time.perf_counter()
    try:
        doc = extract.read(path)
        result.format, result.layout = doc.format, doc.layout
        result.notes.extend(doc.notes)
        result.counters = dict(doc.counters)
        read = read_document(doc, source_file)
        result.park_name, result.data_year = read.facts.park_name, read.facts.data_year
        result.tables = len(read.tables)
        result.records = read.records
        if sha256:
            prefix = source_file + "|"
            for r in result.records:
                if r.record_key.startswith(prefix):
                    r.record_key = content_key(sha256) + "|" + r.record_key[len(prefix):]
        if not read.tables:
            result.status = "no_table"
            result.error = "no 对照考核表 or 标准达标情况 table was found in this file"
    except ReadError as e:
        result.status, result.error = "error", str(e)
    except MemoryError:
        result.status, result.limit_hit = "error", "memory"
        result.error = limits.out_of_memory()
    except RecursionError:
        result.status = "error"
        result.error = "too deeply nested to read: the file's structure nests beyond any real report"
    except Exception as e:  # a bug or a file we did not foresee: keep the batch going
        result.status = "error"
        result.error = extract.failure(e)
        result.notes.append("details for a bug report: " + traceback.format_exc(limit=3).strip().splitlines()[-1])
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Task:
    """One file's work, as sent to an executor: the path, or the bytes themselves (`data`)."""

    index: int
    path: str
    source_file: str
    sha256: str
    data: bytes | None = None

    def run(self) -> FileResult:
        if os.environ.get("ECOPARK_TEST_SLOW_SECONDS"):   # the kill and lock tests need a run that lasts
            time.sleep(float(os.environ["ECOPARK_TEST_SLOW_SECONDS"]))
        if self.data is None:
            return ingest_file(Path(self.path), source_file=self.source_file, sha256=self.sha256)
        # bytes sent over the wire (Dask): read them from a private temporary copy
        with tempfile.TemporaryDirectory(prefix="ecopark-") as tmp:
            copy = Path(tmp) / (Path(self.path).name or "input")
            copy.write_bytes(self.data)
            return ingest_file(copy, source_file=self.source_file, sha256=self.sha256)


def ingest(input_dir: Path, progress: Callable[[str], None] | None = None, jobs: int = 1) -> list[FileResult]:
    """Every report below `input_dir`, read now (no store), in a stable order: for library use and
    benchmarks. The CLI goes through `run_batch`, which remembers."""
    from ecopark.inputs import walk

    input_dir = Path(input_dir)
    files, _ = walk(input_dir)
    tasks = [Task(i, str(f.path), f.source_file, "") for i, f in enumerate(files) if not f.skipped]
    from ecopark.executors import make_executor

    by_index: dict[int, FileResult] = {}
    with make_executor(jobs=jobs) as executor:
        for task, res in executor.run(tasks):
            by_index[task.index] = res
            if progress:
                progress(describe(res))
    return [by_index[t.index] for t in tasks]


def describe(res: FileResult) -> str:
    detail = res.error if res.status != "ok" else (
        f"{len(res.records)} records, {sum(r.needs_review for r in res.records)} to review")
    return f"{res.source_file}: {res.status} ({detail}) {res.seconds:.1f}s"


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
