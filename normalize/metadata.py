"""Facts about a report that live outside the value cells.

The park's name, the filing date, the data base year and the report's year sit
in title lines, in 1-cell rows above the table, or in an info table
("园区名称 | 长春经济技术开发区"). Reports mask digits ("数据基准年为****年"), and a
masked year must stay unknown rather than fall through to a guess.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from ecopark.schemas.grid import Document, Row
from ecopark.schemas.text import fold, simplify

if TYPE_CHECKING:
    from .span import BaseYear

YEAR = r"(\d{4}|\*{2,4})"
_PARK_LABEL = regex.compile(r"园区名称\s*[:：]\s*(.+)")
_FILED = regex.compile(r"填报时间\s*[:：]?\s*" + YEAR + r"\s*年\s*(\d{1,2}|\*{1,2})?\s*月?")
_BASE_YEAR = regex.compile(r"数据基准年\s*(?:为|是|:|：)?\s*" + YEAR + r"\s*年")
_REPORT_YEAR = [
    regex.compile(r"信息公开表\s*[（(]\s*" + YEAR + r"\s*[)）]"),
    regex.compile(YEAR + r"\s*年\s*度?\s*国家生态工业示范园区"),
    regex.compile(r"年度评价报告\s*[（(]\s*" + YEAR + r"\s*[)）]"),
    regex.compile(YEAR + r"\s*年度?\s*(?:园区)?(?:建设)?(?:年度)?评价报告"),
]
_NAME_END = regex.compile(r"填报时间|通信地址|[|｜]")
_PARK_TITLE = regex.compile(r"^[\p{Han}（）()]{2,30}(?:开发区|工业园区|园区|工业园|高新区|经开区|产业园)$")


@dataclass
class YearFact:
    """A year as printed: `value` when legible, `masked` when the document hides it."""

    value: int | None = None
    masked: bool = False

    @property
    def known(self) -> bool:
        return self.value is not None or self.masked

    @classmethod
    def parse(cls, text: str | None) -> "YearFact":
        if not text:
            return cls()
        if "*" in text:
            return cls(masked=True)
        year = int(text)
        return cls(value=year) if 1990 <= year <= 2100 else cls()


@dataclass
class Facts:
    park_name: str = ""
    report_year: YearFact = field(default_factory=YearFact)
    base_year: YearFact = field(default_factory=YearFact)   # 数据基准年, document-wide
    filed_year: YearFact = field(default_factory=YearFact)  # 填报时间
    address: str = ""                                         # 通信地址, for region-dependent requirements
    text: str = ""                                            # all narrative text, for the checks
    region: str | None = None       # jingjinji / water_scarce / None (unknown), for the reclaimed-water rule
    planning_base: "BaseYear | None" = None  # planning base year, set by the pipeline from text and numbers

    @property
    def data_year(self) -> int | None:
        """The report-level data year: 数据基准年, else the report's year."""
        for fact in (self.base_year, self.report_year):
            if fact.known:
                return fact.value
        return None


MAX_PARK_NAME = 60  # characters; the longest real names are about 25: anything longer is a paragraph


def normalize_park_name(name: str) -> str:
    """The name as printed (folded: no spaces, NFKC) without trailing punctuation; "" when it is
    too long to be one."""
    name = _NAME_END.split(fold(name))[0]
    name = name.strip("：:，,。.;；")
    return name if len(name) <= MAX_PARK_NAME else ""


def first_year(patterns, lines) -> YearFact:
    for line in lines:
        line = simplify(line)
        for pattern in patterns:
            m = pattern.search(line)
            if m:
                fact = YearFact.parse(m.group(1))
                if fact.known:
                    return fact
    return YearFact()


def _labelled_cell(doc: Document, label: str) -> str:
    """A label in one cell ('园区名称', '通信地址') and its text in the next non-empty cell of the row."""
    for table in doc.tables:
        for row in table.rows:
            texts = [fold(c.text) for c in row.cells]
            for i, t in enumerate(texts):
                if t.rstrip(":：") == label:
                    rest = [x for x in texts[i + 1:] if x]
                    if rest:
                        return rest[0]
    return ""


def find(doc: Document) -> Facts:
    # a narrow cell wraps "园区名称：长春经济技\n术开发区"; Chinese lines join without a space
    lines = [simplify(unicodedata.normalize("NFKC", text)).replace("\n", "") for text, _ in doc.text_lines()]
    facts = Facts()
    for line in lines:
        m = _PARK_LABEL.search(line)
        if m and normalize_park_name(m.group(1)):
            facts.park_name = normalize_park_name(m.group(1))
            break
    if not facts.park_name:
        facts.park_name = normalize_park_name(_labelled_cell(doc, "园区名称"))
    if not facts.park_name:
        for line in lines[:40]:
            candidate = normalize_park_name(line)
            if _PARK_TITLE.match(candidate):
                facts.park_name = candidate
                break
    facts.report_year = first_year(_REPORT_YEAR, lines)
    facts.base_year = first_year([_BASE_YEAR], lines)
    facts.filed_year = first_year([_FILED], lines)
    facts.address = _labelled_cell(doc, "通信地址")
    facts.text = simplify("\n".join(p.text for p in doc.paragraphs))
    facts.region = region_of(facts)
    return facts


# at the start of a park's name or address only: "长春市北京大街" is not in Beijing
_JINGJINJI = regex.compile(r"^(?:中国)?(?:北京|天津|河北|石家庄|唐山|秦皇岛|邯郸|邢台|保定|张家口|承德|沧州|廊坊|衡水|雄安)")
_ADDRESS = regex.compile(r"通信地址[\s|:：]*([^\n|]{0,40})")
_WATER_SCARCE = regex.compile(r"(属于|作为|地处|是|为)[^。，,；;]{0,8}缺水(城市|地区)")


def region_of(facts: Facts) -> str | None:
    """jingjinji / water_scarce / None (unknown; "other" cannot be told from a report alone)."""
    printed = _ADDRESS.search(facts.text)
    address = facts.address or (printed.group(1) if printed else "")
    if _JINGJINJI.match(facts.park_name) or _JINGJINJI.match(address):
        return "jingjinji"
    if _WATER_SCARCE.search(facts.text):
        return "water_scarce"
    return None


def table_base_year(context: list[str]) -> YearFact:
    """数据基准年 printed in the lines just above a table (nearest first)."""
    return first_year([_BASE_YEAR], reversed(context))


_TABLE_TITLE = regex.compile(r"对照考核表|考核表|达标情况|指标表|评价表|指标体系|指标完成情况")
_YEAR_RANGE = regex.compile(r"\d{4}\s*年?\s*[-—–~～至到]\s*\d{4}")
_TITLE_YEAR = regex.compile(r"(?<!\d)" + YEAR + r"\s*年\s*度?|[(（]\s*" + YEAR + r"\s*[)）]")


def title_year(context: list[str]) -> YearFact:
    """The year in the table's own title line, nearest first: '三、2018年国家生态工业示范园区标准达标情况',
    '对照考核表（2021年度）', '2021年度对照考核表'. A title line with two different years says nothing."""
    for line in reversed(context):
        t = fold(line)
        if not _TABLE_TITLE.search(t) or "填报" in t or "基准年" in t or _YEAR_RANGE.search(t):
            continue
        years = {a or b for a, b in _TITLE_YEAR.findall(t)}
        facts = [YearFact.parse(y) for y in years]
        known = [f for f in facts if f.known]
        if len(known) == 1:
            return known[0]
    return YearFact()


def row_text(row: Row) -> str:
    return " ".join(c.text for c in row.cells if not c.empty)
