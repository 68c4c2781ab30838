"""OCR doubts weighed against the row's unit and the standard's formulas (normalize/ocr.py).

Each case reads a seed's clean text export (fixtures/text) through the readers, puts one OCR
slip into one value cell as the scan reader hands it over (a low confidence, the doubts, the
other readings the glyphs allow), and runs the whole normalize pass. Expected values are the
seed's (tests/expected), never what the code computed.
"""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from ecopark import extract
from ecopark.normalize.pipeline import read_document
from ecopark.schemas.grid import Cell

ROOT = Path(__file__).resolve().parents[1]
SEED = "001_98bb576f2842cd57"


def printed(indicator_id: str) -> dict:
    with open(ROOT / "tests" / "expected" / f"{SEED}.csv", encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r["indicator_id"] == indicator_id)


def read_with_slip(indicator_id: str, read_as: str, readings=(), doubts=(), confidence=0.6):
    """The seed's records with the value cell of `indicator_id` read by OCR as `read_as`."""
    row_of = printed(indicator_id)
    doc = extract.read(ROOT / "fixtures" / "text" / f"{SEED}.txt")
    hits = 0
    for table in doc.tables:
        for row in table.rows:
            if not any("".join(c.text.split()) == row_of["name_raw"] for c in row.cells):
                continue
            for i, c in enumerate(row.cells):
                if c.text.strip() == row_of["value_raw"]:
                    row.cells[i] = Cell(read_as, replace(c.loc, confidence=confidence),
                                        doubts=tuple(doubts), readings=tuple(readings))
                    hits += 1
    assert hits == 1
    records = read_document(doc, f"{SEED}.txt").records
    return {r.indicator_id: r for r in records if r.table_kind == "assessment"}


def reason(rec, code: str) -> str:
    return next(r for r in rec.reasons if r.startswith(code + ":"))


def test_thousands_separator_read_as_a_point_is_taken_back_by_unit_and_formula():
    """年末从业人口 45928 read 45.928: a count is whole, and I02 = 工业增加值 / 年末从业人口 gives
    the printed 56.50 only with 45928 — the one reading that fits is taken, and said so."""
    rec = read_with_slip("I02.employees", "45.928", readings=("45,928",))["I02.employees"]
    assert rec.value == pytest.approx(float(printed("I02.employees")["value"]))
    assert rec.value_raw == "45.928"  # as read
    assert "OCR_LOW_CONFIDENCE" not in rec.flags and not rec.needs_review
    why = reason(rec, "OCR_SETTLED")
    assert "'45,928' taken for the '45.928' read (× 1000)" in why
    assert "a count (人) is a whole number" in why and "gives the printed 56.50" in why


def test_separator_with_its_digits_in_doubt_stays_in_review_with_the_alternative():
    rec = read_with_slip("I02.employees", "45.928", readings=("45,928",),
                         doubts=("recognised with confidence 0.62",))["I02.employees"]
    assert rec.needs_review and "OCR_LOW_CONFIDENCE" in rec.flags and "OCR_SETTLED" not in rec.flags
    assert rec.value == pytest.approx(45.928)  # what was read, flagged
    assert "'45,928'" in reason(rec, "OCR_LOW_CONFIDENCE")
    assert rec.suggested_value == pytest.approx(float(printed("I02.employees")["value"]))
    assert rec.suggestion.startswith("45,928 (")


def test_lost_minus_is_restored_by_the_elasticity_formula():
    """新鲜水耗弹性系数 -3.00 read 3.00: only the negative reading fits some span."""
    rec = read_with_slip("I13", "3.00", readings=("-3.00",))["I13"]
    assert rec.value == pytest.approx(float(printed("I13")["value"]))
    assert not rec.needs_review
    assert "'-3.00' taken for the '3.00' read (the sign)" in reason(rec, "OCR_SETTLED")


def test_a_reading_the_formula_pins_leaves_review():
    """工业固体废物综合利用率 85.64 = 151012 / (176234 + 100) × 100 to the last printed digit:
    85.63 and 85.65 do not fit, so no misread digit is left for a person to find."""
    rec = read_with_slip("I06", "85.64", doubts=("recognised with confidence 0.70",))["I06"]
    assert rec.value == pytest.approx(float(printed("I06")["value"]))
    assert not rec.needs_review
    assert "'85.64' confirmed: I06 = " in reason(rec, "OCR_SETTLED")


def test_a_formula_too_coarse_to_pin_the_digits_settles_nothing():
    """人均工业增加值 56.50 from 2595000 (rounded to thousands) / 45928: 56.49 and 56.51 fit as
    well, so a doubt about its digits stays."""
    rec = read_with_slip("I02", "56.50", doubts=("recognised with confidence 0.70",))["I02"]
    assert rec.needs_review and "OCR_LOW_CONFIDENCE" in rec.flags
    assert "recognised with confidence 0.70" in reason(rec, "OCR_LOW_CONFIDENCE")


