import pytest

from ecopark.normalize.numbers import is_category, parse, yes_no


@pytest.mark.parametrize("raw,number,decimals", [
    ("56.50", 56.5, 2),
    ("21%", 21.0, 0),
    ("２５９５０００", 2595000.0, 0),      # full-width digits
    ("６３７１８３．３", 637183.3, 1),     # full-width dot
    ("2,595,000", 2595000.0, 0),          # thousands separators
    ("2 595 000", 2595000.0, 0),          # spaces
    (" 100.00 ", 100.0, 2),
    ("-9.97", -9.97, 2),
    ("−0.029", -0.029, 3),                # minus sign
    ("0", 0.0, 0),
])
def test_numbers(raw, number, decimals):
    v = parse(raw)
    assert v.kind == "number" and v.number == pytest.approx(number) and v.decimals == decimals


@pytest.mark.parametrize("raw", ["-", "/", "—", "——", "–", "", "  "])
def test_missing_marks(raw):
    assert parse(raw).kind in ("missing", "empty") and parse(raw).number is None


@pytest.mark.parametrize("raw,digits", [("**.**", 4), ("*******", 7), ("-*.*%", 2), ("*", 1)])
def test_masked_keeps_count(raw, digits):
    v = parse(raw)
    assert v.kind == "masked" and v.masked_digits == digits and v.number is None


@pytest.mark.parametrize("raw", ["-0.4.85", "2..0", "1O.5", "12.3.4%", "l5"])
def test_malformed_is_never_a_number(raw):
    v = parse(raw)
    assert v.kind == "malformed" and v.number is None


@pytest.mark.parametrize("raw", ["达标", "全部完成", "完成", "具备"])
def test_categories(raw):
    assert is_category(parse(raw))


def test_other_text_is_text_not_category():
    v = parse("见附件")
    assert v.kind == "text" and not is_category(v)


def test_yes_no():
    assert [yes_no(x) for x in ["是", "否", "必选", "-", "", " 是 "]] == ["yes", "no", "mandatory", "", "", "yes"]


def test_scientific_notation_from_spreadsheets():
    v = parse("2.595E+06")
    assert v.kind == "number" and v.number == pytest.approx(2595000)


def test_unit_printed_in_the_value_cell():
    v = parse("259.5亿元")
    assert v.kind == "number" and v.number == pytest.approx(259.5) and v.unit == "亿元"
    assert parse("3号文件").kind == "text"
