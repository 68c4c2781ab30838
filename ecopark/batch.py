"""One `ecopark ingest` run: the lock, the incremental loop over the store, the outputs.

Exit codes (also in `ecopark --help` and the README):

    0  every file was read (files that are damaged or hold no table have their rows)
    2  a usage error: INPUT_DIR missing, --out names a file
    3  no report was found in INPUT_DIR: the dataset in OUT_DIR is left as it was
    4  INPUT_DIR shares no file with the dataset in OUT_DIR: left as it was (--replace to replace it)
    5  another ecopark run holds OUT_DIR (--wait to wait for it)
    6  with --strict: at least one file ended in error
    7  the Dask scheduler of --scheduler cannot be used (unreachable, or workers of another version)
    8  the outputs could not be written (disk full, no permission): the last run's stay, what was read is kept
    130 interrupted (Ctrl-C): what finished is in the store, the outputs are those of the last run
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ecopark import outputs
from ecopark import review as review_loop
from ecopark.executors import PARENT_ONLY_FDS, limits_used, make_executor
from ecopark.extract import limits as file_limits
from ecopark.extract.limits import Limits
from ecopark.ingest import FileResult, Task, describe, name_years
from ecopark.inputs import InputFile, sha256_of, walk
from ecopark.progress import Progress
from ecopark.store import DatasetEntry, Store

EXIT_OK, EXIT_USAGE, EXIT_NOTHING, EXIT_DISJOINT, EXIT_LOCKED, EXIT_STRICT, EXIT_CLUSTER = 0, 2, 3, 4, 5, 6, 7
EXIT_WRITE = 8
EXIT_INTERRUPTED = 130
LOCK_NAME = "ecopark.lock"


class BatchError(Exception):
    """A run that must stop before touching the dataset; `code` is the exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


class Lock:
    """An exclusive lock on OUT_DIR held for a whole run (released by the OS if the run is killed)."""

    def __init__(self, out_dir: Path, wait: bool = False):
        self.path = Path(out_dir) / LOCK_NAME
        self.wait = wait
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(self.fd, self.wait)
        except BlockingIOError:
            holder = os.read(self.fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(self.fd)
            raise BatchError(f"{self.path.parent} is in use by another ecopark run ({holder}); wait for it to "
                             f"finish, or run again with --wait", EXIT_LOCKED) from None
        PARENT_ONLY_FDS.add(self.fd)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode())
        return self

    def __exit__(self, *exc):
        PARENT_ONLY_FDS.discard(self.fd)
        os.ftruncate(self.fd, 0)
        os.close(self.fd)


def _lock(fd: int, wait: bool) -> None:
    try:
        import fcntl
    except ImportError:                      # Windows
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if not wait:
                    raise BlockingIOError from None
                time.sleep(0.5)
    fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


@dataclass
class Options:
    jobs: int = 1
    limits: Limits = field(default_factory=file_limits.current)
    scheduler: str | None = None
    shared_paths: bool = False
    in_process: bool = False
    strict: bool = False
    replace: bool = False
    wait: bool = False
    quiet: bool = False
    bar: bool | None = None


@dataclass
class Summary:
    files: int = 0
    read: int = 0
    from_store: int = 0
    failed: int = 0
    skipped: int = 0
    statuses: Counter = field(default_factory=Counter)
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def line(self, out_dir: Path) -> str:
        c = self.counts
        return (f"{self.files} files in {self.seconds:.1f}s: {self.read} read, {self.from_store} from the store, "
                f"{self.failed} failed, {self.skipped} skipped ({self.statuses['ok']} ok, "
                f"{self.statuses['no_table']} without table); {c.get('records', 0)} records, "
                f"{c.get('reviewed', 0)} reviewed, {c.get('review', 0)} to review -> {out_dir}/")


def check_paths(source: Path, out: Path) -> None:
    if not source.exists():
        raise BatchError(f"{source} does not exist", EXIT_USAGE)
    if out.exists() and not out.is_dir():
        raise BatchError(f"--out {out} is a file, not a folder: give a folder for the outputs", EXIT_USAGE)
    if out.resolve() == source.resolve():
        raise BatchError(f"--out {out} is INPUT_DIR itself: give a folder of its own for the outputs (a subfolder "
                         f"of INPUT_DIR is fine, it is never read as input)", EXIT_USAGE)


