"""Spreadsheets, OpenDocument, Strict OOXML and the office files that are no report.

The fixtures in fixtures/office/ were built from the seeds' tables by
fixtures/make_office.py; expected values come from the seeds (tests/expected/*.csv,
tests/fixture_seeds.py), never from what a reader produced.
"""
import csv
import datetime as dt
import importlib.util
import re
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ecopark import extract
from ecopark.extract.office import convert, numfmt, xls
from ecopark.extract.sniff import sniff
from ecopark.ingest import ingest_file
from ecopark.schemas.grid import Location, ReadError
from fixture_seeds import body_rows, seed_tables, squeeze

ROOT = Path(__file__).resolve().parents[1]
OFFICE = ROOT / "fixtures" / "office"
UNRELATED = OFFICE / "unrelated"
EXPECTED = ROOT / "tests" / "expected"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CALC = SOFFICE is not None and convert.lacks_component(SOFFICE, "xlsx") is None  # Debian may install Writer alone

_spec = importlib.util.spec_from_file_location("make_office", ROOT / "fixtures" / "make_office.py")
make_office = importlib.util.module_from_spec(_spec)
sys.modules["make_office"] = make_office
_spec.loader.exec_module(make_office)

SEED_OF = {"001": "001_98bb576f2842cd57", "002": "002_4a25218a541a50f3", "004": "004_ab0b14322d25fbd5"}
WORKBOOKS = ["001_changchun_2022.xlsx", "002_changchun_auto_2018.xlsx", "002_changchun_auto_2018_strict.xlsx",
             "002_changchun_auto_2018.xls", "002_changchun_auto_2018.ods", "004_zhangjiagang_masked.xlsx"]
TEXT_DOCUMENTS = ["001_changchun_2022.odt", "001_changchun_2022_strict.docx"]


