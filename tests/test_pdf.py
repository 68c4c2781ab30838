"""PDF reader on the committed fixtures (LibreOffice renderings of the DOCX fixtures)."""
import sys
import types

import pypdfium2 as pdfium
import pytest
from PIL import Image

from ecopark.extract import pdf as pdf_entry
from ecopark.extract.pdf import reader as pdf_reader
from ecopark.extract.pdf.page import PdfiumPage
from ecopark.extract.pdf.stitch import join_wrapped, stitch
from fixture_seeds import BAD, PDF, body_rows, seed_tables, squeeze
from ecopark.schemas.grid import Cell, Location, Paragraph, ReadError, Row, Table


def _read(name):
    return pdf_entry.read(PDF / f"{name}.pdf")


def _data_rows(table, seed):
    """The table's rows below its first header, repeated headers left out; the seed's the same way."""
    header = squeeze("".join(seed[0]))
    return [r for r in body_rows(table) if squeeze("".join(r)) != header], seed[1:]


def _column(rows, c):
    return [squeeze(r[c]) for r in rows if squeeze(r[2])]


@pytest.mark.parametrize("name", ["000_changchun_2018", "001_changchun_2022", "002_changchun_auto_2018", "003_wujin_2018",
                                  "004_zhangjiagang_masked"])
def test_table_over_several_pages_comes_back_whole(name):
    """Same rows, same 指标 labels in the same order as the seed: none lost, none doubled."""
    doc = _read(name)
    expected = seed_tables(name)
    assert len(doc.tables) == len(expected)
    for table, seed in zip(doc.tables, expected):
        rows, seed_rows = _data_rows(table, seed)
        assert _column(rows, 2) == _column(seed_rows, 2)
        assert len(rows) == len(seed_rows)
    assert len({c.loc.page for r in doc.tables[0].rows for c in r.cells}) > 1


@pytest.mark.parametrize("name", ["001_changchun_2022", "003_wujin_2018"])
def test_values_survive_wrapping_in_narrow_cells(name):
    """003's value column is too narrow for 2069827.16: it wraps, and must come back joined."""
    (table,) = _read(name).tables
    (seed,) = seed_tables(name)
    rows, seed_rows = _data_rows(table, seed)
    assert _column(rows, 6) == _column(seed_rows, 6)
    assert _column(rows, 4) == _column(seed_rows, 4)


def test_values_read_off_the_001_table():
    (table,) = _read("001_changchun_2022").tables
    row = {squeeze(r.texts[2]): r.texts for r in table.rows}
    assert row["人均工业增加值"][6] == "56.50"
    assert row["综合能耗弹性系数"][6] == "-0.4.85"
    assert row["绿化覆盖率"][6] == "21%"
    assert row["高新技术企业工业总产值占园区工业总产值比例"][2] == "高新技术企业工业总产值占园区工业总产值比例"


def test_merged_category_appears_once_per_block():
    (table,) = _read("001_changchun_2022").tables
    categories = [squeeze(r.texts[0]) for r in table.rows if r.texts[0].strip()]
    assert categories == ["生态文明建设示范区（生态工业园区）对照考核表", "园区名称：长春经济技术开发区", "考核指标数据基准年为2022年",
                          "分类", "经济发展", "产业共生", "资源节约", "环境保护", "信息公开"]


def test_cells_know_page_row_and_box():
    (table,) = _read("003_wujin_2018").tables
    cell = next(r.cells[6] for r in table.rows if r.texts[2] == "园区工业总产值")
    assert cell.text == "2069827.16"
    assert cell.loc.page == 1 and cell.loc.row is not None and cell.loc.column == 7
    x0, top, x1, bottom = cell.loc.bbox
    assert 0 < x0 < x1 <= 595 and 0 < top < bottom <= 842


def test_metadata_and_title_survive():
    doc = _read("002_changchun_auto_2018")
    texts = [squeeze(t) for t, _ in doc.text_lines()]
    assert "长春汽车经济技术开发区" in texts
    assert "2018年国家生态工业示范园区建设评价报告" in texts
    assert any(t.startswith("园区名称：长春汽车经济技术开发区") for t in texts)
    assert "填报时间：2019年5月19日" in texts
    narrative = _read("003_wujin_2018").paragraphs
    assert narrative[0].text == "第1章 园区建设主要工作回顾" and narrative[0].loc.page == 1


def test_narrative_only_pdf_has_no_table():
    doc = _read("no_table_narrative")
    assert doc.tables == [] and len(doc.paragraphs) > 10
    assert doc.paragraphs[0].text == "一、生态工业园区园区建设主要工作进展"


