"""Where each file's work runs: in this process, on a local process pool, or on a Dask cluster.

Every executor takes `Task`s and yields `(task, FileResult)` as each finishes,
in whatever order they finish; the caller commits each to the store at once
and puts the outputs in a stable order itself.

The process pool is also the guard against hostile files: each worker reads one
file at a time, and the pool kills a worker whose file runs past the time limit
or whose resident memory passes the memory limit, gives that file an `error`
row naming the limit, starts a fresh worker and goes on with the batch. A
worker that dies on its own (a crash in a C library) is replaced the same way.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Iterable, Iterator

from ecopark.extract import limits as file_limits
from ecopark.extract.limits import Limits
from ecopark.ingest import FileResult, Task

POLL_SECONDS = 0.1


def limits_used(limits: Limits) -> dict:
    """The limits a stored result was read under (a file stopped by one is read again once it is raised)."""
    return {"time": limits.seconds_per_file, "memory": limits.memory_mb}


def largest_first(tasks: Iterable[Task]) -> list[Task]:
    """The tasks by file size, largest first, for a pool of several workers.

    Files are handed out as workers free up, so the batch ends when the last file
    handed out ends. A big scan started last keeps one worker busy while the others
    idle; started first, the small files fill in around it (longest-processing-time-
    first, the classic rule for a pool). Size stands in for work: a scan's bytes grow
    with its pages. A file that cannot be measured keeps its place at the end."""
    def size(task: Task) -> int:
        if task.data is not None:
            return len(task.data)
        try:
            return os.stat(task.path).st_size
        except OSError:
            return -1
    return sorted(tasks, key=size, reverse=True)


class InProcess:
    """One file after another in this process; no limits (for libraries, tests and debugging)."""

    name = "in-process"

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, FileResult]]:
        for task in tasks:
            yield task, task.run()

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# file descriptors a forked worker must not keep open (the OUT_DIR lock: a worker left behind by a
# killed run would hold it)
PARENT_ONLY_FDS: set[int] = set()


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the run that started it dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _worker(conn, ocr_threads: int) -> None:
    """A pool worker: read the tasks it is sent, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    if ocr_threads:   # its share of the cores, unless the user said otherwise
        os.environ.setdefault("ECOPARK_OCR_THREADS", str(ocr_threads))
    _die_with_parent()
    for fd in PARENT_ONLY_FDS:
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(task.run())


class _Worker:
    def __init__(self, ctx, ocr_threads: int = 0):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, ocr_threads), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def resident_bytes(pid: int) -> int:
    """Memory a worker uses for itself (Linux: its private resident pages, so what a forked worker
    still shares with this process is not counted; 0 where it cannot be known)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return 1024 * sum(int(line.split()[1]) for line in f if line.startswith(("Private_", "Swap:")))
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_error(task: Task, limit: str, limits: Limits, seconds: float) -> FileResult:
    if limit == "time":
        text = file_limits.out_of_time() + " (--time-limit)"
    elif limit == "memory":
        text = file_limits.out_of_memory() + " (--memory-limit)"
    else:
        text = f"the reader crashed on this file ({limit}); the batch went on without it"
    return FileResult(source_file=task.source_file, status="error", error=text, seconds=seconds,
                      limit_hit=limit if limit in ("time", "memory") else "", sha256=task.sha256)


class ProcessPool:
    """`jobs` worker processes, each reading one file at a time under the time and memory limits."""

    name = "process pool"

    def __init__(self, jobs: int, limits: Limits | None = None):
        self.jobs = max(1, jobs)
        self.limits = limits or file_limits.current()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" \
            else "spawn"
        self.ctx = multiprocessing.get_context(method)
        self.workers: list[_Worker] = []
        # several jobs on one machine: each worker's OCR keeps to its share of the cores
        self.ocr_threads = max(1, (os.cpu_count() or 1) // self.jobs) if self.jobs > 1 else 0

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, FileResult]]:
        pending = deque(largest_first(tasks) if self.jobs > 1 else tasks)
        if not pending:
            return
        while len(self.workers) < min(self.jobs, len(pending)):
            self.workers.append(_Worker(self.ctx, self.ocr_threads))
        for w in self.workers:
            if pending:
                w.give(pending.popleft())
        while any(w.task for w in self.workers):
            busy = [w for w in self.workers if w.task]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_SECONDS)
            now = time.monotonic()
            for w in busy:
                task, outcome = w.task, None
                if w.conn in ready:
                    try:
                        outcome = w.conn.recv()
                    except (EOFError, OSError):
                        outcome = None
                if outcome is None:
                    if not w.process.is_alive():
                        code = w.process.exitcode
                        why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
                        outcome = self._replace(w, task, why, now)
                    elif now - w.started > self.limits.seconds_per_file:
                        outcome = self._replace(w, task, "time", now)
                    elif self.limits.memory_bytes and resident_bytes(w.process.pid) > self.limits.memory_bytes:
                        outcome = self._replace(w, task, "memory", now)
                if outcome is None:
                    continue
                w = self._worker_for(task)
                w.task = None
                yield task, outcome
                if pending:
                    w.give(pending.popleft())

    def _worker_for(self, task: Task) -> _Worker:
        return next(w for w in self.workers if w.task is task)

    def _replace(self, w: _Worker, task: Task, limit: str, now: float) -> FileResult:
        """Kill the worker reading `task`, put a fresh one in its place, and say why."""
        seconds = now - w.started
        w.kill()
        fresh = _Worker(self.ctx, self.ocr_threads)
        fresh.task = task          # so _worker_for finds it; cleared by the caller
        self.workers[self.workers.index(w)] = fresh
        return _limit_error(task, limit, self.limits, seconds)

    def close(self) -> None:
        for w in self.workers:
            if w.task is None and w.process.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in self.workers:
            w.process.join(2 if w.task is None else 0)
            w.kill()
        self.workers = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def make_executor(jobs: int = 1, limits: Limits | None = None, scheduler: str | None = None,
                  in_process: bool = False, shared_paths: bool = False):
    """The executor a run asks for: Dask with `scheduler`, else the process pool (also for one job,
    so limits hold), else in-process."""
    if scheduler:
        from ecopark.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, shared_paths=shared_paths)
    if in_process:
        return InProcess()
    return ProcessPool(jobs, limits)
