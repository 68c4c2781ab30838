"""Requirements as printed in the seeds, computed compliance, and self-contradicting reports."""
from __future__ import annotations

from pathlib import Path

import pytest

from ecopark.normalize.compliance import check_compliance
from ecopark.normalize.metadata import region_of
from ecopark.normalize.requirements import judge, parse
from seed_tables import SEED_001, SEED_001_ASSESSED, Facts, make, records

ELASTICITY_001 = "当园区工业增加值建设期年均增长率>0，≤0.6 当园区工业增加值建设期年均增长率<0，≥0.6"
ELASTICITY_003 = "当园区工业增加值建设期年均增长率＞0，≤0.55；\n当园区工业增加值建设期年均增长率＜0，≥0.55"
REGIONAL_003 = "缺水城市达到20%以上，京津冀区域达到30%以上，其他地区达到10%以上"


@pytest.mark.parametrize("text, kind, threshold", [
    ("≥30 ", "ge", 30), ("≥ 15", "ge", 15), ("≤0.1", "le", 0.1), ("≤ 0.5", "le", 0.5),
    ("0", "eq", 0), ("100", "eq", 100), (ELASTICITY_001, "elasticity", 0.6),
    (ELASTICITY_003, "elasticity", 0.55),
    ("当园区工业增加值建设期年均增长率 >0 , ≤ 0.3 当园区工业增加值建设期年均增长率 <0 , ≥ 0.3", "elasticity", 0.3),
])
def test_printed_requirements_of_the_seeds(text, kind, threshold):
    req = parse(text)
    assert (req.kind, req.threshold) == (kind, threshold)


def test_text_and_regional_requirements():
    assert parse("全部完成").text == "全部完成"
    assert parse("具备").kind == "text"
    assert parse(REGIONAL_003).regional == {"water_scarce": 20, "jingjinji": 30, "other": 10}
    assert parse("缺水城市达到20%以上 京津冀区域达到30%以上 其他地区达到10%以上").regional["other"] == 10


@pytest.mark.parametrize("masked", ["≥**", "当园区工业增加值建设期年均增长率&**;*,≥*.*", "-", ""])
def test_masked_or_empty_requirements_are_not_parsed(masked):
    assert parse(masked) is None


def test_elasticity_rule_turns_on_the_sign_of_value_added_growth():
    rule = parse(ELASTICITY_001)
    assert judge(rule, -3.00, iva_growth=0.375).compliant == "yes"   # 001: I13 -3.00, value added grew
    assert judge(rule, 0.16, iva_growth=-0.1).compliant == "no"
    assert judge(rule, 0.8, iva_growth=-0.1).compliant == "yes"
    unknown = judge(rule, 0.16)
    assert unknown.compliant == "yes" and "assumed positive" in unknown.assumption


def test_regional_rule_uses_the_loosest_when_the_region_is_unknown():
    rule = parse(REGIONAL_003)
    assert judge(rule, 10.74).compliant == "yes"            # 002 (2016): 10.74
    assert "loosest" in judge(rule, 10.74).assumption
    assert judge(rule, 2.27).compliant == "no"              # 002 (2018): 2.27 fails everywhere
    assert judge(rule, 2.27).assumption == ""
    assert judge(rule, 25, region="jingjinji").compliant == "no"


def test_region_from_the_park_name():
    assert region_of(Facts(park_name="天津经济技术开发区")) == "jingjinji"
    assert region_of(Facts(park_name="长春经济技术开发区")) is None
    assert region_of(Facts("通信地址\t河北省廊坊市经济技术开发区", park_name="某园区")) == "jingjinji"
    assert region_of(Facts("通信地址\t长春市北京大街 6188 号", park_name="某园区")) is None


def test_seed_001_assessed_indicators_all_comply():
    recs = records(SEED_001, 2022, SEED_001_ASSESSED)
    check_compliance(recs, Facts("", 2022))
    computed = {r.indicator_id: r.compliant_computed for r in recs if r.assessed in ("yes", "mandatory")}
    assert computed["I02"] == computed["I13"] == computed["I29"] == computed["I17"] == "yes"
    assert computed["I10"] == ""   # -0.4.85 is no number
    assert not any(r.flags - {"MALFORMED"} for r in recs)


def _compliance_row(indicator_id, reported, assessed, year=2018, raw=""):
    r = make(indicator_id, raw, year, table_kind="compliance", assessed=assessed)
    r.compliant_reported = reported
    return r


def test_reported_compliance_checked_against_the_assessment_value():
    """002: 单位工业用地面积工业增加值三年年均增长率 6.30 (≥6): 是 is right, 否 would not be."""
    right = [make("I09", "6.30", 2018, assessed="no"), _compliance_row("I09", "yes", "no")]
    check_compliance(right, Facts())
    assert right[1].compliant_computed == "yes" and not right[1].flags
    wrong = [make("I02", "39.01", 2018, assessed="yes"), _compliance_row("I02", "no", "yes")]
    check_compliance(wrong, Facts())
    assert "COMPLIANCE_MISMATCH" in wrong[1].flags
    assert "39.01 meets ≥15" in wrong[1].reasons[0]


