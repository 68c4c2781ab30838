"""Find the indicator tables in a document and give each column its role.

A report may carry a 对照考核表 (assessment), a 标准达标情况 table
(compliance), both, or several years of either, among narrative text and
unrelated tables (信息公开表). A table is recognised by its header row, not by
its position; rows after the header belong to it until a note line, another
indicator header, or a block that cannot continue it.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex

from ecopark.schemas.grid import Document, Paragraph, Row, Table

from . import metadata

ROLE_PATTERNS = [  # first match wins, so the specific come before the general
    ("compliant", regex.compile(r"^是否达标|^达标情况$|^是否满足")),
    ("assessed", regex.compile(r"^是否(?:为|选为|作为)?考核|^是否考核|^是否选择|^(?:是否)?(?:为|选为)考核指标")),
    ("number", regex.compile(r"^序号$|^编号$|^No\.?$", regex.I)),
    ("category", regex.compile(r"^(?:分类|项目|类别|指标类别|指标类型|类型)$")),
    ("unit", regex.compile(r"^单位$|^计量单位$")),
    ("requirement", regex.compile(r"^(?:要求|标准值|指标要求|目标值|标准要求|考核要求|标准)$")),
    ("name", regex.compile(r"^(?:指标|指标名称|考核指标|考核指标名称|名称|指标项|评价指标)$")),
    ("value", regex.compile(r"^(?:数值|指标值|现状值|实际值|完成值|完成情况|数据|当年数值|现状)$")),
]
_YEAR_COLUMN = regex.compile(r"^(\d{4}|\*{4})\s*年?(?:度)?(?:数值|数据|现状值|指标值|实际值|完成值)?$")
# "指标值(2022年)", "2022年度现状值(数值)": a value word and a year in one header cell
_VALUE_WITH_YEAR = regex.compile(r"^(?:数值|指标值|现状值|实际值|完成值|数据)[(（]?(\d{4}|\*{4})年?度?[)）]?$")
_NOTE = regex.compile(r"^\s*(?:注|备注|说明)\s*[:：0-9１-９.、]")


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class ValueColumn:
    index: int
    label: str                    # header text: "数值", "2016年", "是否达标"
    year: metadata.YearFact = field(default_factory=metadata.YearFact)


@dataclass
class LocatedTable:
    kind: str                     # assessment / compliance
    number: int                   # 1-based, in document order
    header: Row
    roles: dict[str, int]         # role -> column index
    values: list[ValueColumn]
    body: list[Row]
    context: list[str]            # text lines just above the header (title, 数据基准年 …)
    reaches_end: bool = False     # nothing follows the table: a short last row was cut off


def header_roles(row: Row) -> tuple[dict[str, int], list[ValueColumn]] | None:
    """Column roles if `row` is an indicator-table header, else None."""
    if not row.aligned or not any("指" in c.text for c in row.cells):
        return None  # cheap test first: this runs on every row of every document
    roles: dict[str, int] = {}
    values: list[ValueColumn] = []
    for i, cell in enumerate(row.cells):
        text = _norm(cell.text)
        if not text:
            continue
        year = _YEAR_COLUMN.match(text) or _VALUE_WITH_YEAR.match(text)
        if year:
            values.append(ValueColumn(i, cell.text.strip(), metadata.YearFact.parse(year.group(1))))
            continue
        for role, pattern in ROLE_PATTERNS:
            if pattern.search(text) and role not in roles:
                if role == "value":
                    values.append(ValueColumn(i, text))
                roles[role] = i
                break
    core = {"name", "unit", "requirement", "number", "assessed"} & roles.keys()
    if "name" not in roles or len(core) < 3:
        return None
    return roles, values


def _is_note(row: Row) -> bool:
    first = next((c.text for c in row.cells if not c.empty), "")
    return bool(_NOTE.match(first))


def _flat_rows(doc: Document):
    """(block index, row index, row) for every table row, plus paragraphs as None rows."""
    for b, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                yield b, r, row
        else:
            yield b, -1, None


def _context_before(doc: Document, block: int, row: int, limit: int = 8) -> list[str]:
    lines: list[str] = []
    b, r = block, row - 1
    while b >= 0 and len(lines) < limit:
        blk = doc.blocks[b]
        if isinstance(blk, Paragraph):
            lines.append(blk.text)
            b -= 1
            r = None
            continue
        if r is None:
            r = len(blk.rows) - 1
        while r >= 0 and len(lines) < limit:
            lines.append(metadata.row_text(blk.rows[r]))
            r -= 1
        b -= 1
        r = None
    return list(reversed(lines))


def _kind(roles: dict[str, int], values: list[ValueColumn]) -> str:
    return "compliance" if "compliant" in roles else "assessment"


def locate(doc: Document) -> list[LocatedTable]:
    rows = list(_flat_rows(doc))
    found: list[LocatedTable] = []
    current: LocatedTable | None = None
    gap_paragraphs = 0
    for pos, (b, r, row) in enumerate(rows):
        if row is None:  # a paragraph between tables
            if current is not None:
                gap_paragraphs += 1
                text = doc.blocks[b].text
                if len(text) > 60 or gap_paragraphs > 3:
                    current = None  # narrative resumed: the table is over
            continue
        header = header_roles(row)
        if header is not None:
            roles, values = header
            kind = _kind(roles, values)
            if current is not None and current.kind == kind and _same_header(current.header, row):
                continue  # header repeated on a continuation page
            current = LocatedTable(kind, len(found) + 1, row, roles, values, [], _context_before(doc, b, r))
            found.append(current)
            gap_paragraphs = 0
            continue
        if current is None:
            continue
        if _is_note(row):
            current = None
            continue
        if r == 0 and not _continues(current, row):
            current = None  # a new block that is not this table's continuation
            continue
        gap_paragraphs = 0
        current.body.append(row)
        current.reaches_end = pos == len(rows) - 1
    for table in found:
        _merge_year_subheader(table)
    return [t for t in found if t.body]


def _same_header(a: Row, b: Row) -> bool:
    return [_norm(c.text) for c in a.cells] == [_norm(c.text) for c in b.cells]


def _continues(table: LocatedTable, row: Row) -> bool:
    """Whether the first row of a new block (next page, next DOCX table) goes on with `table`."""
    width = len(table.header.cells)
    if not row.aligned or len(row.cells) > width or len(row.cells) <= table.roles["name"]:
        return False
    return not _starts_other_table(row)


def _starts_other_table(row: Row) -> bool:
    text = _norm(metadata.row_text(row))
    return any(k in text for k in ("园区名称", "信息公开表", "园区基本情况"))


def _merge_year_subheader(table: LocatedTable) -> None:
    """Headers printed over two rows: '数值' above '2016年 | 2018年'."""
    if not table.body:
        return
    first = table.body[0]
    years = [(i, c) for i, c in enumerate(first.cells) if _YEAR_COLUMN.match(_norm(c.text))]
    others = [c for i, c in enumerate(first.cells) if not c.empty and i not in dict(years)]
    if years and not others:
        table.values = [v for v in table.values if v.index not in dict(years) and _norm(v.label) not in ("数值", "")]
        table.values += [ValueColumn(i, c.text.strip(), metadata.YearFact.parse(_YEAR_COLUMN.match(_norm(c.text)).group(1)))
                         for i, c in years]
        table.values.sort(key=lambda v: v.index)
        table.body = table.body[1:]
