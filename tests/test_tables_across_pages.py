"""A table continued on the next page under its repeated title and header, as a scan reads it.

The OCR reads the repeated lines again, each a little otherwise (a lost '是否为', '：' as ':'), and
the row the page break cut goes on at the top of the next page. The rows here are 002's I05 and
I06 as its report prints them (fixtures/text/002_changchun_auto_2018.txt).
"""
from ecopark.normalize.pipeline import read_document
from ecopark.normalize.tables import locate
from ecopark.schemas.grid import Cell, Document, Location, Paragraph, Row, Table

TITLE = ["国家生态工业示范园区对照考核表", "园区名称：长春汽车经济技术开发区", "填报时间：2019年5月19日", "考核指标"]
HEADER = ["分类", "序号", "指标", "单位", "要求", "是否为考核指标", "2016年", "2018年"]


def row(texts: list[str], page: int) -> Row:
    return Row([Cell(t, Location(page=page)) for t in texts], Location(page=page))


def two_pages(title_again: list[str], header_again: list[str]) -> Document:
    first = Table([row(HEADER, 1),
                   row(["产业共生", "5", "建设规划实施后新增", "个", "≥6", "必选", "6", "6"], 1)], Location(page=1))
    second = Table([row(header_again, 2),
                    row(["", "", "构建生态工业链项目数量", "", "", "", "", ""], 2),  # the rest of I05's label
                    row(["", "6", "工业固体废物综合利用率", "%", "≥70", "是", "87.1", "89.1"], 2)], Location(page=2))
    return Document("scan.pdf", "scanned-pdf", "pdf-ocr",
                    [Paragraph(t, Location(page=1)) for t in TITLE] + [first]
                    + [Paragraph(t, Location(page=2)) for t in title_again] + [second])


def test_repeated_title_and_header_read_otherwise_continue_the_table():
    again = ["国家生态工业示范园区对照考核表", "园区名称:长春汽车经济技术开发 填报时间:2019年5月19日", "区", "考核指标"]
    header = [("考核指标" if t == "是否为考核指标" else t) for t in HEADER]
    doc = two_pages(again, header)
    assert len(locate(doc)) == 1
    records = {(r.indicator_id, r.data_year): r for r in read_document(doc, "scan.pdf").records}
    i05 = records[("I05", 2018)]
    assert i05.value_raw == "6" and "构建生态工业链项目数量" in i05.name_raw.replace("\n", "")
    assert records[("I06", 2016)].value_raw == "87.1"


def test_narrative_between_tables_still_ends_the_table():
    """Lines that are not the title above the first header (narrative, a new heading) end it: the
    label-only row under the next header has no row to join, and makes no record of its own (the
    half label left on page 1 is UNMATCHED, and I05 is flagged NOT_READ: both go to review)."""
    doc = two_pages(["三、园区循环经济发展情况", "园区重点推进了一批资源综合利用项目。", "二氧化碳排放", "水资源"],
                    HEADER)
    assert len(locate(doc)) == 2
    records = read_document(doc, "scan.pdf").records
    assert not [r for r in records if r.name_raw == "构建生态工业链项目数量"]
    assert all(r.needs_review for r in records if r.indicator_id == "I05" or "建设规划" in r.name_raw)
