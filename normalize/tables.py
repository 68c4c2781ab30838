"""Find the indicator tables in a document and give each column its role.

A report may carry a 对照考核表 (assessment), a 标准达标情况 table
(compliance), both, or several years of either, among narrative text and
unrelated tables (信息公开表). A table is recognised by its header row, not by
its position; rows after the header belong to it until a note line, another
indicator header, or a block that cannot continue it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ecopark.schemas import vocabulary
from ecopark.schemas.grid import Document, Paragraph, Row, Table
from ecopark.schemas.text import fold

from . import metadata

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
    """Column roles if `row` is an indicator-table header, else None (see schemas.vocabulary)."""
    if not row.aligned or not any("指" in c.text for c in row.cells):
        return None  # cheap test first: this runs on every row of every document
    columns = vocabulary.header_columns(row.texts)
    if columns is None:
        return None
    roles: dict[str, int] = {}
    values: list[ValueColumn] = []
    for i, col in columns.items():
        roles.setdefault(col.role, i)
        if col.role == "value":
            values.append(ValueColumn(i, row.cells[i].text.strip(), metadata.YearFact.parse(col.year)))
    return roles, values


def _is_note(row: Row) -> bool:
    first = next((c.text for c in row.cells if not c.empty), "")
    return vocabulary.is_note(first)


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
                text = doc.blocks[b].text
                if _repeats_title(current, text):
                    continue  # the title lines over a header repeated on the next page
                gap_paragraphs += 1
                if len(text) > 60 or gap_paragraphs > 3:
                    current = None  # narrative resumed: the table is over
            continue
        header = header_roles(row)
        if header is not None:
            roles, values = header
            kind = _kind(roles, values)
            if current is not None and current.kind == kind and _repeats(current, row, roles, values):
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
    return [fold(c.text) for c in a.cells] == [fold(c.text) for c in b.cells]


_PUNCTUATION = regex.compile(r"[\p{P}\s]+")


def _repeats_title(table: LocatedTable, text: str) -> bool:
    """Whether a paragraph between two table pages repeats the lines above `table`'s header (its
    title, 园区名称, 填报时间: printed again over the header on every page, as a scan reads them,
    one OCR reading apart in punctuation and line breaks)."""
    words = [w for w in _PUNCTUATION.split(fold(text)) if w]
    above = _PUNCTUATION.sub("", fold("".join(table.context)))
    return bool(words) and all(w in above for w in words)


def _repeats(table: LocatedTable, row: Row, roles: dict[str, int], values: list[ValueColumn]) -> bool:
    """Whether a header row repeats `table`'s header (on a continuation page): the same text, or,
    read again by OCR and so spelled a little otherwise ('考核指标' under a lost '是否为'), as many
    columns, the name and value columns where they were for the same years, and no column in
    another role (a role one reading lost is no difference)."""
    if _same_header(table.header, row):
        return True
    common = roles.keys() & table.roles.keys()
    return (len(row.cells) == len(table.header.cells) and {"name", "value"} <= common
            and all(roles[k] == table.roles[k] for k in common)
            and [(v.index, v.year) for v in values] == [(v.index, v.year) for v in table.values])


def _continues(table: LocatedTable, row: Row) -> bool:
    """Whether the first row of a new block (next page, next DOCX table) goes on with `table`."""
    width = len(table.header.cells)
    if not row.aligned or len(row.cells) > width or len(row.cells) <= table.roles["name"]:
        return False
    return not _starts_other_table(row)


def _starts_other_table(row: Row) -> bool:
    text = fold(metadata.row_text(row))
    return any(k in text for k in ("园区名称", "信息公开表", "园区基本情况"))


def _merge_year_subheader(table: LocatedTable) -> None:
    """Headers printed over two rows: '数值' above '2016年 | 2018年', '目标值' above '2025年'.

    A year cell takes the role of the header cell above it (or of the merged one to its
    left): under 数值/现状值 it is a value column of that year, under 目标值 a target
    (not data), under 备注 nothing."""
    if not table.body:
        return
    first = table.body[0]
    years = {}
    for i, c in enumerate(first.cells):
        col = vocabulary.column_role(c.text) if not c.empty else None
        if col is not None and col.role == "value" and col.year:
            years[i] = col.year
    others = [c for i, c in enumerate(first.cells) if not c.empty and i not in years]
    if not years or others:
        return
    header = table.header.cells
    parents = {i: _above(header, i) for i in years}
    roles = {}
    for i, j in parents.items():
        col = vocabulary.column_role(header[j].text) if j is not None else None
        roles[i] = col.role if col else "value"
    replaced = set(years) | {parents[i] for i in years if roles[i] == "value"}
    table.values = [v for v in table.values if v.index not in replaced]
    table.values += [ValueColumn(i, first.cells[i].text.strip(), metadata.YearFact.parse(year))
                     for i, year in years.items() if roles[i] == "value"]
    table.values.sort(key=lambda v: v.index)
    table.body = table.body[1:]


def _above(header: list, i: int) -> int | None:
    """The header cell over column i: its own, or the merged cell that spans it from the left."""
    return next((j for j in range(min(i, len(header) - 1), -1, -1) if not header[j].empty), None)
