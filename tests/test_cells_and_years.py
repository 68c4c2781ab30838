"""Headers and cells in every format: text boxes, traditional characters, 万 in values, target and
remark columns, columns in another order, two-row year headers, footnote marks, years found in order.

The fixtures (fixtures/variants/, made by fixtures/make_variants.py) print the seeds' tables; every
value is compared with tests/expected/<seed>.csv, transcribed from the seed documents.
"""
import csv
import math
import re
from pathlib import Path

import opencc
import pytest

from ecopark.ingest import ingest_file
from fixture_seeds import SEEDS
from ecopark.normalize import numbers

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ROOT / "fixtures" / "variants"
TEXT = ROOT / "fixtures" / "text"
EXPECTED = ROOT / "tests" / "expected"
FIXTURES = {
    "101_textbox_changchun_2022.docx": "001",
    "102_vml_textbox_wujin_2018.docx": "003",
    "111_traditional_wujin_2018.html": "003",
    "112_traditional_zhangjiagang.txt": "004",
    "113_web_copy_target_wujin.txt": "003",
    "121_wan_changchun_2022.docx": "001",
    "131_target_wujin.docx": "003",
    "141_two_row_changchun_auto_2018.html": "002",
    "142_two_row_changchun_auto_2018.docx": "002",
    # the same three DOCX printed to PDF by LibreOffice: the cells as glyphs (0.32¹ as a small raised 1)
    "121_wan_changchun_2022.pdf": "001",
    "131_target_wujin.pdf": "003",
    "142_two_row_changchun_auto_2018.pdf": "002",
    # 141 and 111 as a browser prints them (Chromium, Type 3 fonts): ruled (rows cut open by the page
    # break, a header row left alone at a page's foot), three-line, borderless
    "161_web_ruled_changchun_auto_2018.pdf": "002",
    "162_web_three_line_changchun_auto_2018.pdf": "002",
    "163_web_borderless_changchun_auto_2018.pdf": "002",
    "164_web_ruled_a5_changchun_auto_2018.pdf": "002",      # narrow columns on A5
    "165_web_ruled_12pt_changchun_auto_2018.pdf": "002",    # 0.32¹ raised above its line
    "171_web_ruled_traditional_wujin_2018.pdf": "003",
    "172_web_three_line_traditional_wujin_2018.pdf": "003",
    "173_web_borderless_traditional_wujin_2018.pdf": "003",
    "151_label_years_changchun.txt": "001",
}
S2T = opencc.OpenCC("s2t")


