"""The panel: one reading per park × year × indicator, the most trustworthy one, and why."""
from __future__ import annotations

import pandas as pd

from ecopark.normalize.across import check_across
from ecopark.panel import build, panel_rows, park_ids, write_panel
from ecopark.parks import canonical, unify
from seed_tables import make


def _rec(park, year, indicator_id, raw, source, table_kind="assessment"):
    r = make(indicator_id, raw, year, table_kind=table_kind, source_file=source)
    r.park_name = park
    r.record_key = f"{source}|{table_kind}|{indicator_id}|{year}年|0"
    return r


def _dated(records):
    return panel_rows(records)[0]


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


def test_aliases_listed_in_parks_csv():
    """schemas/data/parks.csv: 汽开区 is what 002 calls 长春汽车经济技术开发区; 武进经发区 is
    listed too, so it finds its park without the long form being in the same batch."""
    names = unify(["汽开区", "武进经发区", "长春经开区"])
    assert names == {"汽开区": "长春汽车经济技术开发区", "武进经发区": "江苏武进经济开发区",
                     "长春经开区": "长春经济技术开发区"}


def test_one_row_per_park_year_indicator_across_reports():
    """002 prints 2016 and 2018 columns; a 2017 report of the same park repeats 2016 (人均工业增加值 32.19)."""
    records = [
        _rec("长春汽车经济技术开发区", 2016, "I02", "32.19", "002.txt"),
        _rec("长春汽车经开区", 2016, "I02", "32.19", "2017report.txt"),
        _rec("长春汽车经济技术开发区", 2018, "I02", "39.01", "002.txt"),
        _rec("长春经济技术开发区", 2018, "I02", "56.50", "000.txt"),
    ]
    rows = _dated(records)
    keys = [(r["park_id"], r["data_year"], r["indicator_id"]) for r in rows]
    assert len(keys) == len(set(keys)) == 3
    merged = next(r for r in rows if r["data_year"] == 2016)
    assert merged["readings"] == 2 and merged["readings_agree"] and merged["other_values"] == ""
    assert merged["park_names_printed"] == "长春汽车经开区; 长春汽车经济技术开发区"
    assert merged["indicator_zh"] == "人均工业增加值" and merged["unit"] == "万元/人"
    assert merged["indicator_en"] and merged["category"] == "经济发展" and merged["requirement"] == "≥15"


def test_reviewed_then_unflagged_then_assessment():
    flagged = _rec("P经开区", 2018, "I01", "39.31", "a.txt")
    flagged.flag("INCONSISTENT", "34.97 expected")
    compliance = _rec("P经开区", 2018, "I01", "34.97", "a.txt", table_kind="compliance")
    row = _dated([flagged, compliance])[0]
    assert row["record_key"] == compliance.record_key and row["chosen_because"] == "clean"
    assert not row["readings_agree"] and row["other_values"] == "39.31 (a.txt, assessment)"

    flagged.reviewed, flagged.decision = True, "accept"
    row = _dated([flagged, compliance])[0]
    assert row["record_key"] == flagged.record_key and row["chosen_because"] == "reviewed"

    clean_assessment = _rec("P经开区", 2018, "I01", "34.97", "b.txt")
    assert _dated([compliance, clean_assessment])[0]["record_key"] == clean_assessment.record_key


def test_a_flagged_reading_wins_only_visibly():
    only = _rec("P经开区", 2018, "I01", "39.31", "a.txt")
    only.flag("INCONSISTENT", "34.97 expected")
    row = _dated([only])[0]
    assert row["chosen_because"] == "flagged" and row["needs_review"] and row["flag_codes"] == "INCONSISTENT"


def test_rejected_value_loses_to_any_value():
    rejected = _rec("P经开区", 2018, "I02", "38.34", "a.txt")
    rejected.reviewed, rejected.decision, rejected.value = True, "reject", None
    other = _rec("P经开区", 2018, "I02", "38.43", "b.txt", table_kind="compliance")
    row = _dated([rejected, other])[0]
    assert row["record_key"] == other.record_key and row["rejected"] == 1 and row["value"] == 38.43


def test_rejecting_one_copy_rejects_the_value_not_the_cell():
    """Both tables of a report print 38.34; a person rejects the assessment table's. The other,
    still flagged, copy of the same printed value must not win silently."""
    rejected = _rec("P经开区", 2018, "I02", "38.34", "a.txt")
    rejected.flag("TABLES_DISAGREE", "assessed differs")
    rejected.reviewed, rejected.decision, rejected.value = True, "reject", None
    copy = _rec("P经开区", 2018, "I02", "38.34", "a.txt", table_kind="compliance")
    copy.flag("TABLES_DISAGREE", "assessed differs")
    row = _dated([rejected, copy])[0]
    assert row["chosen_because"] == "rejected" and row["rejected"] == 2
    assert pd.isna(row["value"]) and not row["needs_review"]
    assert row["other_values"] == "38.34 (a.txt, compliance)"


