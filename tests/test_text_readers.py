"""The text layouts, encodings and byte sniffing, on seed content and small real inputs."""
import shutil
from pathlib import Path

import pytest

from ecopark import extract
from ecopark.extract.html import parse as parse_html
from ecopark.extract.markup import clean
from ecopark.extract.text import parse_text
from ecopark.schemas.grid import Table

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
SEED_001 = TEXT / "001_98bb576f2842cd57.txt"


def test_layouts_are_recognised_from_content():
    layouts = {p.name[:3]: extract.read(p).layout for p in TEXT.glob("*.txt")}
    assert layouts == {"000": "mineru", "001": "tika", "002": "mineru", "003": "tika", "004": "pipe"}


def test_tika_cell_continuation_and_blank_line_rows():
    doc = parse_text("前言\n\t分类\n\t是否选为\n考核指标\n\t数值\n\n\t经济发展\n\t1\n\t56.50\n\n结尾\n")
    (table,) = doc.tables
    assert [r.texts for r in table.rows] == [["分类", "是否选为\n考核指标", "数值"], ["经济发展", "1", "56.50"]]
    assert table.rows[1].cells[2].loc.line == 9
    assert [p.text for p in doc.paragraphs] == ["前言", "结尾"]


def test_mineru_latex_sup_and_page_break_inside_table():
    text = ("## 附件\n"
            "分类\t序号\t指 标\t单位\t要 求\n"
            "\t15\t工业用水重复利用率 <sup>a</sup>\t%\t$\\geq 75$\n"
            "\n"
            "\t16\t比例\t%\t当园区 $>0, \\leq 0.3$\n"
            "说明文字\n")
    doc = parse_text(text)
    (table,) = doc.tables
    assert table.rows[1].texts == ["", "15", "工业用水重复利用率 a", "%", "≥75"]
    assert table.rows[2].texts[-1].replace(" ", "") == "当园区>0,≤0.3"
    assert doc.layout == "mineru"


def test_pipe_rows_right_aligned_and_lone_cells_unaligned():
    text = ("分类 | 序号 | 指标 | 单位 | 数值 |\n"
            "经济发展 | 1 | 工业总产值 | 万元 | 100 |\n"
            "工业增加值 | 万元 | 50 | ||\n"
            "京津冀区域达到**%以上 | ||||\n")
    (table,) = parse_text(text).tables
    assert table.rows[2].texts == ["", "", "工业增加值", "万元", "50"]
    assert table.rows[3].aligned is False and table.rows[3].texts == ["京津冀区域达到**%以上"]


def test_html_rowspan_and_colspan():
    html = """<p>园区名称：测试园区</p>
    <table><tr><th>分类</th><th>序号</th><th colspan="2">指标</th></tr>
    <tr><td rowspan="2">经济发展</td><td>1</td><td>甲</td><td>1.5</td></tr>
    <tr><td>2</td><td>乙</td><td>&ge;2</td></tr></table>"""
    blocks = parse_html(html)
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0].texts == ["分类", "序号", "指标", ""]
    assert table.rows[1].texts == ["经济发展", "1", "甲", "1.5"]
    assert table.rows[2].texts == ["", "2", "乙", "≥2"]
    assert blocks[0].text == "园区名称：测试园区"


def test_markup_clean_keeps_masks_and_comparisons():
    assert clean("当园区…<0，≥0.6；当…>0") == "当园区…<0，≥0.6；当…>0"
    assert clean("&**;*,≥*.*") == "&**;*,≥*.*"
    assert clean("$\\leq 0.1$") == "≤0.1"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_encodings(tmp_path, encoding):
    target = tmp_path / "report.txt"
    target.write_bytes(SEED_001.read_text(encoding="utf-8").encode(encoding))
    doc = extract.read(target)
    assert doc.layout == "tika"
    assert any("长春经济技术开发区" in t for t, _ in doc.text_lines())


def test_format_comes_from_bytes_not_extension(tmp_path):
    fake_pdf = tmp_path / "report.pdf"
    shutil.copy(SEED_001, fake_pdf)
    assert extract.read(fake_pdf).format == "text"


def test_unreadable_files_raise_a_readable_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(extract.ReadError, match="empty"):
        extract.read(empty)
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(extract.ReadError, match="binary"):
        extract.read(binary)


def test_discovery_is_recursive_and_skips_hidden_and_scripts(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ["a/b/r1.txt", "a/r2.md", "r3", ".git/x.txt", "a/~$lock.docx", "make.py", "a/.hidden.txt"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in extract.discover(tmp_path)]
    assert found == ["r3", "a/r2.md", "a/b/r1.txt"]


def test_metadata_survives_a_wrapped_cell():
    from ecopark.normalize import metadata
    doc = parse_text("\t园区名称：长春经济技\n术开发区\n\t填报时间： 2023 年\n6 月\n\n\t考核指标 数据基准年为\n2022年\n")
    facts = metadata.find(doc)
    assert facts.park_name == "长春经济技术开发区"
    assert facts.base_year.value == 2022 and facts.filed_year.value == 2023


def test_markdown_pipe_tables_keep_every_cell():
    text = ("| 分类 | 序号 | 指标 | 单位 | 要求 | 是否为考核指标 | 数值 |\n"
            "|---|---|---|---|---|---|---|\n"
            "| 经济发展 | 2 | 人均工业增加值 | 万元/人 | ≥15 | 是 | |\n"
            "| | | 工业增加值 | 万元 | - | - | 2595000 |\n"
            "| | | | | 京津冀区域达到30%以上 | | |\n")
    (table,) = parse_text(text).tables
    assert table.rows[1].texts == ["经济发展", "2", "人均工业增加值", "万元/人", "≥15", "是", ""]
    assert table.rows[2].texts[2] == "工业增加值" and table.rows[2].texts[6] == "2595000"
    assert table.rows[3].aligned and table.rows[3].texts[4] == "京津冀区域达到30%以上"