def test_a_factor_of_1000_is_never_taken_without_evidence():
    """规划基准年COD排放量 4190 has no formula of its own and no span pins it: 4.190 or 4190 is a
    person's call, with the other reading suggested."""
    rec = read_with_slip("I25.cod_base_year", "4.190", readings=("4,190",))["I25.cod_base_year"]
    assert rec.needs_review and "OCR_LOW_CONFIDENCE" in rec.flags
    assert "'4,190'" in reason(rec, "OCR_LOW_CONFIDENCE")
    assert rec.suggested_value == pytest.approx(4190.0)


def _computed_from(component: str, records: dict) -> list[str]:
    from ecopark.normalize.formulas import formulas_using
    return [f.indicator for f in formulas_using(component) if f.indicator in records]


def test_a_misread_digit_in_a_doubted_component_is_pinned_on_it_not_on_its_indicators():
    """工业增加值 read with one digit wrong (OCR confusion 5 -> 3) under a low confidence: the
    indicators computed from it disagree only through it. The component stays in review with the
    true value as its suggestion; they are marked FITS_DOUBTED_INPUT and not sent to review."""
    true = printed("I02.industrial_value_added")["value_raw"]
    slipped = true.replace("5", "3", 1)
    assert slipped != true
    records = read_with_slip("I02.industrial_value_added", slipped, doubts=("a second reading differs",))
    rec = records["I02.industrial_value_added"]
    assert "OCR_LOW_CONFIDENCE" in rec.flags and rec.needs_review
    assert rec.suggested_value == pytest.approx(float(printed("I02.industrial_value_added")["value"]))
    users = _computed_from("I02.industrial_value_added", records)
    explained = [i for i in users if "FITS_DOUBTED_INPUT" in records[i].flags]
    assert len(explained) >= 2
    for i in explained:
        assert "INCONSISTENT" not in records[i].flags and not records[i].needs_review
        assert f"read {true}" in reason(records[i], "FITS_DOUBTED_INPUT")


def test_a_component_misread_beyond_one_slip_leaves_its_indicators_inconsistent():
    """Two digits wrong: no reading one slip away brings the indicators back, so nothing is
    explained away and they stay INCONSISTENT for a person."""
    true = printed("I02.industrial_value_added")["value_raw"]
    first, second = (str((int(true[0]) + 4) % 10 or 1), str((int(true[1]) + 3) % 10))
    slipped = first + second + true[2:]  # the two leading digits wrong
    records = read_with_slip("I02.industrial_value_added", slipped, doubts=("a second reading differs",))
    users = _computed_from("I02.industrial_value_added", records)
    assert not any("FITS_DOUBTED_INPUT" in records[i].flags for i in users)
    assert sum("INCONSISTENT" in records[i].flags for i in users) >= 2


def test_a_header_word_read_one_glyph_off_is_mended_only_where_its_column_is_missing():
    from ecopark.extract.scan.slips import mended_header

    header = {0: "分类", 1: "序号", 2: "指标", 3: "单位", 4: "要求", 5: "是否选为考核指标", 6: "数值"}
    assert mended_header(header) == {}
    assert mended_header({**header, 6: "教值"}) == {6: "数值"}       # the value column the table needs
    assert mended_header({**header, 3: "单住"}) == {3: "单位"}
    assert mended_header({**header, 7: "教值"}) == {}                # a value column is there already
    assert mended_header({**header, 1: "序", 7: "号"}) == {}         # one character names nothing
    assert mended_header({0: "教值", 1: "单住"}) == {}                # no header row around them


@pytest.mark.parametrize("label, number, requirement, expected", [
    ("建设规划实施后新增", "5", "≥6", "I05"),                       # cut by a page break: too far off alone
    ("单位工业增加值综合\n站話6", "II", "≤0.5", "I11"),              # a glyph row under it, 序号 read 'II'
    ("再生水（中水）回用\n奉", "16", "缺水城市达到", "I16"),          # as close to 回用量 as to 回用率: kind decides
    ("园区再生水（中水）回用量", "16", "-", "I16.reclaimed_water_reused"),
    ("可再生能源使用量", "10", "-", "I12.renewable_energy_use"),     # read clearly: a misread 序号 does not win
    ("人均工业增加值", "", "", "I02"),
])
def test_the_row_a_unit_is_checked_against_comes_from_label_number_and_kind(label, number, requirement, expected):
    """A unit cell misread at low resolution ('↑' for 个, '吨标煤/万' for 吨标煤/万元) is mended to the
    catalogue's unit only when the row's entry is known; a label too far off for the catalogue's
    fuzzy match still names its row with the 序号 and kind beside it."""
    from ecopark.extract.scan.slips import row_entry

    assert row_entry(label, number, requirement).id == expected