def test_tables_disagree_on_assessed():
    """004: 单位工业增加值废水排放量 is 是 in the 对照考核表 and 否 in the 达标情况 table."""
    recs = [make("I27", "0.85", 2018, assessed="yes"), _compliance_row("I27", "", "no", raw="-")]
    recs[1].value_raw = "-"
    check_compliance(recs, Facts())
    assert all("TABLES_DISAGREE" in r.flags for r in recs)


def test_tables_disagree_on_value_but_not_on_printing():
    same = [make("I06", "85.64", 2022, assessed="yes"), _compliance_row("I06", "yes", "yes", 2022, "85.6")]
    check_compliance(same, Facts())
    assert not any("TABLES_DISAGREE" in r.flags for r in same)
    differ = [make("I06", "85.64", 2022, assessed="yes"), _compliance_row("I06", "yes", "yes", 2022, "58.64")]
    check_compliance(differ, Facts())
    assert all("TABLES_DISAGREE" in r.flags for r in differ)


def test_a_differing_printed_requirement_is_noted_not_used():
    r = make("I01", "0.24", 2018, assessed="yes")
    r.requirement_raw = "≥20"
    check_compliance([r], Facts())
    assert "REQUIREMENT_DIFFERS" in r.flags and not r.needs_review
    assert r.compliant_computed == "no"


def test_catalogue_spellings_do_not_count_as_differing():
    r = make("I13", "-3.00", 2022, assessed="mandatory")
    r.requirement_raw = "当园区工业增加值建设期年均增长率>0，≤0.55\n当园区工业增加值建设期年均增长率<0，≥0.55"
    r2 = make("I16", "2.27", 2018, assessed="no")
    r2.requirement_raw = REGIONAL_003
    check_compliance([r, r2], Facts())
    assert "REQUIREMENT_DIFFERS" not in r.flags | r2.flags


# ---------------------------------------------------------------- the seeds through the whole pipeline

SEED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "text"


def _ingested(name):
    from ecopark.ingest import ingest_file

    if not (SEED_DIR / name).exists():
        pytest.skip("seed fixtures not present")
    return ingest_file(SEED_DIR / name, SEED_DIR).records


def test_pipeline_seed_002_reports_compliance_its_values_bear_out():
    recs = _ingested("002_4a25218a541a50f3.txt")
    reported = [r for r in recs if r.table_kind == "compliance" and r.compliant_reported]
    assert len(reported) == 32
    assert not any("COMPLIANCE_MISMATCH" in r.flags or "TABLES_DISAGREE" in r.flags for r in recs)
    i09 = next(r for r in reported if r.indicator_id == "I09")          # 6.30 ≥ 6, 是
    assert (i09.compliant_reported, i09.compliant_computed) == ("yes", "yes")
    i28 = next(r for r in reported if r.indicator_id == "I28")          # 0.17 > 0.1, 否
    assert (i28.compliant_reported, i28.compliant_computed) == ("no", "no")


def test_pipeline_seed_004_tables_disagree_only_on_i27():
    recs = _ingested("004_ab0b14322d25fbd5.txt")
    disagreeing = {(r.indicator_id, r.table_kind) for r in recs if "TABLES_DISAGREE" in r.flags}
    assert disagreeing == {("I27", "assessment"), ("I27", "compliance")}


def test_a_regional_rule_printed_in_part_is_not_a_different_requirement():
    r = make("I16", "2.27", 2018, assessed="no")
    r.requirement_raw = "缺水城市达到20%以上"          # 001 prints the rule over three rows
    check_compliance([r], Facts())
    assert "REQUIREMENT_DIFFERS" not in r.flags
    r.requirement_raw = "缺水城市达到25%以上"
    check_compliance([r], Facts())
    assert "REQUIREMENT_DIFFERS" in r.flags


def test_a_compliance_cell_that_says_neither_yes_nor_no_is_flagged():
    """A 是否达标 cell OCR read as a glyph of the label beside it ('量' for 是): read as nothing it
    would look unprinted, with no flag; it is COMPLIANT_TEXT and goes to review. 是, 否 and a dash
    are no doubt."""
    from ecopark.normalize.pipeline import read_document
    from ecopark.schemas.grid import Cell, Document, Row, Table

    def row(*texts):
        return Row([Cell(t) for t in texts])

    table = Table([row("序号", "指标", "单位", "要求", "是否为考核指标", "是否达标"),
                   row("19", "工业园区内企事业单位发生特别重大、重大突发环境事件数量", "—", "0", "必选", "量"),
                   row("20", "环境管理能力完善度", "%", "100", "必选", "是"),
                   row("21", "工业园区重点企业清洁生产审核实施率", "%", "100", "必选", "-")])
    records = {r.indicator_id: r for r in read_document(Document("x.docx", "docx", "docx", [table]), "x.docx").records}
    assert "COMPLIANT_TEXT" in records["I19"].flags and records["I19"].needs_review
    assert not {"COMPLIANT_TEXT"} & (records["I20"].flags | records["I21"].flags)
