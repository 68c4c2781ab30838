"""Undo what page layout did to a PDF table: wrapped lines and page breaks.

A PDF has no cells, only glyphs at positions: a label wrapped in a narrow
column comes out as two lines, a number as "2536248." and "00", and a table
longer than a page as one table per page, possibly with a row cut in two.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ecopark.schemas.grid import Block, Cell, Paragraph, Row, Table
from ecopark.schemas.vocabulary import Column, column_role, header_columns

FRAME_TOLERANCE = 4  # points: the same border drawn on two pages

# Running page furniture between two parts of one table: "3", "- 3 -", "第 3 页 共 12 页", "Page 3".
PAGE_FURNITURE = re.compile(r"^[-—–\s第页共/|PpageＰ\d]*\d[-—–\s第页共/|PpageＰ\d]*$")


def join_wrapped(lines: list[str]) -> str:
    """The cell text as written before the column width wrapped it.

    Chinese never has spaces between characters and a number never has a space
    inside it, so those lines are glued; two Latin words keep their space."""
    out = ""
    for line in (part.strip() for part in lines):
        if not line:
            continue
        if out and _latin_break(out[-1], line[0]):
            out += " "
        out += line
    return out


def _latin_break(left: str, right: str) -> bool:
    if not (left.isascii() and right.isascii()):
        return False
    return left.isalpha() and right.isalnum() or left.isdigit() and right.isalpha()


def stitch(pages: list[list[Block]]) -> list[Block]:
    """Blocks of all pages in order, a table continued on the next page appended to its start.

    Between the parts there may be page furniture, and the lines printed above the
    table's first part printed again (a table title and 园区名称 repeated above a
    grid-less table, where they are lines, not rows): those repeats are dropped."""
    out: list[Block] = []
    open_table: Table | None = None  # ended its page with nothing but furniture after it
    heads: dict[int, set[str]] = {}  # id of a table -> the lines just above its first part
    for blocks in pages:
        first = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), None)
        sequence = list(blocks)
        head = heads.get(id(open_table), set())
        if (open_table is not None and first is not None and _between(blocks[:first], head)
                and _same_frame(open_table, blocks[first])):
            _append(open_table, blocks[first])
            sequence[first] = open_table
            out.extend(b for i, b in enumerate(blocks) if i > first or (i < first and not _repeat(b, head)))
        else:
            out.extend(blocks)
            if first is not None:
                heads[id(blocks[first])] = {_squeeze(b.text) for b in blocks[max(0, first - HEAD_LINES):first]
                                            if isinstance(b, Paragraph)}
        last = max((i for i, b in enumerate(sequence) if isinstance(b, Table)), default=None)
        after = [b for b in sequence[last + 1:] if not _within(b, sequence[last])] if last is not None else []
        open_table = sequence[last] if last is not None and _furniture(after) else None
    return out


HEAD_LINES = 8  # lines above a table's first part that its continuations may repeat


def _repeat(block: Block, head: set[str]) -> bool:
    return isinstance(block, Paragraph) and _squeeze(block.text) in head


def _between(blocks: list[Block], head: set[str]) -> bool:
    return all(_furniture([b]) or _repeat(b, head) for b in blocks)


def _within(block: Block, table: Table) -> bool:
    """A line that lies inside the table's own height (a header word left outside its cell) is
    no text after the table: it does not stop the table running on to the next page."""
    if not isinstance(block, Paragraph) or block.loc.bbox is None or not table.rows:
        return False
    # the foot of the table on this page: its last row's cells (a table stitched from earlier
    # pages has the box of its first part)
    feet = [c.loc.bbox[3] for c in table.rows[-1].cells if c.loc.bbox and c.loc.page == block.loc.page]
    return bool(feet) and block.loc.bbox[3] <= max(feet) + FRAME_TOLERANCE


def _furniture(blocks: list[Block]) -> bool:
    return all(isinstance(b, Paragraph) and PAGE_FURNITURE.match(b.text.strip()) for b in blocks)


def _width(table: Table) -> int:
    return max((len(r.cells) for r in table.rows), default=0)


def _same_frame(a: Table, b: Table) -> bool:
    """Two parts of one table share their left and right borders."""
    if a.loc.bbox is None or b.loc.bbox is None:
        return _width(a) == _width(b)
    return abs(a.loc.bbox[0] - b.loc.bbox[0]) < FRAME_TOLERANCE and abs(a.loc.bbox[2] - b.loc.bbox[2]) < FRAME_TOLERANCE


def _regrid(parts: list[Table]) -> None:
    """Lay the parts on one column grid: a part whose rows were all merged cells (a title
    block at the foot of a page) has fewer columns than the body on the next page."""
    edges = sorted({round(c.loc.bbox[0]) for t in parts for r in t.rows for c in r.cells if c.loc.bbox})
    # a column is a run of left edges each within the tolerance of the one before: on a scanned page
    # that was turned level, boxes mapped back to the page as stored drift a few points down the page
    columns: list[list[float]] = []
    for x in edges:
        if columns and x - columns[-1][-1] <= FRAME_TOLERANCE:
            columns[-1].append(x)
        else:
            columns.append([x])
    for table in parts:
        for row in table.rows:
            placed = [Cell("", replace(row.loc, column=i + 1)) for i in range(len(columns))]
            for cell in row.cells:
                if cell.loc.bbox is None:
                    continue
                x = round(cell.loc.bbox[0])
                i = next(k for k, run in enumerate(columns) if run[0] <= x <= run[-1])
                if placed[i].text:  # two cells of one row in one column: neither is lost
                    cell = replace(cell, text=join_wrapped([placed[i].text, cell.text]))
                placed[i] = replace(cell, loc=replace(cell.loc, column=i + 1))  # its doubts kept
            row.cells = placed


def _append(table: Table, part: Table) -> None:
    """Add a continuation page's rows; a row cut by the page break is joined to its first half.

    Word repeats a table's top rows on every page when asked to. A repeated
    header row is left in (the row reader skips repeated headers); repeated
    title rows above it (the table title, 园区名称/填报时间) are dropped, as
    they would read as label text. The first row after them is the second
    half of a cut row when its 序号 is empty and its 指标 or 单位 is too: a
    real row always has a label and a unit. (分类 is no guide: a category
    merged down over the break continues its text there.)"""
    if _width(table) != _width(part):
        _regrid([table, part])
    header = _header_index(table)
    titles = {_row_key(r) for r in table.rows[:max(header, 0)]}
    header_key = _row_key(table.rows[header]) if header >= 0 else None
    rows, start = [], 0
    while start < len(part.rows) and _row_key(part.rows[start]) in titles | {header_key}:
        if _row_key(part.rows[start]) == header_key:
            rows.append(part.rows[start])
        start += 1
    rest = part.rows[start:]
    if rest and _continues_previous(table, rest[0]):
        for mine, more in zip(table.rows[-1].cells, rest[0].cells):
            mine.text = join_wrapped([mine.text, more.text])
        rest = rest[1:]
    table.rows.extend(rows + rest)


def _header_index(table: Table) -> int:
    """The table's header row: the first whose cells name indicator-table columns (schemas.vocabulary)."""
    for i, row in enumerate(table.rows):
        if header_columns(row.texts) is not None:
            return i
    return -1


def _columns(table: Table) -> dict[str, int]:
    """Columns of 序号 (number), 指标 (name) and 单位 (unit), by the header's words."""
    index = _header_index(table)
    if index < 0:
        return {}
    found: dict[str, int] = {}
    for c, column in header_columns(table.rows[index].texts).items():
        if column.role in ("number", "name", "unit") and column.role not in found:
            found[column.role] = c
    return found


def _continues_previous(table: Table, row: Row) -> bool:
    if not row.filled or not table.rows:
        return False
    columns = _columns(table)
    if "number" not in columns:  # the header row itself may be the one cut ("序" / "号")
        joined = [_squeeze(a + b) for a, b in zip(table.rows[-1].texts, row.texts)]
        return _names_number(joined) and not _names_number(row.texts)

    def empty(name: str) -> bool:
        return name in columns and (row.cell(columns[name]) is None or row.cell(columns[name]).empty)

    return empty("number") and (empty("name") or empty("unit"))


def _names_number(texts) -> bool:
    return any((column_role(t) or _NONE).role == "number" for t in texts)


_NONE = Column("")


def _row_key(row: Row) -> tuple[str, ...]:
    return tuple(_squeeze(t) for t in row.texts)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