def _expected(name):
    with open(EXPECTED / f"{SEED_OF[name[:3]]}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _as_printed(shown: str) -> str:
    """A spreadsheet's shown value as the seed printed it: without the thousands separators and
    the % sign the number format adds (the seed prints 87.1 in a % column, Excel shows 87.1%)."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", shown.strip()).removesuffix("%")


@pytest.mark.parametrize("name", WORKBOOKS + TEXT_DOCUMENTS)
def test_every_value_of_every_table_is_the_seeds(name):
    result = ingest_file(OFFICE / name, OFFICE)
    assert result.status == "ok", result.error
    expected = _expected(name)
    got = [(r.table_kind, r.data_year, r.indicator_id, _as_printed(r.value_raw)) for r in result.records]
    want = [(e["table_kind"], int(e["data_year"]) if e["data_year"] else None, e["indicator_id"],
             _as_printed(e["value_raw"])) for e in expected]
    assert got == want
    spelled = {"是": "yes", "否": "no", "必选": "mandatory", "-": "", "": ""}
    for rec, exp in zip(result.records, expected):
        assert squeeze(rec.name_raw) == squeeze(re.sub(r"</?sup>", "", exp["name_raw"]))
        if exp["value"]:
            assert rec.value == pytest.approx(float(exp["value"])), rec.record_key
        else:
            assert rec.value is None, rec.record_key
        if exp["assessed_raw"]:
            assert rec.assessed == spelled[exp["assessed_raw"]]
        if rec.table_kind == "compliance":
            assert rec.compliant_reported == spelled[exp["compliant_raw"]]
        assert "DISPLAY_DIFFERS" not in rec.flags  # every format here shows what the cell stores
    assert result.park_name == {"001": "长春经济技术开发区", "002": "长春汽车经济技术开发区",
                                "004": "张家港经济技术开发区"}[name[:3]]


def test_percent_cells_show_the_format_and_keep_the_stored_fraction():
    doc = extract.read(OFFICE / "002_changchun_auto_2018.xlsx")
    cells = {c.loc.describe(): c for t in doc.tables for r in t.rows for c in r.cells}
    # 高新技术企业工业总产值占园区工业总产值比例 (%), 2016 and 2018: seed prints 2.26 and 0.24
    assert (cells["考核表!G6"].text, cells["考核表!G6"].stored) == ("2.26%", "0.0226")
    assert (cells["考核表!H6"].text, cells["考核表!H6"].stored) == ("0.24%", "0.0024")
    # 人均工业增加值 (万元/人): a plain number, its printed decimals kept
    assert cells["考核表!G7"].text == "32.19"


def test_thousands_separators_are_shown_and_read_back():
    result = ingest_file(OFFICE / "001_changchun_2022.xlsx", OFFICE)
    by_id = {r.indicator_id: r for r in result.records}
    assert by_id["I02.industrial_value_added"].value_raw == "2,595,000"  # seed: 2595000
    assert by_id["I02.industrial_value_added"].value == 2595000
    assert by_id["I10"].value_raw == "-0.4.85" and "MALFORMED" in by_id["I10"].flags  # typed as text
    assert by_id["I29"].value_raw == "21%" and by_id["I29"].value == 21


def test_merged_cells_spread_like_docx_merges():
    doc = extract.read(OFFICE / "002_changchun_auto_2018.xlsx")
    assessment = doc.tables[0]
    categories = [r.texts[0] for r in assessment.rows if r.texts[0]]
    assert categories[-7:] == ["分类", "经济发展", "产业共生", "资源节约", "环境保护", "环境保护", "信息公开"]
    title = assessment.rows[1].texts
    assert title[0] == "国家生态工业示范园区对照考核表" and set(title[1:]) == {""}
    rows = body_rows(assessment)
    assert rows[1][:3] == ["经济发展", "1", "高新技术企业工业总产值占园区工业总产值比例"]
    assert rows[2][:2] == ["", "2"]  # 分类 merged down: "" in the covered cells


def test_all_tables_on_one_sheet_are_found_and_located():
    result = ingest_file(OFFICE / "002_changchun_auto_2018.xlsx", OFFICE)
    kinds = sorted({(r.table_kind, r.data_year) for r in result.records})
    assert kinds == [("assessment", 2016), ("assessment", 2018), ("compliance", 2018)]
    first = next(r for r in result.records if r.indicator_id == "I01" and r.data_year == 2016)
    assert first.location == "考核表!G6"
    compliance = [r for r in result.records if r.table_kind == "compliance"]
    assert compliance[0].location.startswith("考核表!G") and len(compliance) == 32
    doc = extract.read(OFFICE / "002_changchun_auto_2018.xlsx")
    disclosure = doc.tables[1]  # the 信息公开表 between them is a table of its own
    assert disclosure.rows[0].texts[0].startswith("附件二") and disclosure.rows[2].texts[:2] == ["园区名称", "长春汽车经济技术开发区"]


def test_tables_without_empty_rows_between_them_are_still_apart(tmp_path):
    path = make_office.build_002_xlsx(ROOT / "fixtures" / "text", tmp_path / "packed.xlsx", gap=0)
    packed = ingest_file(path, tmp_path)
    spaced = ingest_file(OFFICE / "002_changchun_auto_2018.xlsx", OFFICE)
    assert [(r.table_kind, r.data_year, r.indicator_id, r.value_raw, r.flags) for r in packed.records] == \
        [(r.table_kind, r.data_year, r.indicator_id, r.value_raw, r.flags) for r in spaced.records]


def test_every_sheet_is_read():
    result = ingest_file(OFFICE / "004_zhangjiagang_masked.xlsx", OFFICE)
    compliance = [r for r in result.records if r.table_kind == "compliance"]
    assert compliance and all(r.location.startswith("标准达标情况!") for r in compliance)
    assert all(r.location.startswith("对照考核表!") for r in result.records if r.table_kind == "assessment")
    notes = extract.read(OFFICE / "002_changchun_auto_2018.xlsx").paragraphs
    assert [p.loc.describe() for p in notes] == ["填表说明!A1", "填表说明!A2"]


def test_a_cell_showing_other_than_it_stores_is_flagged(tmp_path):
    book = openpyxl.load_workbook(OFFICE / "002_changchun_auto_2018.xlsx")
    ws = book["考核表"]
    ws["G7"].number_format = "yyyy/m/d"   # 人均工业增加值 2016: 32.19 shown as a date
    ws["H7"].number_format = "0.0,"       # 2018: 39.01 shown scaled by a thousand
    ws["G8"] = "=H8*1"                    # a formula whose result was never saved
    ws["G13"].number_format = "0.0"       # 单位工业用地面积工业增加值 2016: 27.88 shows 27.9, rounding only
    ws["H10"], ws["H10"].number_format = 0, ACCOUNTING  # 新增生态工业链项目数量 2018: 0 shown as "-"
    path = tmp_path / "formats.xlsx"
    book.save(path)
    records = {(r.indicator_id, r.data_year): r for r in ingest_file(path, tmp_path).records
               if r.table_kind == "assessment"}
    assert records[("I02", 2016)].value_raw == "1900/2/1"
    assert records[("I02", 2018)].value_raw == "0.0"
    for key in [("I02", 2016), ("I02", 2018), ("I03", 2016)]:
        assert "DISPLAY_DIFFERS" in records[key].flags and records[key].needs_review, key
    assert any("stores =H8*1" in reason for reason in records[("I03", 2016)].reasons)
    assert any("stores 39.01" in reason for reason in records[("I02", 2018)].reasons)
    dash = records[("I05", 2018)]
    assert dash.value_raw == "-" and {"DISPLAY_DIFFERS", "MISSING"} <= dash.flags
    rounded = records[("I08", 2016)]
    assert rounded.value_raw == "27.9" and rounded.value == 27.9 and "DISPLAY_DIFFERS" not in rounded.flags


def test_cells_far_apart_are_refused_by_the_table_limits_not_laid_out(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1"] = "对照考核表", "x"  # one row 16,384 columns wide
    far_down = book.create_sheet("far")
    far_down["A1"], far_down["A1048576"] = "a", "b"           # two lines a million rows apart
    book.save(tmp_path / "sparse.xlsx")
    result = ingest_file(tmp_path / "sparse.xlsx", tmp_path)
    assert result.status == "error" and "ECOPARK_TABLE_COLUMNS" in result.error
    del book["Sheet"]
    book.save(tmp_path / "far.xlsx")
    doc = extract.read(tmp_path / "far.xlsx")
    assert [(p.text, p.loc.describe()) for p in doc.paragraphs] == [("a", "far!A1"), ("b", "far!A1048576")]


@pytest.mark.parametrize("name", TEXT_DOCUMENTS)
def test_text_documents_are_the_seed_tables_cell_for_cell(name):
    doc = extract.read(OFFICE / name)
    (table,) = doc.tables
    (seed,) = seed_tables("001_changchun_2022")
    width = len(table.rows[0].cells)
    # LibreOffice drops a space at the end of a cell (the seed's "≥30 ") when it saves ODT
    read = [[t.rstrip(" ") for t in row] for row in body_rows(table)]
    assert read == [[t.rstrip(" ") for t in row] + [""] * (width - len(row)) for row in seed]
    assert table.rows[4].cells[6].loc == Location(table=1, row=5, column=7)


@pytest.mark.parametrize("name, mimetype, seed", [
    ("002_changchun_auto_2018.ods", "spreadsheet", "002"), ("001_changchun_2022.odt", "text", "001")])
def test_flat_opendocument_reads_like_the_package(tmp_path, name, mimetype, seed):
    """A .fods/.fodt is the package's content.xml as one file, its root office:document."""
    with zipfile.ZipFile(OFFICE / name) as package:
        content = package.read("content.xml").decode("utf-8")
    flat = content.replace("<office:document-content ", "<office:document office:mimetype="
                           f'"application/vnd.oasis.opendocument.{mimetype}" ', 1)
    flat = flat.replace("</office:document-content>", "</office:document>")
    path = tmp_path / ("report.f" + name[-3:])
    path.write_text(flat, encoding="utf-8")
    assert sniff(path) == name[-3:]
    records = ingest_file(path, tmp_path).records
    assert [(r.indicator_id, r.data_year, r.value_raw) for r in records] == \
        [(r.indicator_id, r.data_year, r.value_raw) for r in ingest_file(OFFICE / name, OFFICE).records]
    assert len(records) == len(_expected(seed))


def test_sheet_addresses():
    assert Location(sheet="Sheet1", row=12, column=3).describe() == "Sheet1!C12"
    assert Location(sheet="My sheet", row=1, column=28).describe() == "'My sheet'!AB1"
    assert Location(sheet="2018", row=2).describe() == "'2018' row 2"


ACCOUNTING = '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ '


@pytest.mark.parametrize("value, code, shown", [
    (0.125, "0.00%", "12.50%"), (0.871, "0.0%", "87.1%"), (0.25, "0%", "25%"),
    (1234567.891, "#,##0.00", "1,234,567.89"), (2595000, "#,##0", "2,595,000"), (0, "#,##0", "0"),
    (2.675, "0.00", "2.68"), (6.3, "0.00", "6.30"), (-0.029, "0.000", "-0.029"), (-3.456, "0.0", "-3.5"),
    (-5, "#,##0;(#,##0)", "(5)"), (0, '0.00;-0.00;"-"', "-"), (-1000, "#,##0;[Red]-#,##0", "-1,000"),
    (1234567, "0.0,,", "1.2"), (100, "0.0,", "0.1"), (12, '0"个"', "12个"), (259.5, '#,##0.00"万元"', "259.50万元"),
    (5, "[$¥-804]#,##0.00", "¥5.00"), (123, "0_ ", "123"), (0.5, "#.00", ".50"), (1234567, "000-0000", "123-4567"),
    (0.5, "# ?/?", "1/2"), (1.5, "# ?/?", "1 1/2"), (1234.5, "0.00E+00", "1.23E+03"),
    (56.5, "General", "56.5"), (0.1 + 0.2, "General", "0.3"), (45928, "General", "45928"),
    (3.14159265358979, "General", "3.141592654"), (123456789012, "General", "1.23457E+11"),
    (43604, 'yyyy"年"m"月"d"日"', "2019年5月19日"), (43604, "yyyy/m/d", "2019/5/19"),
    (43604.5, "yyyy-mm-dd hh:mm:ss", "2019-05-19 12:00:00"), (43604, "aaaa", "星期日"),
    (dt.datetime(2019, 5, 19), "yyyy-mm-dd", "2019-05-19"), ("达标", "@", "达标"), (True, "General", "TRUE"),
    ("≥30 ", "@", "≥30 "),  # the cell's own spaces stay; padding (_x) is no text
    # the accounting format of Chinese Excel: zero shows as "-"
    (1234.5, ACCOUNTING, "1,234.50"), (-1234.5, ACCOUNTING, "-1,234.50"), (0, ACCOUNTING, "-"), ("达标", ACCOUNTING, "达标"),
    (-0.03, "#,##0.00_);[Red](#,##0.00)", "(0.03)"),
])
def test_number_formats_show_what_excel_shows(value, code, shown):
    assert numfmt.render(value, code) == shown


def test_containers_are_told_apart_by_their_contents(tmp_path):
    assert sniff(OFFICE / "002_changchun_auto_2018.xls") == "xls"
    assert sniff(ROOT / "fixtures" / "doc" / "001_changchun_2022.doc") == "doc"
    renamed = tmp_path / "report.doc"  # an Excel workbook under a Word name still goes to the sheet reader
    shutil.copyfile(OFFICE / "002_changchun_auto_2018.xls", renamed)
    assert sniff(renamed) == "xls"
    assert sniff(OFFICE / "002_changchun_auto_2018_strict.xlsx") == "xlsx"
    assert sniff(OFFICE / "001_changchun_2022_strict.docx") == "docx"
    assert sniff(OFFICE / "002_changchun_auto_2018.ods") == "ods"
    assert sniff(OFFICE / "001_changchun_2022.odt") == "odt"


UNRELATED_SENTENCES = {
    "budget.xlsx": "no 对照考核表 or 标准达标情况 table",
    "letter.odt": "no 对照考核表 or 标准达标情况 table",
    "slides.pptx": "a PowerPoint presentation (.pptx), not a report",
    "guide.epub": "an EPUB e-book, not a report",
    "talk.odp": "an OpenDocument presentation (.odp), not a report",
    "photos.zip": "a ZIP archive, not an Office document",
    "slides.ppt": "a PowerPoint presentation (.ppt, or WPS .dps), not a report",
    "locked.docx": "a password-protected (encrypted) Office file",
}


def test_office_files_that_are_no_report_get_a_true_sentence_each():
    files = extract.discover(UNRELATED)
    assert sorted(p.name for p in files) == sorted(UNRELATED_SENTENCES)
    for path in files:
        result = ingest_file(path, UNRELATED)
        assert result.records == [] and result.status in ("no_table", "error"), path.name
        assert UNRELATED_SENTENCES[path.name] in result.error, (path.name, result.error)
        assert "could not read this file" not in result.error  # no crash behind the sentence


def test_a_workbook_xlrd_cannot_read_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    damaged = tmp_path / "report.et"
    data = bytearray((OFFICE / "002_changchun_auto_2018.xls").read_bytes())
    data[-4000:] = b"\x00" * 4000  # the workbook stream's end is gone
    damaged.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"\.xls/\.et.*install LibreOffice"):
        xls.read(damaged)