def run_batch(source: Path, out: Path, options: Options, progress_stream=None) -> tuple[int, Summary]:
    """Read what is new under `source` into the store in `out`, then rebuild the outputs."""
    source, out = Path(source), Path(out)
    check_paths(source, out)
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    with Lock(out, options.wait), Store.open(out) as store:
        outputs.clear_staging(out)
        files, notes = walk(source, exclude=[out])
        summary = Summary(notes=notes)
        _hash(files, store)
        candidates = [f for f in files if not f.skipped]
        if not candidates:
            raise BatchError(f"no report files found under {source}; the dataset in {out} was left as it was",
                             EXIT_NOTHING)
        known = store.dataset_hashes()
        if known and not options.replace and not known & {f.sha256 for f in candidates}:
            raise BatchError(f"{source} shares no file with the dataset in {out} ({len(known)} files); it was left "
                             f"as it was. Give another --out, or --replace to replace the dataset", EXIT_DISJOINT)
        root = source if source.is_dir() else source.parent
        sha_of = store.sha_of_source_file() | {f.source_file: f.sha256 for f in candidates}
        review_loop.import_corrections(store, out, sha_of)

        limits = limits_used(options.limits)
        todo: dict[tuple, Task] = {}
        for f in candidates:
            key = (f.sha256, name_years(f.source_file))
            if key not in todo and not store.has_result(*key, limits=limits):
                todo[key] = Task(len(todo), str(f.path), f.source_file, f.sha256)
        progress = Progress(len(candidates), stream=progress_stream, quiet=options.quiet, bar=options.bar)
        summary.from_store = sum((f.sha256, name_years(f.source_file)) not in todo for f in candidates)
        for f in candidates:
            if (f.sha256, name_years(f.source_file)) not in todo:
                progress.finished(f"{f.source_file}: from the store", f.source_file)
        try:
            if todo:
                try:
                    executor = make_executor(options.jobs, options.limits, options.scheduler, options.in_process,
                                             options.shared_paths)
                except RuntimeError as e:
                    raise BatchError(str(e), EXIT_CLUSTER) from None
                with executor:
                    for task, result in executor.run(list(todo.values())):
                        store.put_result(task.sha256, result, name_years(task.source_file), limits)
                        summary.read += 1
                        progress.finished(describe(result), task.source_file)
        finally:
            progress.close()
        store.set_dataset([DatasetEntry(f.raw, f.source_file, f.sha256, name_years(f.source_file), f.skipped)
                           for f in files], input_root=os.fsdecode(os.path.abspath(root)))
        summary.counts = _rebuild(store, out, root)
        documents = store.documents()
        summary.files = len(documents)
        summary.statuses = Counter(d.status for d in documents)
        summary.failed = summary.statuses["error"]
        summary.skipped = summary.statuses["skipped"]
        summary.seconds = time.monotonic() - started
    code = EXIT_STRICT if options.strict and summary.failed else EXIT_OK
    return code, summary


def _rebuild(store: Store, out: Path, root: Path | None = None) -> dict:
    try:
        return outputs.rebuild(store, out, root)
    except OSError as e:
        raise BatchError(f"the outputs could not be written to {out} ({e.strerror or e}); the outputs of the last "
                         f"run are left as they were and every file read is kept in the store: free the space "
                         f"or fix the permission, then run `ecopark apply {out}`", EXIT_WRITE) from None


def _hash(files: list[InputFile], store: Store) -> None:
    """The SHA-256 of every file to read, from the store where the file is unchanged on disk."""
    seen = []
    for f in files:
        if f.skipped:
            continue
        f.sha256 = store.known_sha(f.raw, f.size, f.mtime_ns, f.inode) or ""
        if not f.sha256:
            try:
                f.sha256 = sha256_of(f.path)
            except OSError as e:
                f.skipped = f"a file that cannot be opened ({e.strerror}); not read"
                continue
        seen.append((f.raw, f.size, f.mtime_ns, f.inode, f.sha256))
    store.remember_paths(seen)


def apply_only(out: Path, options: Options) -> Summary:
    """`ecopark apply OUT_DIR`: decisions from corrections.csv into the store, outputs rebuilt, no reading."""
    out = Path(out)
    if not Store.exists(out):
        raise BatchError(f"{out} holds no ecopark store ({out}/ecopark.db): run `ecopark ingest INPUT_DIR --out "
                         f"{out}` first", EXIT_USAGE)
    started = time.monotonic()
    with Lock(out, options.wait), Store.open(out) as store:
        outputs.clear_staging(out)
        summary = Summary()
        summary.notes.append(f"{review_loop.import_corrections(store, out)} new decisions from corrections.csv")
        summary.counts = _rebuild(store, out)
        documents = store.documents()
        summary.files, summary.from_store = len(documents), len(documents)
        summary.statuses = Counter(d.status for d in documents)
        summary.failed, summary.skipped = summary.statuses["error"], summary.statuses["skipped"]
        summary.from_store -= summary.skipped
        summary.seconds = time.monotonic() - started
    return summary
