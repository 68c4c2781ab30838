"""Each file's extraction as a task on a Dask distributed cluster (`ecopark ingest --scheduler`).

The store stays with the client: workers only compute a FileResult and send it
back; the client commits each one to OUT_DIR/ecopark.db as it arrives, so the
workers write nothing to OUT_DIR and a killed client resumes like a local run.

How files reach the workers: by default their bytes travel with the task
(through the scheduler, which keeps them until the task is done, so a task
whose worker dies can be sent to another). With `shared_paths=True` the task
carries only the path and the workers open it themselves: the input folder
must then be mounted at the same path on every worker.

Worker failures: when a worker dies mid-task the scheduler gives the task to
another worker (up to `distributed.scheduler.allowed-failures` times, 3 by
default); a file whose task kills every worker it lands on gets an `error` row
like a local failure. Each task has a unique key, and the client takes exactly
one result per task, so nothing is lost or counted twice.

Limits: the local pool's per-file time and memory limits are not enforced on
the cluster; use the workers' own `--memory-limit` (their nanny restarts a
worker over it, and its task is then retried as above).
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ecopark.executors import largest_first
from ecopark.ingest import FileResult, Task

IN_FLIGHT_PER_THREAD = 2   # bytes of at most this many files per worker thread sit in the scheduler


def _run_task(task: Task) -> FileResult:
    return task.run()


def _pipeline_version() -> str:
    from ecopark.store import current_pipeline_version

    return current_pipeline_version()


class DaskExecutor:
    name = "dask"

    def __init__(self, address: str, shared_paths: bool = False, connect_timeout: str | None = None):
        import os

        from distributed import Client

        connect_timeout = connect_timeout or os.environ.get("ECOPARK_DASK_CONNECT_TIMEOUT", "10s")
        self.address, self.shared_paths = address, shared_paths
        try:
            self.client = Client(address, timeout=connect_timeout)
        except OSError as e:
            raise RuntimeError(f"no Dask scheduler answers at {address} ({e}); start one with "
                               f"`dask scheduler` and workers with `dask worker {address}`") from None
        self._check_versions()

    def _check_versions(self) -> None:
        """Workers must run the pipeline the store is keyed by, or their results would be filed wrong."""
        mine = _pipeline_version()
        theirs = self.client.run(_pipeline_version)
        other = {w: v for w, v in theirs.items() if v != mine}
        if other:
            self.close()
            listing = ", ".join(f"{w}: {v}" for w, v in sorted(other.items()))
            raise RuntimeError(f"Dask workers run another ecopark pipeline than this client ({mine}): {listing}; "
                               f"install the same ecopark on the workers")

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def _submit(self, task: Task):
        if not self.shared_paths:
            task = replace(task, data=Path(task.path).read_bytes())
        return self.client.submit(_run_task, task, key=f"ecopark-{task.sha256[:16] or 'x'}-{uuid.uuid4().hex}",
                                  pure=False)

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, FileResult]]:
        from distributed import as_completed

        pending = largest_first(tasks)[::-1]    # popped from the end: the largest file first
        if not pending:
            return
        window = IN_FLIGHT_PER_THREAD * self._threads()
        of_future = {}
        running = as_completed()
        while pending and len(of_future) < window:
            task = pending.pop()
            future = self._submit(task)
            of_future[future.key] = task
            running.add(future)
        for future in running:
            task = of_future.pop(future.key)
            try:
                result = future.result()
            except Exception as e:   # KilledWorker: it killed every worker it was given to
                result = _failed(task, e)
            future.release()
            yield task, result
            if pending:
                nxt = pending.pop()
                f = self._submit(nxt)
                of_future[f.key] = nxt
                running.add(f)

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _failed(task: Task, error: Exception) -> FileResult:
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        text = "reading this file killed every Dask worker it was given to; the batch went on without it"
    else:
        text = f"the Dask task for this file failed ({type(error).__name__}: {error})"
    return FileResult(source_file=task.source_file, status="error", error=text, sha256=task.sha256)
