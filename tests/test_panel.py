"""The panel: one value per park × year × indicator, the most trustworthy one."""
from __future__ import annotations

import pandas as pd

from ecopark.panel import panel_rows, write_panel
from ecopark.parks import canonical, unify
from seed_tables import make


def _rec(park, year, indicator_id, raw, source, table_kind="assessment"):
    r = make(indicator_id, raw, year, table_kind=table_kind, source_file=source)
    r.park_name = park
    r.record_key = f"{source}|{table_kind}|{indicator_id}|{year}年|0"
    return r


def test_short_and_long_park_names():
    assert canonical("长春经开区") == "长春经济技术开发区"
    assert canonical("长春 经济技术开发区") == "长春经济技术开发区"
    assert canonical("西安高新区") == "西安高新技术产业开发区"
    assert canonical("长春汽车经济技术开发区") != canonical("长春经济技术开发区")
    assert canonical("武进经发区") == "武进经济开发区" != canonical("武进经济技术开发区")


def test_province_prefix_dropped_only_when_the_short_name_is_seen():
    names = unify(["江苏武进经济开发区", "武进经发区", "吉林经济技术开发区"])
    assert names["江苏武进经济开发区"] == names["武进经发区"] == "江苏武进经济开发区"
    assert names["吉林经济技术开发区"] == "吉林经济技术开发区"


def test_one_row_per_park_year_indicator_across_reports():
    """002 prints 2016 and 2018 columns; a 2017 report of the same park repeats 2016 (人均工业增加值 32.19)."""
    records = [
        _rec("长春汽车经济技术开发区", 2016, "I02", "32.19", "002.txt"),
        _rec("长春汽车经开区", 2016, "I02", "32.19", "2017report.txt"),
        _rec("长春汽车经济技术开发区", 2018, "I02", "39.01", "002.txt"),
        _rec("长春经济技术开发区", 2018, "I02", "56.50", "000.txt"),
    ]
    rows = panel_rows(records)
    keys = [(r["park"], r["data_year"], r["indicator_id"]) for r in rows]
    assert len(keys) == len(set(keys)) == 3
    merged = next(r for r in rows if r["data_year"] == 2016)
    assert merged["candidates"] == 2 and merged["other_values"] == ""


def test_reviewed_then_unflagged_then_assessment():
    flagged = _rec("P经开区", 2018, "I01", "39.31", "a.txt")
    flagged.flag("INCONSISTENT", "34.97 expected")
    compliance = _rec("P经开区", 2018, "I01", "34.97", "a.txt", table_kind="compliance")
    assert panel_rows([flagged, compliance])[0]["record_key"] == compliance.record_key

    flagged.reviewed, flagged.decision = True, "accept"
    assert panel_rows([flagged, compliance])[0]["record_key"] == flagged.record_key

    clean_assessment = _rec("P经开区", 2018, "I01", "34.97", "b.txt")
    assert panel_rows([compliance, clean_assessment])[0]["record_key"] == clean_assessment.record_key


def test_rejected_value_loses_to_any_value():
    rejected = _rec("P经开区", 2018, "I02", "38.34", "a.txt")
    rejected.reviewed, rejected.decision, rejected.value = True, "reject", None
    other = _rec("P经开区", 2018, "I02", "38.34", "b.txt", table_kind="compliance")
    assert panel_rows([rejected, other])[0]["record_key"] == other.record_key


def test_csv_and_parquet_hold_the_same_rows(tmp_path):
    records = [_rec("长春经开区", 2022, "I02", "56.50", "001.txt"),
               _rec("长春经开区", 2022, "I02.employees", "45928", "001.txt")]
    write_panel(records, tmp_path)
    csv_frame = pd.read_csv(tmp_path / "panel.csv")
    parquet = pd.read_parquet(tmp_path / "panel.parquet")
    assert list(csv_frame.columns)[:9] == ["park", "data_year", "indicator_id", "value", "value_text", "unit",
                                           "source_file", "record_key", "reviewed"]
    assert csv_frame["value"].tolist() == parquet["value"].tolist() == [45928.0, 56.5]  # catalogue order
    assert set(parquet["park"]) == {"长春经济技术开发区"}
