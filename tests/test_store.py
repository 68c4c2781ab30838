"""The store in OUT_DIR: incremental, resumable and safe re-runs; decisions that survive moves."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ecopark import review
from ecopark.cli import main
from ecopark.store import Store

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
S000, S001, S002, S003, S004 = sorted(p.name for p in TEXT.glob("*.txt"))
VENV_PY = sys.executable


def _key(name: str, rest: str) -> str:
    return hashlib.sha256((TEXT / name).read_bytes()).hexdigest()[:16] + "|" + rest


I10_001 = _key(S001, "assessment|I10|数值|0")     # "-0.4.85" in the seed: MALFORMED, in review


def _src(tmp_path, names=(S001, S003), sub="in") -> Path:
    src = tmp_path / sub
    src.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(TEXT / name, src / name)
    return src


def _ingest(src, out, *extra) -> int:
    return main(["ingest", str(src), "--out", str(out), "--quiet", *extra])


def _records(out) -> pd.DataFrame:
    return pd.read_csv(Path(out) / "records.csv", dtype=str, keep_default_na=False)


def _docs(out) -> dict[str, dict]:
    with open(Path(out) / "documents.csv", encoding="utf-8-sig", newline="") as f:
        return {row["source_file"]: row for row in csv.DictReader(f)}


def _set_decision(out, key, decision, corrected="", encoding="utf-8-sig", delimiter=",", extra=None):
    """What a person does in Excel: fill a decision and save (in the given dialect)."""
    found = review.read_corrections_file(Path(out) / "corrections.csv")
    columns = review.COLUMNS + found.extra_columns + list(extra or {})
    rows = []
    if key not in {row["record_key"] for row in found.rows}:    # a row the person adds
        found.rows.append({c: "" for c in review.COLUMNS} | {"record_key": key, "_extra": {}})
    for row in found.rows:
        row = {c: row.get(c, "") for c in review.COLUMNS} | row["_extra"]
        if row["record_key"] == key:
            row["decision"], row["corrected_value"] = decision, corrected
            row.update(extra or {})
        rows.append(row)
    with open(Path(out) / "corrections.csv", "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_second_run_reads_nothing_and_gives_the_same_outputs(tmp_path, capsys):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    first = {n: (out / n).read_bytes() for n in ("records.csv", "review.csv", "panel.csv", "documents.csv",
                                                  "corrections.csv", "review.html")}
    capsys.readouterr()
    assert _ingest(src, out) == 0
    assert "0 read, 2 from the store" in capsys.readouterr().err
    assert first == {n: (out / n).read_bytes() for n in first}
    for name in ("records.csv", "review.csv", "panel.csv", "documents.csv", "corrections.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    assert (out / "records.parquet").exists() and (out / "review.parquet").exists()
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*partial")) and not (out / ".ecopark-staging").exists()


def test_an_added_file_is_the_only_one_read(tmp_path, capsys):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    shutil.copy(TEXT / S002, src / S002)
    capsys.readouterr()
    assert _ingest(src, out) == 0
    assert "1 read, 2 from the store" in capsys.readouterr().err
    assert set(_records(out).source_file) == {S001, S002, S003}


def test_a_pipeline_version_change_reads_everything_again(tmp_path, capsys, monkeypatch):
    src, out = _src(tmp_path), tmp_path / "out"
    monkeypatch.setenv("ECOPARK_PIPELINE_VERSION", "test-1")
    assert _ingest(src, out) == 0
    before = _records(out)
    monkeypatch.setenv("ECOPARK_PIPELINE_VERSION", "test-2")
    assert main(["apply", str(out)]) == 0          # an upgraded ecopark keeps what was read until ingest
    pd.testing.assert_frame_equal(before, _records(out))
    capsys.readouterr()
    assert _ingest(src, out) == 0
    assert "2 read, 0 from the store" in capsys.readouterr().err
    pd.testing.assert_frame_equal(before, _records(out))


def test_decisions_survive_moving_renaming_and_rerooting(tmp_path):
    base = tmp_path / "a"
    src = _src(base, sub="reports/2022")
    out = tmp_path / "out"
    assert _ingest(src, out) == 0
    _set_decision(out, I10_001, "correct", "-4.85")
    assert main(["apply", str(out)]) == 0
    assert _records(out).set_index("record_key").loc[I10_001, "value"] == "-4.85"

    # renamed, moved into a subfolder, and ingested from the parent folder
    (src / S001).rename(src / "changchun-renamed.txt")
    (src / "deeper").mkdir()
    (src / S003).rename(src / "deeper" / S003)
    assert _ingest(base / "reports", out) == 0
    records = _records(out).set_index("record_key")
    assert records.loc[I10_001, ["value", "decision", "needs_review"]].tolist() == ["-4.85", "correct", "false"]
    assert records.loc[I10_001, "source_file"] == "2022/changchun-renamed.txt"
    assert review.read_corrections(out / "corrections.csv")[0]["decision"] == "correct"


def test_path_keyed_corrections_are_migrated(tmp_path):
    src, out = _src(tmp_path), tmp_path / "out"
    out.mkdir()
    old_key = f"{S001}|assessment|I10|数值|0"
    with open(out / "corrections.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(review.COLUMNS)
        w.writerow([old_key, "correct", "-4.85", "from the old version"] + [""] * len(review.CONTEXT_COLUMNS))
    assert _ingest(src, out) == 0
    rec = _records(out).set_index("record_key").loc[I10_001]
    assert (rec["value"], rec["decision"]) == ("-4.85", "correct")
    with Store.open(out) as store:
        assert store.history(I10_001)[0].note == "from the old version"


@pytest.mark.parametrize("dialect", ["utf8-bom", "utf8", "gb18030-semicolon", "utf16-tab", "semicolon-comma"])
def test_corrections_in_every_excel_dialect(tmp_path, dialect):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    encoding, delimiter, typed = {
        "utf8-bom": ("utf-8-sig", ",", "-4.85"), "utf8": ("utf-8", ",", "-4.85"),
        "gb18030-semicolon": ("gb18030", ";", "－4.85"), "utf16-tab": ("utf-16", "\t", "-4.85"),
        "semicolon-comma": ("utf-8-sig", ";", "-4,85"),
    }[dialect]
    _set_decision(out, I10_001, "更正" if "gb" in dialect else "correct", typed, encoding, delimiter)
    assert main(["apply", str(out)]) == 0
    rec = _records(out).set_index("record_key").loc[I10_001]
    assert (rec["value"], rec["needs_review"]) == ("-4.85", "false")
    with Store.open(out) as store:
        assert store.history(I10_001)[-1].corrected_value == typed     # kept as typed


@pytest.mark.parametrize("key, typed, why", [
    (_key(S001, "assessment|I06|数值|0"), "485", "cannot pass 100"),   # a utilisation rate in %
    (I10_001, "-4850", "1000 times"),                                # printed "-0.4.85"
])
def test_an_implausible_correction_stays_in_review(tmp_path, key, typed, why):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    printed = _records(out).set_index("record_key").loc[key, "value"]
    _set_decision(out, key, "correct", typed)
    assert main(["apply", str(out)]) == 0
    rec = _records(out).set_index("record_key").loc[key]
    assert rec["needs_review"] == "true" and "CORRECTION_INVALID" in rec["flags"]
    assert rec["value"] == printed and why in rec["reasons"]


def test_an_extra_column_and_every_decision_are_kept(tmp_path):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    _set_decision(out, I10_001, "correct", "-4.8", extra={"checked_by": "王工"})
    assert main(["apply", str(out)]) == 0
    _set_decision(out, I10_001, "correct", "-4.85")
    assert main(["apply", str(out)]) == 0
    found = review.read_corrections_file(out / "corrections.csv")
    assert "checked_by" in found.extra_columns
    assert [r for r in found.rows if r["record_key"] == I10_001][0]["_extra"] == {"checked_by": "王工"}
    with Store.open(out) as store:
        assert [d.corrected_value for d in store.history(I10_001)] == ["-4.8", "-4.85"]


def test_an_empty_or_unrelated_input_never_deletes_the_dataset(tmp_path, capsys):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    before = (out / "records.csv").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _ingest(empty, out) == 3
    assert "no report files found" in capsys.readouterr().err
    other = _src(tmp_path, names=(S004,), sub="other")
    assert _ingest(other, out) == 4
    assert "shares no file" in capsys.readouterr().err
    assert (out / "records.csv").read_bytes() == before
    assert _ingest(other, out, "--replace") == 0
    assert set(_records(out).source_file) == {S004}


def test_careless_paths(tmp_path, capsys):
    src = _src(tmp_path)
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    assert _ingest(src, not_a_dir) == 2
    assert "is a file" in capsys.readouterr().err
    assert _ingest(src, src) == 2
    assert "INPUT_DIR itself" in capsys.readouterr().err
    inside = src / "out"
    assert _ingest(src, inside) == 0
    assert _ingest(src, inside) == 0           # its own review.html and CSVs are not ingested
    assert set(_docs(inside)) == {S001, S003}


def test_skipped_files_get_a_row_and_a_reason(tmp_path):
    src = _src(tmp_path)
    (src / "photo.gif").write_bytes(b"\xff\xd8\xff\xe0 not really")
    (src / ".hidden.txt").write_text("hidden")
    os.mkfifo(src / "pipe")
    out = tmp_path / "out"
    assert _ingest(src, out) == 0
    docs = _docs(out)
    assert docs["photo.gif"]["status"] == "skipped" and "image" in docs["photo.gif"]["error"]
    assert docs["pipe"]["status"] == "skipped" and "FIFO" in docs["pipe"]["error"]
    assert ".hidden.txt" not in docs


def test_a_name_that_is_not_utf8(tmp_path):
    src = _src(tmp_path, names=(S003,))
    raw = os.fsdecode(b"\xb3\xa4\xb4\xba-2022\n.txt")           # GBK bytes and a newline, from a Windows ZIP
    shutil.copy(TEXT / S001, src / raw)
    out = tmp_path / "out"
    assert _ingest(src, out) == 0
    docs = _docs(out)
    shown = "\\xb3\\xa4\\xb4\\xba-2022\\n.txt"
    assert docs[shown]["status"] == "ok" and int(docs[shown]["records"]) > 0
    assert shown in set(_records(out).source_file)
    with Store.open(out) as store:
        assert b"\xb3\xa4\xb4\xba-2022\n.txt" in {e.path for e in store.dataset()}


def test_strict_exit_code(tmp_path):
    src = _src(tmp_path)
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    assert _ingest(src, tmp_path / "o1") == 0
    assert _ingest(src, tmp_path / "o2", "--strict") == 6


def _spawn(src, out, *extra, env=None):
    return subprocess.Popen([VENV_PY, "-m", "ecopark.cli", "ingest", str(src), "--out", str(out), "--jobs", "1",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=(os.environ | (env or {})))


def test_a_second_run_on_the_same_out_dir_is_refused_or_waits(tmp_path):
    src, out = _src(tmp_path, names=(S000, S001, S002, S003, S004)), tmp_path / "out"
    slow = {"ECOPARK_TEST_SLOW_SECONDS": "1"}
    first = _spawn(src, out, env=slow)
    deadline = time.monotonic() + 30
    while not (out / "ecopark.lock").exists() or not (out / "ecopark.lock").read_text():
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = _spawn(src, out)
    assert second.wait(60) == 5
    assert "in use by another ecopark run" in second.stderr.read()
    waiting = _spawn(src, out, "--wait")
    assert first.wait(120) == 0 and waiting.wait(120) == 0
    assert "0 read, 5 from the store" in waiting.stderr.read()
    for p in (first, second, waiting):
        p.stdout.close(), p.stderr.close()


def test_killed_mid_run_resumes_with_the_records_of_a_clean_run(tmp_path):
    src = _src(tmp_path, names=(S000, S001, S002, S003, S004))
    clean = tmp_path / "clean"
    assert _ingest(src, clean) == 0
    out = tmp_path / "out"
    run = _spawn(src, out, env={"ECOPARK_TEST_SLOW_SECONDS": "0.6"})
    deadline = time.monotonic() + 60
    while True:          # kill -9 once some files are committed, before the run ends
        assert time.monotonic() < deadline and run.poll() is None
        if (out / "ecopark.db").exists():
            with Store.open(out) as store:
                if store.db.execute("SELECT count(*) FROM results").fetchone()[0] >= 2:
                    break
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait()
    run.stdout.close(), run.stderr.close()
    assert not (out / "records.csv").exists()
    resumed = _spawn(src, out)
    assert resumed.wait(120) == 0
    err = resumed.stderr.read()
    resumed.stdout.close(), resumed.stderr.close()
    assert " from the store" in err and "0 from the store" not in err
    assert (clean / "records.csv").read_bytes() == (out / "records.csv").read_bytes()
    assert not list(out.glob("*.tmp")) and not (out / ".ecopark-staging").exists()


def test_a_decision_on_a_document_absent_now_keeps_its_row_and_context(tmp_path):
    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    _set_decision(out, I10_001, "accept")
    (src / S001).unlink()
    assert _ingest(src, out) == 0
    row = {r["record_key"]: r for r in review.read_corrections(out / "corrections.csv")}[I10_001]
    assert (row["decision"], row["in_this_run"], row["source_file"], row["value_raw"]) == \
        ("accept", "no", S001, "-0.4.85")
    shutil.copy(TEXT / S001, src / "back-again.txt")
    assert _ingest(src, out) == 0
    assert _records(out).set_index("record_key").loc[I10_001, "decision"] == "accept"


def test_outputs_are_written_whole_from_one_run_or_not_at_all(tmp_path, monkeypatch, capsys):
    from ecopark import panel

    src, out = _src(tmp_path), tmp_path / "out"
    assert _ingest(src, out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".db"
              and p.name not in ("ecopark.lock",) and not p.name.startswith("ecopark.db")}
    shutil.copy(TEXT / S002, src / S002)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(panel, "write_panel", fail)
    assert _ingest(src, out) == 8
    after = {name: (out / name).read_bytes() for name in before}
    assert after == before                                   # the previous run's set, untouched
    assert "No space left on device" in capsys.readouterr().err
    assert not (out / ".ecopark-staging").exists() and not list(out.glob(".*partial"))
    monkeypatch.undo()
    assert _ingest(src, out) == 0                            # S002 was committed: taken from the store
    assert set(_records(out).source_file) == {S001, S002, S003}


def test_document_counters_reach_documents_csv(tmp_path, monkeypatch):
    from ecopark import extract

    real = extract.read

    def counting(path):
        doc = real(path)
        doc.count("ocr_calls", 3)
        doc.count("seconds_ocr", 1.25)
        return doc

    monkeypatch.setattr(extract, "read", counting)
    src, out = _src(tmp_path, names=(S001,)), tmp_path / "out"
    assert _ingest(src, out, "--jobs", "0") == 0
    assert _docs(out)[S001]["counters"] == "ocr_calls=3; seconds_ocr=1.25"
    assert _docs(out)[S001]["sha256"] == hashlib.sha256((TEXT / S001).read_bytes()).hexdigest()
