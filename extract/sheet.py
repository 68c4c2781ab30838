"""One spreadsheet sheet, read cell by cell, as the blocks of a `schemas.grid.Document`.

The readers of .xlsx, .xls and .ods fill a `Sheet` (shown text and stored value
per cell, merged ranges); this module lays it out the way a person sees the
sheet. Merges are spread as schemas.grid prescribes (text in the first row and
column, "" in the covered cells). A sheet often holds several tables one under
another (对照考核表, then 信息公开表, then 标准达标情况), so the sheet is cut
into tables at empty rows and before a title row (one text merged across the
sheet) that follows a row of a table; lines of text (one cell a row) become
paragraphs. All tables of a sheet keep the
sheet's columns, so a table that goes on after an empty row lines up with its
start. Locations are the sheet's own: `Sheet1!C12`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ecopark.schemas.grid import Block, Cell, Location, Paragraph, Row, Table


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)  # (row, col) -> (text, stored)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col

    def put(self, row: int, column: int, text: str, stored: str | None = None) -> None:
        if text or stored:
            self.cells[(row, column)] = (text, stored)


class TableNumbers:
    """1-based table numbers across all sheets of a workbook, in reading order."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def blocks(sheet: Sheet, numbers: TableNumbers) -> list[Block]:
    cells = _spread_merges(sheet)
    filled = {rc for rc, (text, stored) in cells.items() if text.strip() or stored}
    if not filled:
        return []
    first_col = min(c for _, c in filled)
    last_col = max(c for _, c in filled)
    out: list[Block] = []
    for band in _bands(sheet, filled, first_col, last_col):
        texts = [(r, c) for r in band for c in range(first_col, last_col + 1) if (r, c) in filled]
        if len(texts) == len({r for r, _ in texts}):  # lines of text, one cell each: paragraphs
            out.extend(Paragraph(cells[rc][0], Location(sheet=sheet.name, row=rc[0], column=rc[1])) for rc in texts)
            continue
        number = numbers.next()
        rows = []
        for r in band:
            row_cells = []
            for c in range(first_col, last_col + 1):
                text, stored = cells.get((r, c), ("", None))
                row_cells.append(Cell(text, Location(table=number, row=r, column=c, sheet=sheet.name), stored))
            rows.append(Row(row_cells, Location(table=number, row=r, sheet=sheet.name)))
        out.append(Table(rows, Location(table=number, sheet=sheet.name)))
    return out


def _spread_merges(sheet: Sheet) -> dict[tuple[int, int], tuple[str, str | None]]:
    """Covered cells of a merge are "" whatever the file kept in them (some writers keep old text)."""
    cells = dict(sheet.cells)
    for r1, c1, r2, c2 in sheet.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    cells.pop((r, c), None)
    return cells


def _bands(sheet: Sheet, filled: set[tuple[int, int]], first_col: int, last_col: int) -> list[list[int]]:
    """Runs of rows that belong together: cut at empty rows (unless a merge bridges them) and
    before a title row that follows a row of a table (three cells or more): a title row after a
    park-name line or another title is the head of the same table."""
    used_rows = sorted({r for r, _ in filled})
    bridged = set()  # empty rows inside a vertical merge that has text
    for r1, c1, r2, c2 in sheet.merges:
        if r2 > r1 and (r1, c1) in filled:
            bridged.update(range(r1, r2 + 1))
    titles = _title_rows(sheet, filled, first_col, last_col)
    bands: list[list[int]] = []
    current: list[int] = []
    for r in range(used_rows[0], used_rows[-1] + 1):
        if r not in bridged and not any((r, c) in filled for c in range(first_col, last_col + 1)):
            if current:
                bands.append(current)
                current = []
            continue
        if r in titles and current and _row_width(filled, current[-1], first_col, last_col) >= 3:
            bands.append(current)
            current = []
        current.append(r)
    if current:
        bands.append(current)
    return bands


def _row_width(filled: set[tuple[int, int]], row: int, first_col: int, last_col: int) -> int:
    return sum((row, c) in filled for c in range(first_col, last_col + 1))


def _title_rows(sheet: Sheet, filled: set[tuple[int, int]], first_col: int, last_col: int) -> set[int]:
    """Rows whose only text is one cell merged across at least half of the sheet's columns."""
    width = last_col - first_col + 1
    titles = set()
    for r1, c1, r2, c2 in sheet.merges:
        if r1 == r2 and (r1, c1) in filled and (c2 - c1 + 1) * 2 >= width and width > 2:
            if not any((r1, c) in filled for c in range(first_col, last_col + 1) if c != c1):
                titles.add(r1)
    return titles
