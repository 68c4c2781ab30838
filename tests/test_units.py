"""Units printed differently from the catalogue are converted and flagged."""
from pathlib import Path

import pytest

from ecopark.ingest import ingest_file

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "text" / "001_98bb576f2842cd57.txt"


def _ingest(tmp_path, text):
    path = tmp_path / "variant.txt"
    path.write_text(text, encoding="utf-8")
    result = ingest_file(path, tmp_path)
    return {r.indicator_id: r for r in result.records}


def test_value_in_other_unit_is_converted(tmp_path):
    # the seed prints 工业增加值 2595000 万元; the same amount in 亿元 is 259.5
    text = SEED.read_text(encoding="utf-8").replace("\t工业增加值\n\t万元\n\t-\n\t-\n\t2595000",
                                                    "\t工业增加值\n\t亿元\n\t-\n\t-\n\t259.5")
    rec = _ingest(tmp_path, text)["I02.industrial_value_added"]
    assert rec.value == pytest.approx(2595000) and rec.unit == "万元"
    assert "UNIT_CONVERTED" in rec.flags and not rec.needs_review


def test_unconvertible_unit_is_flagged_not_guessed(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("\t工业增加值\n\t万元\n", "\t工业增加值\n\t美元\n")
    rec = _ingest(tmp_path, text)["I02.industrial_value_added"]
    assert "UNIT_UNKNOWN" in rec.flags and rec.needs_review


def test_missing_only_flagged_when_assessed():
    result = ingest_file(SEED.with_name("003_b52cdd33f1ff9352.txt"))
    slashes = [r for r in result.records if r.value_raw.strip() == "/"]
    assert slashes and all(r.assessed in ("", "no") and not r.flags for r in slashes)


def test_unit_inside_the_value_cell_is_converted(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("\t2595000\n", "\t259.5亿元\n")
    rec = _ingest(tmp_path, text)["I02.industrial_value_added"]
    assert rec.value == pytest.approx(2595000) and "UNIT_CONVERTED" in rec.flags


def test_year_from_file_name_when_none_is_printed(tmp_path):
    # label years ("2019年工业增加值") come before the file name: take them out too
    text = SEED.read_text(encoding="utf-8").replace("数据基准年为2022年", "").replace("2023   年", "") \
        .replace("2019年工业", "前期工业")
    path = tmp_path / "长春经开区2021年度评价报告.txt"
    path.write_text(text, encoding="utf-8")
    records = ingest_file(path, tmp_path).records
    assert {r.data_year for r in records} == {2021}
    assert all("YEAR_INFERRED" in r.flags for r in records)
