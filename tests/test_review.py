"""The review loop: corrections.csv is merged, never clobbered, and its decisions are applied."""
from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

import regex

from ecopark import review, review_html
from ecopark.crops import page_and_bbox
from ecopark.cli import main
from ecopark.schemas.grid import Location
from seed_tables import make

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "text"
S001, S002, S003 = "001_98bb576f2842cd57.txt", "002_4a25218a541a50f3.txt", "003_b52cdd33f1ff9352.txt"


def _content_key(name: str, rest: str) -> str:
    """record_keys start with the file's content hash (they survive renames), not its path."""
    return hashlib.sha256((SEEDS / name).read_bytes()).hexdigest()[:16] + "|" + rest


I10_001 = _content_key(S001, "assessment|I10|数值|0")
I25_001 = _content_key(S001, "assessment|I25|数值|0")
I01_003 = _content_key(S003, "assessment|I01|数值|0")


def _flagged(indicator_id="I10", raw="-0.4.85", key=None):
    r = make(indicator_id, raw, 2022, source_file=S001, assessed="mandatory")
    if key:
        r.record_key = key
    return r


def _rows(path: Path) -> dict[str, dict]:
    return {row["record_key"]: row for row in review.read_corrections(path)}


def _decide(path: Path, decisions: dict[str, tuple[str, str]], encoding="utf-8-sig", delimiter=","):
    """What a person does in Excel: fill decision / corrected_value, save."""
    rows = review.read_corrections(path)
    for row in rows:
        if row["record_key"] in decisions:
            row["decision"], row["corrected_value"] = decisions[row["record_key"]]
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=review.COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def test_corrections_file_opens_in_excel(tmp_path):
    review.write_corrections([_flagged()], tmp_path)
    raw = (tmp_path / "corrections.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["record_key", "decision", "corrected_value", "note"]


def test_a_filled_decision_is_never_overwritten(tmp_path):
    record = _flagged()
    review.write_corrections([record], tmp_path)
    _decide(tmp_path / "corrections.csv", {record.record_key: ("correct", "-4.85")})
    review.write_corrections([_flagged()], tmp_path)    # the next run: still in review before apply
    row = _rows(tmp_path / "corrections.csv")[record.record_key]
    assert (row["decision"], row["corrected_value"]) == ("correct", "-4.85")


def test_decisions_of_absent_records_are_kept(tmp_path):
    record = _flagged()
    review.write_corrections([record], tmp_path)
    _decide(tmp_path / "corrections.csv", {record.record_key: ("accept", "")})
    review.write_corrections([], tmp_path)
    row = _rows(tmp_path / "corrections.csv")[record.record_key]
    assert (row["decision"], row["in_this_run"]) == ("accept", "no")


def test_apply_correct_accept_reject(tmp_path):
    i10, i25, i01 = _flagged(), _flagged("I25", "-9.97"), _flagged("I01", "39.31")
    i25.flag("INCONSISTENT", "test")
    i01.flag("INCONSISTENT", "test")
    records = [i10, i25, i01]
    review.write_corrections(records, tmp_path)
    _decide(tmp_path / "corrections.csv", {i10.record_key: ("correct", "-4.85"),
                                           i25.record_key: ("accept", ""), i01.record_key: ("reject", "")})
    review.apply_corrections(records, tmp_path)
    assert (i10.value, i10.value_raw, i10.decision, i10.reviewed) == (-4.85, "-0.4.85", "correct", True)
    assert i10.compliant_computed == "yes" and not i10.needs_review
    assert (i25.value, i25.decision, i25.needs_review) == (-9.97, "accept", False)
    assert (i01.value, i01.decision, i01.needs_review) == (None, "reject", False)


def test_excel_gbk_semicolon_file_and_chinese_decisions(tmp_path):
    record = _flagged()
    review.write_corrections([record], tmp_path)
    _decide(tmp_path / "corrections.csv", {record.record_key: ("更正", "－4.85")}, encoding="gb18030",
            delimiter=";")
    review.apply_corrections([record], tmp_path / "corrections.csv")
    assert record.value == -4.85 and record.reviewed


def test_unusable_correction_keeps_the_record_in_review(tmp_path):
    record = _flagged()
    review.write_corrections([record], tmp_path)
    _decide(tmp_path / "corrections.csv", {record.record_key: ("correct", "four point eight five")})
    review.apply_corrections([record], tmp_path)
    assert "CORRECTION_INVALID" in record.flags and record.needs_review and record.value is None


def test_review_page_is_static_and_shows_reasons_and_crops(tmp_path):
    record = _flagged()
    record.suggestion = "-4.85 (fits I10)"
    record.crop = str(tmp_path / "crops" / "i10.png")
    review_html.write([record], tmp_path)
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page
    assert "-0.4.85" in page and "-4.85 (fits I10)" in page and 'src="crops/i10.png"' in page


def _ingest(src: Path, out: Path) -> pd.DataFrame:
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0
    return pd.read_csv(out / "records.csv", dtype=str, keep_default_na=False)


@pytest.mark.skipif(not (SEEDS / S001).exists(), reason="seed fixtures not present")
def test_round_trip_keeps_every_decision(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in (S001, S003):
        shutil.copy(SEEDS / name, src / name)
    first = _ingest(src, out)
    keys = set(_rows(out / "corrections.csv"))
    assert {I10_001, I25_001, I01_003} <= keys
    _decide(out / "corrections.csv", {I10_001: ("correct", "-4.85"), I25_001: ("accept", ""),
                                      I01_003: ("reject", "")})

    shutil.copy(SEEDS / S002, src / S002)
    second = _ingest(src, out)
    by_key = second.set_index("record_key")
    assert by_key.loc[I10_001, ["value", "value_raw", "decision", "needs_review"]].tolist() == \
        ["-4.85", "-0.4.85", "correct", "false"]
    assert by_key.loc[I25_001, "decision"] == "accept"
    assert by_key.loc[I01_003, ["value", "decision"]].tolist() == ["", "reject"]
    review_csv = pd.read_csv(out / "review.csv", dtype=str, encoding="utf-8-sig")
    assert not {I10_001, I25_001, I01_003} & set(review_csv["record_key"])

    # nothing else changed for the documents of the first run
    decided = {I10_001, I25_001, I01_003}
    changed = ["value", "reviewed", "decision", "needs_review", "compliant_computed"]
    before = first[~first.record_key.isin(decided)].set_index("record_key")
    after = second[second.source_file.isin([S001, S003]) & ~second.record_key.isin(decided)]
    pd.testing.assert_frame_equal(before, after.set_index("record_key"))
    same = [c for c in first.columns if c not in changed + ["record_key"]]
    assert (first.set_index("record_key").loc[sorted(decided), same]
            .equals(second.set_index("record_key").loc[sorted(decided), same]))

    # removing a document and adding it back loses nothing
    (src / S003).unlink()
    _ingest(src, out)
    assert _rows(out / "corrections.csv")[I01_003]["in_this_run"] == "no"
    shutil.copy(SEEDS / S003, src / S003)
    again = _ingest(src, out).set_index("record_key")
    assert again.loc[I01_003, "decision"] == "reject"
    assert _rows(out / "corrections.csv")[I10_001]["decision"] == "correct"


def test_review_page_shows_the_pdf_row_behind_a_value(tmp_path):
    pdf = SEEDS.parent / "pdf" / "001_changchun_2022.pdf"
    if not pdf.exists():
        pytest.skip("PDF fixtures not present")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(pdf, src / pdf.name)
    _ingest(src, tmp_path / "out")
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    images = regex.findall(r'<img class="crop" src="([^"]+)"', page)
    assert images and all((tmp_path / "out" / img).stat().st_size > 1000 for img in images)


def test_location_parsing_for_crops():
    assert page_and_bbox(Location(page=2, row=3, bbox=(488, 133, 544, 149))) == (2, (488, 133, 544, 149))
    assert page_and_bbox(Location(line=274)) is None
    assert page_and_bbox(None) is None
