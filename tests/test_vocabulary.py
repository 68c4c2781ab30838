"""The table vocabulary (schemas/data/vocabulary.csv) and the shared text folding."""
import pytest

from ecopark.schemas import text, vocabulary
from ecopark.schemas.catalogue import load


@pytest.mark.parametrize("header, role, year", [
    ("分类", "category", ""), ("序 号", "number", ""), ("指 标", "name", ""), ("考核指标", "name", ""),
    ("单 位", "unit", ""), ("要\u3000\u3000求", "requirement", ""), ("是否选为\n考核指标", "assessed", ""),
    ("是否为考 核指标", "assessed", ""), ("是否达 标", "compliant", ""), ("数值", "value", ""),
    ("现状值", "value", ""), ("2016年", "value", "2016"), ("2021年度", "value", "2021"),
    ("****年", "value", "****"), ("指标值（2021年）", "value", "2021"), ("2025年目标值", "target", ""),
    ("目标值", "target", ""), ("规划值", "target", ""), ("备注", "remark", ""),
    # traditional characters, as web copies print them
    ("指標", "name", ""), ("單位", "unit", ""), ("數值", "value", ""), ("是否為考核指標", "assessed", ""),
    ("是否達標", "compliant", ""),
])
def test_column_roles(header, role, year):
    assert vocabulary.column_role(header) == vocabulary.Column(role, year)


def test_unknown_header_has_no_role():
    assert vocabulary.column_role("工业增加值") is None
    assert not vocabulary.names_column("长春经济技术开发区")


def test_header_row_needs_a_name_and_three_core_columns():
    cols = vocabulary.header_columns(["分类", "序号", "指标", "单位", "要求", "是否为考核指标", "2016年",
                                      "2018年", "2025年目标值", "备注"])
    assert {i: c.role for i, c in cols.items()} == {
        0: "category", 1: "number", 2: "name", 3: "unit", 4: "requirement", 5: "assessed", 6: "value",
        7: "value", 8: "target", 9: "remark"}
    assert vocabulary.header_columns(["指标", "数值"]) is None          # name but too few core columns
    assert vocabulary.header_columns(["序号", "单位", "要求", "数值"]) is None  # no name column


def test_title_note_and_page_words():
    assert vocabulary.is_title("园区名称：长春经济技术开发区")
    assert vocabulary.is_title("续表")
    assert vocabulary.is_title("國家生態工業示範園區對照考核表")
    assert not vocabulary.is_title("工业增加值")
    assert vocabulary.is_note("注：1. 园区中某一工业行业")
    assert not vocabulary.is_note("注意事项")
    assert vocabulary.names_table("五、对照考核表")
    assert vocabulary.names_table("指 标 单位 要 求")
    assert not vocabulary.names_table("园区简介")


def test_fold_and_dashes():
    assert text.squeeze("指 标\n（万元）") == "指标(万元)"
    assert text.fold("對照考核表") == "对照考核表"
    assert text.fold("单位工业增加值新鲜水耗") == "单位工业增加值新鲜水耗"
    assert text.is_dash("—") and text.is_dash("－") and text.is_dash("/") and not text.is_dash("-1")
    assert text.minus_to_ascii("\u22120.5") == "-0.5"


@pytest.mark.parametrize("label, entry_id", [
    ("人均工业增加值", "I02"), ("2019年工业增加值", "I03.iva_three_years_earlier"),
    ("工业固体废物综合利用率a", "I06"), ("單位工業增加值新鮮水耗", "I14"),
    ("单位工业增加值新鲜水枆", "I14"),  # one character misread
])
def test_catalogue_closest(label, entry_id):
    assert load().closest(label).id == entry_id


def test_catalogue_closest_rejects_what_is_no_label():
    assert load().closest("长春") is None
    assert load().closest("园区简介及主要工作") is None
