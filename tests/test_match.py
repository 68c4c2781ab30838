import pytest

from ecopark.normalize.match import FUZZY_ACCEPT, match, normalize_label


@pytest.mark.parametrize("label,expected", [
    ("人均工业增加值", "I02"),
    ("工业园内企事业单位发生特别重大、重大突发环境事件数量", "I19"),
    ("工业园区内企事业单位发生特别重大、重大突发环境事件数量", "I19"),
    ("工业固体废物综合利用率a", "I06"),
    ("工业固体废物综合利用率ᵃ", "I06"),
    ("工业固体废物综合利用率¹", "I06"),              # a superscript digit, not the digit 1
    ("工業固體廢物綜合利用率ᵃ", "I06"),              # traditional characters
    ("再生水（中水）回用率※", "I16"),
    ("工业固体废物综合利用率 ^a", "I06"),
    ("再生资源循环利用率 b", "I07"),
    ("高新技术企业工业总产值 占园区工业总产值比例", "I01"),
    ("再生水(中水)回用率", "I16"),
    ("再生水（中水）回用率", "I16"),
    ("园区再生水（中水）回用量", "I16.reclaimed_water_reused"),
    ("2019年工业增加值", "I03.iva_three_years_earlier"),
    ("2015年 工业用地面积", "I09.industrial_land_area_three_years_earlier"),
    ("****年工业增加值", "I03.iva_three_years_earlier"),
    ("SO₂排放量", "I25.so2"),
    ("二氧化硫排放量", "I25.so2"),
    ("单位工业增加值 二氧化碳 排放量年均削减率", "I26"),
    ("*氧化碳排放量", "I26.co2_emissions"),
    ("规划基准年*氧化碳排放量", "I26.co2_emissions_base_year"),
    ("园区工业增加值*年年均增长率", "I03"),
])
def test_label_variants(label, expected):
    assert match(label).entry.id == expected


def test_markup_is_removed_by_the_readers_not_by_the_matcher():
    from ecopark.extract import markup

    assert match(markup.clean("工业固体废物综合利用率 <sup>a</sup>")).entry.id == "I06"


@pytest.mark.parametrize("label, mark", [("工业固体废物综合利用率ᵃ", "ᵃ"), ("再生资源循环利用率 b", "b"),
                                         ("单位工业增加值综合能耗¹", "¹"), ("人均工业增加值", "")])
def test_footnote_mark_is_kept_apart(label, mark):
    assert normalize_label(label).mark == mark


def test_year_in_label_is_kept():
    label = normalize_label("2019年工业增加值")
    assert label.year == 2019 and label.text == "{year}年工业增加值"


def test_masked_emissions_resolved_by_order():
    used = set()
    ids = []
    for label in ["***排放量", "氨氮排放量", "***排放量", "氮氧化物排放量"]:
        m = match(label, number="**", requirement="-", assessed="-", used=used)
        used.add(m.entry.id)
        ids.append(m.entry.id)
    assert ids == ["I25.cod", "I25.ammonia_nitrogen", "I25.so2", "I25.nox"]


def test_masked_number_narrows_candidates():
    assert match("***排放量", number="**", requirement="-", assessed="-").entry.id == "I25.cod"


def test_unit_and_kind_break_ties_for_ocr_slips():
    # one character off both the indicator (…利用率, %) and the component (…利用量, 吨)
    slipped = "工业固休废物综合利用率"
    assert match(slipped, unit="%", requirement="≥70", assessed="是").entry.id == "I06"
    assert match("工业固休废物综合利用量", unit="吨", requirement="-", assessed="-").entry.id == \
        "I06.solid_waste_utilized"


def test_fuzzy_match_reports_a_score():
    m = match("单位工业增加值综合能源消耗量")
    assert m.entry.id == "I11" and m.how == "fuzzy" and m.score < 100


def test_unrelated_label_is_unmatched():
    m = match("园区年度财政收入总额")
    assert m.entry is None and m.score < FUZZY_ACCEPT


def test_compliance_tables_hold_indicators_only():
    m = match("工业增加值", indicators_only=True)
    assert m.entry is None or m.entry.kind == "indicator"



def _rows_cut_by_a_page_break():
    """(row, 序号, the label's first part, its rest) for each row of the source PDF that a page break
    cuts inside its label: the last row of a page keeps the value, the next page's first body row
    holds only the rest of the label (the table is ruled, so pdfplumber reads it as printed)."""
    from pathlib import Path

    import pdfplumber

    pdf_path = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "003_wujin_2018.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        pages = [[r for t in p.extract_tables() for r in t] for p in pdf.pages]
    for page, following in zip(pages, pages[1:]):
        rest = [r for r in following if r[0] == "" and r[2] and not r[1] and not r[-1]]
        numbers = [r[1] for r in page if r[1] and r[1].isdigit()]
        if rest and page[-1][-1] and numbers:
            yield page[-1], numbers[-1], "".join(page[-1][2].split()), "".join(rest[0][2].split())


def test_label_cut_by_a_page_break_matched_by_its_opening_words():
    """Only the label's first line shows above the break, too short for a fuzzy ratio; 序号 (carried
    over from the block), unit and kind leave one entry it opens, and the match stays a low one."""
    cut = list(_rows_cut_by_a_page_break())
    assert len(cut) >= 2, "the fixture has page breaks inside an indicator's and a component's label"
    for row, number, head, rest in cut:
        hints = dict(number=number, unit=row[3], requirement=row[4], assessed=row[5])
        whole = match(head + rest, **hints)
        assert whole.how == "exact"
        got = match(head, **hints)
        assert (got.entry.id, got.how) == (whole.entry.id, "prefix")
        assert got.score < FUZZY_ACCEPT
        # with a 序号 that no entry it opens carries, the opening words decide nothing
        assert match(head, **{**hints, "number": "30"}).how != "prefix"