@pytest.mark.skipif(not CALC, reason="LibreOffice with Calc is not installed")
def test_libreoffice_reads_what_xlrd_cannot(tmp_path, monkeypatch):
    """A workbook xlrd refuses is converted by LibreOffice and read with the same values."""
    import xlrd

    def refuse(*args, **kwargs):
        raise xlrd.XLRDError("Unsupported format, or corrupt file")
    monkeypatch.setattr(xlrd, "open_workbook", refuse)
    doc = xls.read(OFFICE / "002_changchun_auto_2018.xls")
    assert doc.format == "xls" and any("LibreOffice" in n for n in doc.notes)
    direct = extract.read(OFFICE / "002_changchun_auto_2018.xlsx")
    assert [r.texts for t in doc.tables for r in t.rows] == [r.texts for t in direct.tables for r in t.rows]


@pytest.mark.parametrize("name", ["002_changchun_auto_2018.xlsx", "002_changchun_auto_2018.ods",
                                  "001_changchun_2022.odt", "002_changchun_auto_2018.xls"])
def test_a_cut_off_file_is_a_sentence_not_a_crash(tmp_path, name, monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)  # the sentence without LibreOffice's help
    data = (OFFICE / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    result = ingest_file(path, tmp_path)
    assert result.status == "error" and result.records == []
    assert "could not read this file" not in result.error, result.error  # a foreseen case, said plainly
    assert re.search(r"damaged|install LibreOffice", result.error), result.error


def _unexpected_styles(tmp_path):
    """A workbook whose styles part openpyxl rejects, as some programs other than Excel write it."""
    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(OFFICE / "002_changchun_auto_2018.xlsx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/styles.xml":
                data = data.replace(b'<numFmt numFmtId="', b'<numFmt numFmtId="x', 1)
            dst.writestr(item, data)
    return path


def test_a_workbook_openpyxl_refuses_says_what_to_do_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "soffice", lambda: None)
    result = ingest_file(_unexpected_styles(tmp_path), tmp_path)
    assert result.status == "error" and "openpyxl cannot read" in result.error
    assert "install LibreOffice" in result.error


@pytest.mark.skipif(not CALC, reason="LibreOffice with Calc is not installed")
def test_a_workbook_openpyxl_refuses_is_resaved_by_libreoffice(tmp_path):
    result = ingest_file(_unexpected_styles(tmp_path), tmp_path)
    assert result.status == "ok" and any("re-saved by LibreOffice" in n for n in result.notes)
    assert len(result.records) == len(_expected("002"))


def test_libreoffice_without_calc_is_said_so(tmp_path):
    """A LibreOffice installed with Writer alone cannot convert a spreadsheet: the sentence says
    which component to install, not that the file may be damaged; where the program folder shows
    no component library at all (another platform's layout), nothing is claimed."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "soffice").write_bytes(b"")
    (program / "libswlo.so").write_bytes(b"")
    assert "without Calc" in convert.lacks_component(str(program / "soffice"), "xlsx")
    assert convert.lacks_component(str(program / "soffice"), "docx") is None
    (program / "libsclo.so").write_bytes(b"")
    assert convert.lacks_component(str(program / "soffice"), "xlsx") is None
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "soffice").write_bytes(b"")
    assert convert.lacks_component(str(bare / "soffice"), "xlsx") is None
