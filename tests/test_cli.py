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
