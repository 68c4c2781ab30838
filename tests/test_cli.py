"""`ecopark ingest` end to end on real seed files plus broken ones."""
import csv
import shutil
from pathlib import Path

import pandas as pd

from ecopark.cli import main
from ecopark.schemas.records import CONTRACT_COLUMNS

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"


def _batch(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(TEXT / "001_98bb576f2842cd57.txt", src / "sub" / "001.txt")
    shutil.copy(TEXT / "004_ab0b14322d25fbd5.txt", src / "004.md")
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")  # truncated
    (src / "notes.txt").write_text("会议纪要：本文件没有指标表。\n", encoding="utf-8")
    (src / "empty.docx").write_bytes(b"")
    return src


def test_ingest_writes_the_contract_files(tmp_path, capsys):
    src, out = _batch(tmp_path), tmp_path / "out"
    assert main(["ingest", str(src), "--out", str(out)]) == 0
    progress = capsys.readouterr().err
    assert "[1/5]" in progress and "[5/5]" in progress

    docs = {r["source_file"]: r for r in csv.DictReader(open(out / "documents.csv", encoding="utf-8-sig"))}
    assert docs["sub/001.txt"]["status"] == "ok"
    assert docs["004.md"]["status"] == "ok"
    assert docs["notes.txt"]["status"] == "no_table"
    assert docs["broken.pdf"]["status"] == "error" and docs["broken.pdf"]["error"]
    assert docs["empty.docx"]["status"] == "error" and "empty" in docs["empty.docx"]["error"]

    records = pd.read_csv(out / "records.csv", dtype=str, keep_default_na=False)
    assert list(records.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert len(records) == 66 + 98
    parquet = pd.read_parquet(out / "records.parquet")
    assert len(parquet) == len(records)
    assert list(parquet["indicator_id"]) == list(records["indicator_id"])
    assert set(records["needs_review"]) == {"true", "false"}

    raw = (out / "review.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    review = pd.read_csv(out / "review.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(review) == (records["needs_review"] == "true").sum()
    assert (review["needs_review"] == "true").all()
    i10 = records[(records.source_file == "sub/001.txt") & (records.indicator_id == "I10")].iloc[0]
    assert i10["value"] == "" and "MALFORMED" in i10["flags"] and i10["location"] == "line 274"


def test_missing_input_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_flags_command_lists_every_code(capsys):
    assert main(["flags"]) == 0
    listing = capsys.readouterr().out
    assert "MALFORMED" in listing and "MASKED" in listing and "UNMATCHED" in listing


def test_parallel_jobs_give_the_same_outputs_in_the_same_order(tmp_path):
    src = _batch(tmp_path)
    for name in ("002_4a25218a541a50f3.txt", "003_b52cdd33f1ff9352.txt", "000_dfd356fa93262e66.txt"):
        shutil.copy(TEXT / name, src / name)
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        assert main(["ingest", str(src), "--out", str(out), "--quiet", "--jobs", str(jobs)]) == 0
        outs.append(out)
    for name in ("records.csv", "review.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    docs = [pd.read_csv(o / "documents.csv").drop(columns=["seconds"]) for o in outs]
    pd.testing.assert_frame_equal(docs[0], docs[1])


SCANNED = TEXT.parent / "scanned" / "001_changchun_2022.pdf"


def test_a_file_over_the_time_or_memory_limit_gets_its_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    """A scanned report takes seconds and hundreds of MB (OCR): under tight limits its worker is
    killed, the row names the limit, a fresh worker reads the next file."""
    from ecopark.extract import limits

    for name, value in (("ECOPARK_SECONDS_PER_FILE", "120"), ("ECOPARK_MEMORY_MB", "2048")):
        monkeypatch.setenv(name, value)    # the CLI sets these for its workers; undone after the test
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SCANNED, src / "a_scan.pdf")
    shutil.copy(TEXT / "001_98bb576f2842cd57.txt", src / "b.txt")
    shutil.copy(TEXT / "003_b52cdd33f1ff9352.txt", src / "c.txt")
    for flag, value, words in (("--time-limit", "1.5", "longer than the limit of 1.5 s"),
                               ("--memory-limit", "0.25", "more memory than the limit of 256 MB")):
        out = tmp_path / flag
        assert main(["ingest", str(src), "--out", str(out), "--quiet", "--jobs", "1", flag, value]) == 0
        docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False).set_index("source_file")
        assert docs.loc["a_scan.pdf", "status"] == "error"
        assert words in docs.loc["a_scan.pdf", "error"], docs.loc["a_scan.pdf", "error"]
        assert (docs.loc[["b.txt", "c.txt"], "status"] == "ok").all()
        limits.set_limits(seconds_per_file=120, memory_mb=2048)


def test_long_text_is_cut_at_the_excel_cell_limit(tmp_path):
    from ecopark.outputs import EXCEL_CELL, cap_cell

    cut = cap_cell("园" * 7_000_000)
    assert len(cut) <= EXCEL_CELL and cut.endswith("more characters]") and "6,967,297" in cut
    assert cap_cell("short") == "short"


def test_help_lists_the_exit_codes(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    text = capsys.readouterr().out
    codes = text.split("exit codes:")[1]
    assert "0    every file was read" in codes and "5    another ecopark run holds OUT_DIR" in codes


def test_a_terminal_gets_a_progress_bar(tmp_path):
    """On a terminal (a pty here): a bar with done/total, elapsed<ETA and the file that finished."""
    import os
    import pty
    import sys

    src = _batch(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:   # the child: ecopark on the pty
        os.execv(sys.executable, [sys.executable, "-m", "ecopark.cli", "ingest", str(src), "--out",
                                  str(tmp_path / "out"), "--jobs", "1"])
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    import regex

    assert regex.search(r"100%\|█+\| 5/5 \[\d\d:\d\d<\d\d:\d\d, [^\]]+\]", text), text
    assert regex.search(r" 20%\|█[^|]*\| 1/5 \[\d\d:\d\d<", text), text
    assert "empty.docx: error (the file is empty)" in text        # errors are written above the bar
    assert "5 files in" in text and "5 read, 0 from the store, 2 failed" in text


def test_a_pool_hands_out_the_largest_files_first(tmp_path):
    """Several workers: the big scan starts first, so the small files fill in around it and no
    worker is left alone with a big file at the end; one worker keeps the order files were found."""
    from ecopark.executors import largest_first
    from ecopark.ingest import Task

    sizes = {"a.txt": 10, "b.pdf": 5000, "c.docx": 300, "gone.pdf": None}
    tasks = []
    for i, (name, size) in enumerate(sizes.items()):
        if size is not None:
            (tmp_path / name).write_bytes(b"x" * size)
        tasks.append(Task(i, str(tmp_path / name), name, ""))
    tasks.append(Task(9, str(tmp_path / "sent.pdf"), "sent.pdf", "", data=b"y" * 1000))
    assert [t.source_file for t in largest_first(tasks)] == ["b.pdf", "sent.pdf", "c.docx", "a.txt", "gone.pdf"]
