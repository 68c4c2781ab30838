"""`ecopark ingest --scheduler`: the per-file work on a real Dask cluster (scheduler + 2 workers on 127.0.0.1)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from ecopark.cli import main
from ecopark.store import Store

pytest.importorskip("distributed")

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def cluster(workers: int = 2, env: dict | None = None):
    """A scheduler and `workers` one-thread workers on 127.0.0.1, all killed on the way out."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = os.environ | (env or {})
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        for _ in range(workers):
            procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--no-nanny",
                                           "--no-dashboard", "--host", "127.0.0.1"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=90)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.kill()
            p.wait(30)


def _src(tmp_path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    names = sorted(TEXT.glob("*.txt"))
    for p in names[:3]:
        shutil.copy(p, src / p.name)
    for p in names[3:]:
        shutil.copy(p, src / "sub" / p.name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    return src


def _outputs(out: Path) -> tuple[bytes, pd.DataFrame]:
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False).drop(columns=["seconds"])
    return (out / "records.csv").read_bytes(), docs


def test_dask_run_gives_the_records_of_a_local_run(tmp_path):
    src = _src(tmp_path)
    assert main(["ingest", str(src), "--out", str(tmp_path / "local"), "--quiet", "--jobs", "1"]) == 0
    with cluster(2) as (address, _):
        assert main(["ingest", str(src), "--out", str(tmp_path / "dask"), "--quiet", "--scheduler", address]) == 0
    local, remote = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert local[0] == remote[0]
    pd.testing.assert_frame_equal(local[1], remote[1])
    assert (remote[1]["status"] == "error").sum() == 1


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path):
    src = _src(tmp_path)
    assert main(["ingest", str(src), "--out", str(tmp_path / "local"), "--quiet", "--jobs", "1"]) == 0
    out = tmp_path / "dask"
    killed = threading.Event()
    with cluster(2, env={"ECOPARK_TEST_SLOW_SECONDS": "1"}) as (address, workers):
        def kill_after_first_result():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if (out / "ecopark.db").exists():
                    with Store.open(out) as store:
                        if store.db.execute("SELECT count(*) FROM results").fetchone()[0] >= 1:
                            workers[0].send_signal(signal.SIGKILL)
                            killed.set()
                            return
                time.sleep(0.05)

        watcher = threading.Thread(target=kill_after_first_result, daemon=True)
        watcher.start()
        assert main(["ingest", str(src), "--out", str(out), "--quiet", "--scheduler", address]) == 0
        watcher.join(5)
    assert killed.is_set() and workers[0].poll() is not None
    local, remote = _outputs(tmp_path / "local"), _outputs(out)
    assert local[0] == remote[0]
    pd.testing.assert_frame_equal(local[1], remote[1])


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ECOPARK_DASK_CONNECT_TIMEOUT", "2s")
    src = _src(tmp_path)
    code = main(["ingest", str(src), "--out", str(tmp_path / "o"), "--quiet",
                 "--scheduler", f"tcp://127.0.0.1:{_free_port()}"])
    assert code == 7
    assert "no Dask scheduler answers" in capsys.readouterr().err
