"""DOCX reader on the committed fixtures (built from seeds 001-003 by fixtures/make_docx.py)."""
import shutil
import zipfile

import pytest
from docx import Document as new_docx
from docx.oxml import parse_xml

from ecopark.extract.office import docx as docx_reader
from ecopark.extract.office import legacy
from fixture_seeds import BAD, DOCX, body_rows, seed_tables, squeeze
from ecopark.schemas.grid import Paragraph, ReadError, Table


def _read(name):
    return docx_reader.read(DOCX / f"{name}.docx")


def _row(table, label):
    return next(r.texts for r in table.rows if squeeze(r.texts[2]) == label)


def test_values_read_off_the_001_table():
    (table,) = _read("001_changchun_2022").tables
    assert _row(table, "人均工业增加值")[6] == "56.50"
    assert _row(table, "综合能耗弹性系数")[6] == "-0.4.85"
    assert _row(table, "绿化覆盖率")[6] == "21%"
    assert _row(table, "高新技术企业工业总产值占园区工业总产值比例")[4] == "≥30 "  # seed keeps the space


@pytest.mark.parametrize("name", ["000_changchun_2018", "001_changchun_2022", "002_changchun_auto_2018", "003_wujin_2018",
                                  "004_zhangjiagang_masked"])
def test_tables_are_the_seed_tables_cell_for_cell(name):
    """Merged cells resolved as schemas.grid says: text in the first row/column, "" below/right."""
    doc = _read(name)
    expected = seed_tables(name)
    assert len(doc.tables) == len(expected)
    for table, seed in zip(doc.tables, expected):
        width = len(table.rows[0].cells)
        assert body_rows(table) == [row + [""] * (width - len(row)) for row in seed]


def test_vertically_merged_category_appears_once_per_block():
    (table,) = _read("001_changchun_2022").tables
    categories = [r.texts[0].strip() for r in table.rows if r.texts[0].strip()]
    assert categories[-6:] == ["分类", "经济发展", "产业共生", "资源节约", "环境保护", "信息公开"]
    numbers = [r.texts[1] for r in table.rows if r.texts[2] in ("年末从业人口", "工业增加值", "人均工业增加值")]
    assert numbers == ["2", "", ""]


def test_requirement_over_two_rows_keeps_label_in_first_row():
    (table,) = _read("001_changchun_2022").tables
    rows = [r.texts for r in table.rows]
    i = next(i for i, r in enumerate(rows) if r[2] == "综合能耗弹性系数")
    assert rows[i][4] == "当园区工业增加值建设期年均增长率>0，≤0.6"
    assert rows[i + 1][2:4] == ["", ""] and rows[i + 1][4] == "当园区工业增加值建设期年均增长率<0，≥0.6"


def test_title_rows_span_the_grid_and_multi_paragraph_cells_keep_breaks():
    (table,) = _read("001_changchun_2022").tables
    title, park, _, header = (r.texts for r in table.rows[:4])
    assert title[0] == "生态文明建设示范区（生态工业园区）对照考核表" and set(title[1:]) == {""}
    assert park[0] == "园区名称：长春经济技术开发区"
    assert any("数据基准年为2022年" in t for r in table.rows[:3] for t in r.texts)
    assert header[5] == "是否选为\n考核指标"


def test_locations_and_body_order():
    doc = _read("003_wujin_2018")
    assert isinstance(doc.blocks[0], Paragraph) and "园区建设主要工作回顾" in doc.blocks[0].text
    table_at = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Table))
    assert doc.blocks[table_at - 1].text == "附：对照考核表"
    cell = doc.tables[0].rows[4].cells[6]
    assert (cell.loc.table, cell.loc.row, cell.loc.column) == (1, 5, 7)
    assert doc.format == "docx" and doc.layout == "docx"


def test_last_row_without_value_stays_empty():
    """Seed 003's last row (生态工业主题宣传活动) has no value: the cell is there, empty."""
    (table,) = _read("003_wujin_2018").tables
    assert table.rows[-1].texts[2:] == ["生态工业主题宣传活动", "次/年", "≥2", "必选", ""]


def test_superscript_footnote_marks_stay_in_the_label():
    """The seed's `<sup>a</sup>` is a superscript run in the DOCX; its text stays in the label."""
    assessment = _read("002_changchun_auto_2018").tables[0]
    assert _row(assessment, "工业固体废物综合利用率a")[7] == "89.1"


def test_nested_table_comes_after_its_parent(tmp_path):
    doc = new_docx()
    doc.add_paragraph("before")
    outer = doc.add_table(rows=3, cols=3)
    outer.cell(0, 0).merge(outer.cell(0, 2)).text = "对照考核表"
    outer.cell(1, 0).merge(outer.cell(2, 0)).text = "经济发展"
    outer.cell(1, 1).text = "人均工业增加值"
    inner = outer.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "注", "a"
    doc.add_paragraph("after")
    doc.save(tmp_path / "nested.docx")

    blocks = docx_reader.read(tmp_path / "nested.docx").blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Table", "Paragraph"]
    outer_t, inner_t = blocks[1], blocks[2]
    assert [r.texts for r in outer_t.rows] == [["对照考核表", "", ""], ["经济发展", "人均工业增加值", ""], ["", "", ""]]
    assert [r.texts for r in inner_t.rows] == [["注", "a"]]
    assert inner_t.rows[0].cells[1].loc.table == 2


def test_corrupt_docx_is_a_read_error():
    with pytest.raises(ReadError, match="damaged"):
        docx_reader.read(BAD / "corrupt.docx")


def test_docx_without_document_part_is_a_read_error(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(DOCX / "001_changchun_2022.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item))
    with pytest.raises(ReadError, match="damaged"):
        docx_reader.read(path)


def test_legacy_word_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ReadError, match="install LibreOffice"):
        legacy.read(doc)


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed")
def test_legacy_doc_is_converted_and_read():
    doc = legacy.read(BAD.parent / "doc" / "001_changchun_2022.doc")
    (table,) = doc.tables
    assert _row(table, "人均工业增加值")[6] == "56.50"
    assert doc.format == "doc"


def test_text_boxes_on_the_cover_are_read_once(tmp_path):
    """Word saves a text box twice (DrawingML, and VML inside mc:Fallback)."""
    doc = new_docx()
    paragraph = doc.add_paragraph("封面")
    box = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
        ' xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        '<w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        '</w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
    ).format(text="2018年国家生态工业示范园区建设评价报告")
    run = paragraph.add_run()
    run._r.append(parse_xml(box))
    doc.save(tmp_path / "cover.docx")

    texts = [b.text for b in docx_reader.read(tmp_path / "cover.docx").paragraphs]
    assert texts == ["封面", "2018年国家生态工业示范园区建设评价报告"]
