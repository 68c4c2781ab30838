"""One table, four layouts: the records must not depend on the layout.

Seed 001's assessment table (Tika text of a DOCX) is re-rendered the way the
other exporters write tables — MinerU tab rows, HTML with rowspan, web pipes
with merged cells dropped — and every rendering must give the values that
tests/expected/001 transcribes from the seed.
"""
import csv
from pathlib import Path

import pytest

from ecopark import extract
from ecopark.ingest import ingest_file
from ecopark.normalize import tables

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "text" / "001_98bb576f2842cd57.txt"
EXPECTED = ROOT / "tests" / "expected" / "001_98bb576f2842cd57.csv"


def _seed_rows():
    """Title lines and table rows of the seed, as lists of cell texts."""
    doc = extract.read(SEED)
    (located,) = tables.locate(doc)
    head = [located.header.texts]
    body = [r.texts for r in located.body]
    return located.context, head + body


def _flat(text):
    return text.replace("\n", "")


def render_mineru(context, rows):
    lines = ["## 对照考核表"] + context + ["\t".join(_flat(c) for c in r) for r in rows]
    lines.insert(len(context) + 30, "")  # a page break inside the table
    return "\n".join(lines)


def render_pipe(context, rows):
    width = len(rows[0])
    out = [f"{line} | " + "|" * (width - 1) for line in context]
    for r in rows:
        cells = [_flat(c) for c in r]
        while cells and not cells[0]:
            cells.pop(0)  # merged leading cells vanish in web copies
        while cells and not cells[-1]:
            cells.pop()
        out.append(" | ".join(cells) + " |" + "|" * (width - len(cells)))
    return "\n".join(out)


def render_html(context, rows):
    """Category and 序号 columns merged down with rowspan, as Word tables exported to HTML are."""
    spans = {}
    for col in (0, 1):
        start = None
        for i, r in enumerate(rows):
            if r[col] or start is None or i == 0:
                start = i
                spans[(i, col)] = 1
            else:
                spans[(start, col)] += 1
                spans[(i, col)] = 0
    html = ["<html><body>"] + [f"<p>{line}</p>" for line in context] + ["<table>"]
    for i, r in enumerate(rows):
        tds = []
        for j, c in enumerate(r):
            span = spans.get((i, j), 1)
            if span == 0:
                continue
            attr = f' rowspan="{span}"' if span > 1 else ""
            tds.append(f"<td{attr}>{c.replace(chr(10), '<br/>')}</td>")
        html.append("<tr>" + "".join(tds) + "</tr>")
    html.append("</table></body></html>")
    return "\n".join(html)


@pytest.mark.parametrize("render,name", [(render_mineru, "r.md"), (render_pipe, "r.txt"), (render_html, "r.html")])
def test_same_records_in_every_layout(tmp_path, render, name):
    context, rows = _seed_rows()
    path = tmp_path / name
    path.write_text(render(context, rows), encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert result.status == "ok", result.error
    with open(EXPECTED, encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    got = [(r.data_year, r.indicator_id, r.value_raw) for r in result.records]
    assert got == [(int(e["data_year"]), e["indicator_id"], e["value_raw"]) for e in expected]
    assert {r.park_name for r in result.records} == {"长春经济技术开发区"}
    i10 = next(r for r in result.records if r.indicator_id == "I10")
    assert i10.requirement_raw.count("当园区") == 2 and i10.flags == {"MALFORMED"}


def test_title_rows_repeated_on_a_new_page_are_not_table_text(tmp_path):
    context, rows = _seed_rows()
    title = ["园区名称：长春经济技术开发区", "", "", "填报时间：2023年6月25日", "", "", ""]
    repeated = rows[:40] + [title, ["考核指标", "", "", "", "", "", ""], rows[0]] + rows[40:]
    path = tmp_path / "paged.md"
    path.write_text(render_mineru(context, repeated), encoding="utf-8")
    records = ingest_file(path, tmp_path).records
    assert len(records) == 66
    assert not any("填报时间" in (r.unit_raw + r.requirement_raw + r.name_raw) for r in records)


@pytest.mark.parametrize("name_header,value_header,year", [
    ("考核指标", "数值", 2022),          # the name column headed 考核指标
    ("指标名称", "指标值（2021年）", 2021),  # the year in the value column's header
    ("指 标", "2021年度", 2021),
])
def test_header_variants(tmp_path, name_header, value_header, year):
    context, rows = _seed_rows()
    header = list(rows[0])
    header[2], header[6] = name_header, value_header
    path = tmp_path / "variant.md"
    path.write_text(render_mineru(context, [header] + rows[1:]), encoding="utf-8")
    records = ingest_file(path, tmp_path).records
    assert len(records) == 66 and {r.data_year for r in records} == {year}
    assert next(r for r in records if r.indicator_id == "I02").value == 56.5
    assert {r.assessed for r in records} == {"", "yes", "no", "mandatory"}
