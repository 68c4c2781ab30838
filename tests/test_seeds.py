"""Every seed table, row by row, against values read off the seed documents.

tests/expected/<seed>.csv were transcribed from the seed text (one row per value
cell, ids in the order the tables print them, which is the catalogue's order),
not produced by ecopark.
"""
import csv
import re
from pathlib import Path

import pytest

from ecopark.ingest import ingest_file

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "fixtures" / "text"
EXPECTED = ROOT / "tests" / "expected"
SEEDS = sorted(p.stem for p in EXPECTED.glob("*.csv"))


def _records(stem):
    path = TEXT / f"{stem}.txt"
    result = ingest_file(path, TEXT)
    assert result.status == "ok", result.error
    return result.records


def _by_key(records):
    return {(r.table_kind, r.data_year, r.indicator_id): r for r in records}


def _expected(stem):
    with open(EXPECTED / f"{stem}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("stem", SEEDS)
def test_every_row_of_every_table(stem):
    records = _records(stem)
    expected = _expected(stem)
    assert len(records) == len(expected)
    got = [(r.table_kind, r.data_year, r.indicator_id, r.value_raw.strip()) for r in records]
    want = [(e["table_kind"], int(e["data_year"]) if e["data_year"] else None, e["indicator_id"],
             e["value_raw"].strip()) for e in expected]
    assert got == want
    for rec, exp in zip(records, expected):
        printed = re.sub(r"</?sup>", "", exp["name_raw"])  # readers drop markup, keep the letter
        assert "".join(rec.name_raw.split()) == "".join(printed.split())
        if exp["value"]:
            assert rec.value == pytest.approx(float(exp["value"])), rec.record_key
        elif rec.value is not None:
            pytest.fail(f"{rec.record_key}: value {rec.value} from {rec.value_raw!r}")


@pytest.mark.parametrize("stem", SEEDS)
def test_assessed_and_reported_compliance(stem):
    spelled = {"是": "yes", "否": "no", "必选": "mandatory", "-": "", "": ""}
    for rec, exp in zip(_records(stem), _expected(stem)):
        if exp["assessed_raw"]:
            assert rec.assessed == spelled[exp["assessed_raw"]]
        if rec.table_kind == "compliance":
            assert rec.compliant_reported == spelled[exp["compliant_raw"]]


def test_001_malformed_elasticity_and_percent_value():
    recs = _by_key(_records("001_98bb576f2842cd57"))
    i10 = recs[("assessment", 2022, "I10")]
    assert i10.value_raw == "-0.4.85"
    assert i10.value is None and "MALFORMED" in i10.flags and i10.needs_review
    assert recs[("assessment", 2022, "I29")].value == 21
    assert recs[("assessment", 2022, "I17")].value_text == "达标"
    assert recs[("assessment", 2022, "I01")].flags == set()  # '-' on a non-assessed indicator is fine


def test_003_cut_off_last_row_and_name_variant():
    records = _records("003_b52cdd33f1ff9352")
    recs = _by_key(records)
    assert records[-1].indicator_id == "I32"
    assert {"MISSING", "TRUNCATED"} <= records[-1].flags and records[-1].value is None
    i19 = recs[("assessment", 2018, "I19")]
    assert i19.name_raw.startswith("工业园内企事业单位")
    assert recs[("assessment", 2018, "I10")].requirement_raw.count("当园区工业增加值建设期年均增长率") == 2


def test_004_masked_values_flagged_and_park_named():
    records = _records("004_ab0b14322d25fbd5")
    assert {r.park_name for r in records} == {"张家港经济技术开发区"}
    masked = [r for r in records if "*" in r.value_raw]
    assert len(masked) > 60
    for rec in masked:
        assert "MASKED" in rec.flags and rec.needs_review and rec.value is None
        assert rec.masked_digits == rec.value_raw.count("*")
    assert all(r.data_year is None and "YEAR_MASKED" in r.flags for r in records)
    emissions = [r.indicator_id for r in records if r.name_raw.endswith("***排放量")]
    assert emissions == ["I25.cod", "I25.so2", "I25.cod_base_year", "I25.so2_base_year"]


def test_002_two_year_columns_and_compliance_table():
    records = _records("002_4a25218a541a50f3")
    years = {(r.table_kind, r.data_year) for r in records}
    assert years == {("assessment", 2016), ("assessment", 2018), ("compliance", 2018)}
    assert sum(r.table_kind == "assessment" for r in records) == 64
    assert not [r for r in records if r.needs_review]


def test_locations_point_at_source_lines():
    records = _records("001_98bb576f2842cd57")
    i02 = next(r for r in records if r.indicator_id == "I02")
    line = int(i02.location.split()[-1])
    source = (TEXT / "001_98bb576f2842cd57.txt").read_text(encoding="utf-8").split("\n")
    assert source[line - 1].strip() == "56.50"
