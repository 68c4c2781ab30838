"""An ingested OUT_DIR for the review app's tests, made once per session and copied per test.

Inputs: seeds 001, 003 and 004 as text (004 masks most values: MASKED in bulk), the
text-PDF and DOCX fixtures of 001/004 (a crop with its header, a DOCX table), so
every kind of item the app shows is there.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

from ecopark.cli import main
from ecopark.ingest import content_key
from ecopark.store import Store

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "fixtures" / "text" / "001_98bb576f2842cd57.txt",
          ROOT / "fixtures" / "text" / "003_b52cdd33f1ff9352.txt",
          ROOT / "fixtures" / "text" / "004_ab0b14322d25fbd5.txt",
          ROOT / "fixtures" / "pdf" / "001_changchun_2022.pdf",
          ROOT / "fixtures" / "docx" / "004_zhangjiagang_masked.docx"]

TXT_001 = "001_98bb576f2842cd57.txt"
TXT_003 = "003_b52cdd33f1ff9352.txt"
TXT_004 = "004_ab0b14322d25fbd5.txt"
PDF_001 = "001_changchun_2022.pdf"
DOCX_004 = "004_zhangjiagang_masked.docx"


def key(name: str, rest: str) -> str:
    """A record_key as the store makes it: the file's content hash, then table, indicator, column, occurrence."""
    path = next(p for p in INPUTS if p.name == name)
    return content_key(hashlib.sha256(path.read_bytes()).hexdigest()) + "|" + rest


I10_TXT = key(TXT_001, "assessment|I10|数值|0")     # printed -0.4.85 (MALFORMED)
I25_TXT = key(TXT_001, "assessment|I25|数值|0")     # printed -9.97 (INCONSISTENT)
I10_PDF = key(PDF_001, "assessment|I10|数值|0")
I25_PDF = key(PDF_001, "assessment|I25|数值|0")
I01_003 = key(TXT_003, "assessment|I01|数值|0")     # printed 39.31 (INCONSISTENT)


def ingest(src: Path, out: Path) -> None:
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--jobs", "0"]) == 0


def make_out_dir(base: Path) -> tuple[Path, Path]:
    src, out = base / "in", base / "out"
    src.mkdir(parents=True)
    for path in INPUTS:
        shutil.copy(path, src / path.name)
    ingest(src, out)
    return src, out


def copy_out_dir(made: tuple[Path, Path], base: Path) -> tuple[Path, Path]:
    """A private copy (decisions change it); the sources are where the run read them."""
    src, out = made
    shutil.copytree(out, base / "out")
    return src, base / "out"


def corrections(out: Path) -> dict[str, dict]:
    with open(out / "corrections.csv", encoding="utf-8-sig", newline="") as f:
        return {row["record_key"]: row for row in csv.DictReader(f)}


def review_keys(out: Path) -> list[str]:
    with open(out / "review.csv", encoding="utf-8-sig", newline="") as f:
        return [row["record_key"] for row in csv.DictReader(f)]


def records(out: Path) -> dict[str, dict]:
    with open(out / "records.csv", encoding="utf-8", newline="") as f:
        return {row["record_key"]: row for row in csv.DictReader(f)}


def stored(out: Path) -> dict[str, tuple[str, str]]:
    """The latest decision per record_key in the store: (decision, corrected_value)."""
    with Store.open(out) as store:
        return {k: (d.decision, d.corrected_value) for k, d in store.decisions().items()}