def test_compliance_as_reported_comes_from_the_compliance_table():
    value = _rec("P经开区", 2018, "I02", "38.34", "a.txt")
    value.compliant_computed, value.assessed = "yes", "yes"
    verdict = _rec("P经开区", 2018, "I02", "", "a.txt", table_kind="compliance")
    verdict.compliant_reported = "yes"
    row = _dated([value, verdict])[0]
    assert row["table_kind"] == "assessment" and row["value"] == 38.34
    assert (row["compliant_reported"], row["compliant_computed"], row["assessed"]) == ("yes", "yes", "yes")


def test_masked_years_are_kept_apart_and_keys_stay_unique():
    """004 masks its years: its readings cannot be placed on a time axis, so they are listed per
    report in panel_undated instead of giving the panel two rows with an empty year."""
    a = _rec("张家港经济技术开发区", None, "I02", "4*.1", "004.txt")
    b = _rec("张家港经济技术开发区", None, "I02", "40.1", "004b.txt")
    dated = _rec("张家港经济技术开发区", 2020, "I02", "40.1", "other.txt")
    panel = build([a, b, dated])
    assert panel.long.set_index(["park_id", "data_year", "indicator_id"]).index.is_unique
    assert len(panel.long) == 1 and panel.long["data_year"].tolist() == [2020]
    assert sorted(panel.undated["source_file"]) == ["004.txt", "004b.txt"]
    assert panel.undated["data_year"].isna().all()


def test_reports_without_a_park_are_not_merged_and_are_flagged():
    a = _rec("", 2018, "I02", "38.34", "a.txt")
    b = _rec("", 2018, "I02", "12.00", "b.txt")
    check_across([a, b], park_ids([a, b]))
    assert "PARK_UNKNOWN" in a.flags and "PARK_UNKNOWN" in b.flags
    assert "REPORTS_DISAGREE" not in a.flags
    assert sorted(r["park_id"] for r in _dated([a, b])) == ["unknown:a.txt", "unknown:b.txt"]


def test_same_year_in_two_reports_must_agree():
    """A 2019 report printing 2018 in a second column must agree with the 2018 report."""
    own = _rec("长春汽车经济技术开发区", 2018, "I02", "39.01", "2018.txt")
    later = _rec("长春汽车经开区", 2018, "I02", "39.10", "2019.txt")
    same = _rec("长春汽车经济技术开发区", 2018, "I05", "6", "2018.txt")
    same_later = _rec("长春汽车经开区", 2018, "I05", "6", "2019.txt")
    records = [own, later, same, same_later]
    assert check_across(records, park_ids(records)) == 2
    assert own.needs_review and later.needs_review and not same.flags and not same_later.flags
    assert "REPORTS_DISAGREE: 2018 value 39.01 here; 39.10 in 2019.txt (assessment)" in own.reasons
    check_across(records, park_ids(records))   # rebuilt outputs: the same flag, not a second reason
    assert sum("REPORTS_DISAGREE" in r for r in own.reasons) == 1
    within_rounding = _rec("长春汽车经开区", 2018, "I02", "39.0", "2020.txt")
    assert check_across([own, within_rounding], park_ids([own, within_rounding])) == 0


def test_wide_has_one_row_per_park_year_and_one_column_per_indicator():
    records = [_rec("长春经开区", 2022, "I02", "56.50", "001.txt"),
               _rec("长春经开区", 2022, "I02.employees", "45928", "001.txt"),
               _rec("长春经开区", 2018, "I02", "50.1", "000.txt"),
               _rec("长春经开区", 2018, "I30", "具备", "000.txt")]
    wide = build(records).wide
    assert list(wide.columns) == ["park_id", "data_year", "I02.employees", "I02", "I30"]
    assert wide.set_index(["park_id", "data_year"]).index.is_unique and len(wide) == 2
    row = wide[wide["data_year"] == 2022].iloc[0]
    assert row["I02"] == 56.5 and row["I02.employees"] == 45928 and pd.isna(row["I30"])
    assert wide.loc[wide["data_year"] == 2018, "I30"].tolist() == ["具备"]


def test_csv_and_parquet_hold_the_same_rows(tmp_path):
    records = [_rec("长春经开区", 2022, "I02", "56.50", "001.txt"),
               _rec("长春经开区", 2022, "I02.employees", "45928", "001.txt")]
    write_panel(records, tmp_path)
    csv_frame = pd.read_csv(tmp_path / "panel.csv", encoding="utf-8-sig")
    parquet = pd.read_parquet(tmp_path / "panel.parquet")
    assert list(csv_frame.columns)[:3] == ["park_id", "data_year", "indicator_id"]
    assert csv_frame["value"].tolist() == parquet["value"].tolist() == [45928.0, 56.5]  # catalogue order
    assert set(parquet["park_id"]) == {"长春经济技术开发区"}
    assert parquet["needs_review"].dtype == bool and parquet["readings_agree"].dtype == bool
    assert set(pd.read_csv(tmp_path / "panel.csv", dtype=str, encoding="utf-8-sig")["needs_review"]) == {"false"}
    assert (tmp_path / "panel_wide.parquet").is_file() and (tmp_path / "panel_undated.csv").is_file()