def test_password_protected_pdf():
    with pytest.raises(ReadError, match="^the PDF is password-protected$"):
        pdf_entry.read(BAD / "password_protected.pdf")


def test_truncated_pdf():
    with pytest.raises(ReadError, match="truncated"):
        pdf_entry.read(BAD / "truncated.pdf")


def test_garbage_after_pdf_header(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"not a pdf at all\n" * 50 + b"%%EOF\n")
    with pytest.raises(ReadError, match="damaged"):
        pdf_entry.read(path)


@pytest.mark.parametrize("lines, joined", [
    (["2536248.0", "0"], "2536248.00"),
    (["高新技术企业工业总产值占园区工", "业总产值比例"], "高新技术企业工业总产值占园区工业总产值比例"),
    (["industrial value", "added"], "industrial value added"),
    (["当园区工业增加值建设期年均增长率>0，", "≤0.6"], "当园区工业增加值建设期年均增长率>0，≤0.6"),
    (["亿元/平", "方公里"], "亿元/平方公里"),
    (["", "56.50", ""], "56.50"),
])
def test_wrapped_lines_join_as_written(lines, joined):
    assert join_wrapped(lines) == joined


def _pdf_with(path, content):
    """A one-page PDF with a Helvetica font and the given content stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _page_blocks(path):
    page = pdfium.PdfDocument(str(path))[0]
    return pdf_reader._read_table_page(PdfiumPage(page, page.get_textpage()), 1)


def _fake_bold_pdf(path):
    """A ruled one-row table whose glyphs are each printed twice at the same spot (fake bold)."""
    text = b"BT /F1 10 Tf 60 705 Td (Total) Tj ET BT /F1 10 Tf 160 705 Td (2536248.00) Tj ET "
    lines = (b"50 700 m 300 700 l S 50 720 m 300 720 l S 50 690 m 300 690 l S "
             b"50 690 m 50 720 l S 150 690 m 150 720 l S 300 690 m 300 720 l S ")
    _pdf_with(path, lines + text + text)


def test_doubled_glyphs_are_printed_once(tmp_path):
    path = tmp_path / "bold.pdf"
    _fake_bold_pdf(path)
    (table,) = [b for b in _page_blocks(path) if isinstance(b, Table)]
    assert table.rows[0].texts == ["Total", "2536248.00"]


def test_a_page_frame_is_not_a_table(tmp_path):
    path = tmp_path / "framed.pdf"
    _pdf_with(path, b"40 40 515 762 re S BT /F1 10 Tf 60 705 Td (Report 2018) Tj ET")
    blocks = _page_blocks(path)
    assert [type(b).__name__ for b in blocks] == ["Paragraph"] and blocks[0].text == "Report 2018"


def _image_only_pdf(path):
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (200, 280), "white")))
    image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    pdf.save(str(path))


def test_scanned_pdf_without_ocr_says_so(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    _image_only_pdf(path)
    monkeypatch.setitem(sys.modules, "ecopark.extract.scan", None)  # import fails as if not written yet
    with pytest.raises(ReadError, match=r"^scanned PDF: no text layer on pages 1; OCR is not available$"):
        pdf_entry.read(path)


def test_scanned_pages_go_to_the_ocr_reader(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    _image_only_pdf(path)
    asked = []

    def read_pages(p, pages, doc=None):
        asked.append(pages)
        return [Paragraph("园区名称：长春经济技术开发区")]

    monkeypatch.setitem(sys.modules, "ecopark.extract.scan", types.SimpleNamespace(read_pages=read_pages))
    doc = pdf_entry.read(path)
    assert asked == [[1]]
    assert (doc.format, doc.layout) == ("scanned-pdf", "pdf-ocr")
    assert doc.paragraphs[0].text == "园区名称：长春经济技术开发区"


def test_masked_digits_stay_masked():
    """Seed 004 masks digits with *: a reader must not drop or guess them."""
    assessment = _read("004_zhangjiagang_masked").tables[0]
    row = {squeeze(r.texts[2]): r.texts for r in assessment.rows}
    assert row["人均工业增加值"][6] == "**.**"
    assert row["园区工业增加值*年年均增长率"][6] == "-*.*%"


def _part(page, *rows):
    return Table([Row([Cell(t, Location(page=page, row=i, column=c))
                        for c, t in enumerate(texts, start=1)], Location(page=page, row=i))
                 for i, texts in enumerate(rows, start=1)], Location(page=page, bbox=(50, 60, 540, 780)))


def test_page_numbers_between_parts_do_not_stop_stitching():
    header = ["分类", "序号", "指标", "单位", "数值"]
    first = _part(1, header, ["经济发展", "2", "年末从业人口", "人", "45928"], ["", "", "工业增加", "万元", "2595"])
    second = _part(2, ["", "", "值", "", "000"], ["", "", "人均工业增加值", "万元/人", "56.50"])
    blocks = stitch([[first, Paragraph("- 3 -")], [Paragraph("第 4 页"), second]])
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert [r.texts for r in table.rows[1:]] == [["经济发展", "2", "年末从业人口", "人", "45928"],
                                              ["", "", "工业增加值", "万元", "2595000"],
                                              ["", "", "人均工业增加值", "万元/人", "56.50"]]
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["- 3 -", "第 4 页"]


def _boxed_part(page, lefts, rows, drift=0.0):
    """A table part whose cells have boxes: column c starts at lefts[c], row i `drift` points to the
    right of row i-1 (a page turned level whose boxes are mapped back to the page as stored)."""
    out = []
    for i, texts in enumerate(rows):
        shift = i * drift
        cells = [Cell(t, Location(page=page, row=i + 1, column=c + 1,
                                  bbox=(lefts[c] + shift, 100 + 20 * i, (lefts + [540])[c + 1] + shift, 118 + 20 * i)),
                      doubts=("a doubt",) if t == "85.64" else ())
                 for c, t in enumerate(texts)]
        out.append(Row(cells, Location(page=page, row=i + 1)))
    return Table(out, Location(page=page, bbox=(50, 60, 540, 780)))


def test_parts_of_other_widths_are_laid_on_one_grid_despite_drift():
    """A continuation page with one column more (a channel read inside a column) is laid on the
    columns of both; cells that drift down a turned page stay in their column, doubts and all."""
    header = ["分类", "序号", "指标", "单位", "要求", "数值"]
    lefts = [50, 100, 130, 300, 380, 470]
    rows = [header] + [["", str(n), f"指标{n}", "%", "≥70", "85.64"] for n in range(1, 9)]
    first = _boxed_part(1, lefts, rows, drift=0.8)  # 6.4 pt over the page, more than the tolerance
    second = _boxed_part(2, lefts[:5] + [425] + lefts[5:], [header[:5] + ["求"] + header[5:],
                                                             ["", "9", "指标9", "%", "≥3", "", "1.2"]])
    (table,) = [b for b in stitch([[first], [second]]) if isinstance(b, Table)]
    assert len(table.rows[0].cells) == 7
    for row in table.rows[1:9]:
        assert [c.text for c in row.cells if c.text] == [row.cells[1].text, f"指标{row.cells[1].text}", "%", "≥70",
                                                         "85.64"]
        assert [c.text for c in row.cells][6] == "85.64" and row.cells[6].doubts == ("a doubt",)
    assert table.rows[-1].texts[6] == "1.2"


def test_a_heading_between_tables_keeps_them_apart():
    header = ["分类", "序号", "指标", "单位", "数值"]
    first = _part(1, header, ["经济发展", "2", "年末从业人口", "人", "45928"])
    second = _part(2, header, ["", "2", "人均工业增加值", "万元/人", "是"])
    blocks = stitch([[first, Paragraph("三、国家生态工业示范园区标准达标情况")], [second]])
    assert len([b for b in blocks if isinstance(b, Table)]) == 2


def test_only_pages_that_name_a_table_are_table_parsed(monkeypatch):
    parsed = []

    class Counting(PdfiumPage):
        def __init__(self, page, textpage):
            parsed.append(page)
            super().__init__(page, textpage)

    monkeypatch.setattr(pdf_reader, "PdfiumPage", Counting)
    doc = _read("no_table_narrative")
    pages = len(pdfium.PdfDocument(str(PDF / "no_table_narrative.pdf")))
    assert doc.tables == [] and parsed == []
    assert {p.loc.page for p in doc.paragraphs} == set(range(1, pages + 1))

    parsed.clear()
    (table,) = _read("001_changchun_2022_long").tables  # two pages of narrative, then the table
    table_pages = {c.loc.page for r in table.rows for c in r.cells}
    assert len(parsed) == len(table_pages) and min(table_pages) > 1


@pytest.mark.parametrize("text, table", [
    ("分类 序\r\n号 指标", True),
    ("生态文明建设示范区（生态工业园区）对照考核表", True),
    ("指 标 单 位 要 求", True),
    ("各项任务指标持续提升，单位工业增加值能耗下降", False),
])
def test_table_pages_are_named_by_their_words(text, table):
    assert pdf_reader._names_a_table(text) is table