def _expected(seed: str) -> list[dict]:
    with open(EXPECTED / f"{SEEDS[seed]}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _records(name: str):
    result = ingest_file(VARIANTS / name, VARIANTS)
    assert result.status == "ok", result.error
    return result.records


def _squeeze(text: str) -> str:
    return "".join(re.sub(r"</?sup>", "", text).split())


def _want(name: str, exp: dict, rec) -> float:
    """The expected value; in the 万 fixture a large value is printed rounded to two decimals of 万."""
    want = float(exp["value"])
    if name.startswith("121") and re.search(r"[万亿]$", rec.value_raw.strip()):
        raw = float(exp["value_raw"])
        want = round(raw / 1e4, 2) * 1e4 * (want / raw)
    return want


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_value_as_the_seed_prints_it(name):
    records = _records(name)
    expected = _expected(FIXTURES[name])
    got = [(r.table_kind, r.data_year, r.indicator_id) for r in records]
    assert got == [(e["table_kind"], int(e["data_year"]) if e["data_year"] else None, e["indicator_id"])
                   for e in expected]
    traditional = name.startswith(("111", "112", "17"))
    for rec, exp in zip(records, expected):
        printed = S2T.convert(exp["name_raw"]) if traditional else exp["name_raw"]
        assert _squeeze(rec.name_raw).startswith(_squeeze(printed)), rec.record_key  # kept as printed
        if exp["value"]:
            assert rec.value is not None and math.isclose(rec.value, _want(name, exp, rec), rel_tol=1e-9), \
                (rec.record_key, rec.value_raw)
        elif rec.value is not None:
            pytest.fail(f"{rec.record_key}: value {rec.value} from {rec.value_raw!r}")
        if exp["value_raw"].strip() in ("达标", "全部完成", "具备", "完成"):
            assert rec.value_text == exp["value_raw"].strip()  # categories read in simplified characters


def test_traditional_values_and_names_stay_as_printed():
    recs = {r.indicator_id: r for r in _records("111_traditional_wujin_2018.html")}
    assert recs["I17"].value_raw == "達標" and recs["I17"].value_text == "达标"
    assert recs["I17"].compliant_computed == "yes"
    assert "單位" in recs["I11"].name_raw and recs["I11"].unit == "吨标煤/万元"
    assert {r.park_name for r in recs.values()} == {"江苏武进经济开发区"}


def test_wan_and_yi_are_converted_with_the_factor_in_reasons():
    recs = {r.indicator_id: r for r in _records("121_wan_changchun_2022.docx")}
    iva = recs["I02.industrial_value_added"]
    assert iva.value_raw == "259.50亿" and iva.value == pytest.approx(2595000)
    assert "UNIT_CONVERTED" in iva.flags and any("factor 10000" in r for r in iva.reasons)
    people = recs["I02.employees"]
    assert people.value_raw == "4.59万" and people.value == pytest.approx(45900) and "UNIT_CONVERTED" in people.flags
    base = recs["I03.iva_base_year"]
    assert base.value_raw == "1,887,000万元" and base.value == 1887000 and "UNIT_CONVERTED" not in base.flags
    assert not recs["I02"].flags  # the check of I02 ran on the converted components and agrees
    assert not any(r.flags & {"TEXT_VALUE", "UNIT_UNKNOWN"} for r in recs.values())


def _seed_text(stem: str = "001_98bb576f2842cd57") -> str:
    return (TEXT / f"{stem}.txt").read_text(encoding="utf-8")


def _ingest_text(tmp_path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert result.status == "ok", result.error
    return result.records


def test_consistency_check_runs_on_wan_components(tmp_path):
    """21.73万-style components used to be text: the check of their indicator was skipped."""
    text = _seed_text().replace("\t1449735.44\n", "\t244.97万\n")  # I27 printed 0.6, components say 0.94
    recs = {r.indicator_id: r for r in _ingest_text(tmp_path, text)}
    assert recs["I27.wastewater_discharge"].value == pytest.approx(2449700)
    assert "INCONSISTENT" in recs["I27"].flags and recs["I27"].needs_review


@pytest.mark.parametrize("name", ["131_target_wujin.docx", "131_target_wujin.pdf"])
def test_year_only_in_the_table_title(name):
    records = _records(name)
    assert {r.data_year for r in records} == {2018}
    assert not any(r.flags & {"YEAR_INFERRED", "YEAR_UNKNOWN"} for r in records)  # printed in the title
    assert {r.column_label for r in records} == {"数值"}                            # not 2025年目标值, not 备注


def test_year_implied_by_label_years_is_flagged_with_its_source():
    records = _records("151_label_years_changchun.txt")
    assert {r.data_year for r in records} == {2022}
    assert all("YEAR_INFERRED" in r.flags and any("label years" in x for x in r.reasons) for r in records)
    recs = {r.indicator_id: r for r in records}
    assert recs["I02.industrial_value_added"].unit_raw == "万元"  # from '工业增加值（万元）'
    assert recs["I02"].unit_raw == "万元/人"                      # wrapped onto the label's second line
    assert recs["I02"].match_score == 100


def test_no_year_anywhere_sends_every_record_to_review(tmp_path):
    text = _seed_text().replace("数据基准年为2022年", "").replace("2023   年", "").replace("2019年工业", "前期工业")
    records = _ingest_text(tmp_path, text)
    assert {r.data_year for r in records} == {None}
    assert all("YEAR_UNKNOWN" in r.flags and r.needs_review for r in records)


def test_filing_date_is_the_last_source(tmp_path):
    text = _seed_text().replace("数据基准年为2022年", "").replace("2019年工业", "前期工业")
    records = _ingest_text(tmp_path, text)
    assert {r.data_year for r in records} == {2022}
    assert all(any("填报时间" in x for x in r.reasons) for r in records)


def test_two_row_header_target_remark_marks_and_minus():
    for name in ("141_two_row_changchun_auto_2018.html", "142_two_row_changchun_auto_2018.docx",
                 "142_two_row_changchun_auto_2018.pdf", "161_web_ruled_changchun_auto_2018.pdf",
                 "162_web_three_line_changchun_auto_2018.pdf", "163_web_borderless_changchun_auto_2018.pdf"):
        records = _records(name)
        recs = {(r.table_kind, r.data_year, r.indicator_id): r for r in records}
        assessment = [r for r in records if r.table_kind == "assessment"]
        # 2020年 is under 目标值; a browser prints 数值 left-aligned over its two year columns, so
        # the first is read '数值2016年' (its year is what counts)
        assert {re.sub(r"^数值", "", r.column_label) for r in assessment} == {"2016年", "2018年"}
        assert {r.data_year for r in assessment} == {2016, 2018}
        i05 = recs[("assessment", 2016, "I05")]
        assert (i05.value_raw, i05.value, i05.value_mark, i05.flags) == ("6※", 6, "※", set())
        i11 = recs[("assessment", 2016, "I11")]
        assert (i11.value_raw, i11.value, i11.value_mark) == ("0.32¹", 0.32, "¹")
        assert recs[("assessment", 2016, "I25")].value == -0.029
        assert recs[("assessment", 2018, "I25")].value == -0.006
        assert recs[("assessment", 2016, "I06")].name_mark == "a"


def test_star_after_a_number_is_a_note_unless_the_table_masks_digits(tmp_path):
    text = _seed_text().replace("\t11\n", "\t11*\n", 1)  # I05
    recs = {r.indicator_id: r for r in _ingest_text(tmp_path, text)}
    assert recs["I05"].value == 11 and recs["I05"].value_mark == "*" and not recs["I05"].needs_review
    masked = _seed_text("004_ab0b14322d25fbd5")
    assert "| ** |" in masked
    recs = {r.indicator_id: r for r in _ingest_text(tmp_path, masked, "masked.txt")}
    assert all(r.value is None for r in recs.values() if "*" in r.value_raw)


@pytest.mark.parametrize("raw, number, mark, multiplier", [
    ("8※", 8, "※", 1), ("15.12¹", 15.12, "¹", 1), ("15.12ᵃ", 15.12, "ᵃ", 1), ("85.64a", 85.64, "a", 1),
    ("21.73万", 21.73, "", 1e4), ("1.2亿", 1.2, "", 1e8), ("\u22120.029", -0.029, "", 1), ("－9.97", -9.97, "", 1),
])
def test_parse_marks_and_multipliers(raw, number, mark, multiplier):
    v = numbers.parse(raw)
    assert (v.kind, v.number, v.mark, v.multiplier) == ("number", pytest.approx(number), mark, multiplier)


def test_parse_unit_after_thousands():
    v = numbers.parse("3,887万元")
    assert (v.number, v.unit, v.multiplier) == (3887, "万元", 1)


def test_a_year_column_after_the_filing_year_holds_targets(tmp_path):
    """'2020年' in a report filed in 2019 (填报时间：2019年5月19日) cannot hold data yet."""
    text = _seed_text("002_4a25218a541a50f3").replace("\t2016年\t2018年", "\t2016年\t2020年")
    records = _ingest_text(tmp_path, text)
    assert {r.data_year for r in records if r.table_kind == "assessment"} == {2016}
    assert not any(r.column_label == "2020年" for r in records)
