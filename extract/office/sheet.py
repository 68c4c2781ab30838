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
        _check_size(sheet.name, len(band), last_col - first_col + 1)
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


def _check_size(name: str, rows: int, columns: int) -> None:
    """A sheet whose cells lie far apart would become a huge grid: refuse it by the table limits."""
    from ecopark.extract import limits

    allowed = limits.current()
    if columns > allowed.table_columns:
        raise limits.too_large(f"a table on sheet '{name}' {columns:,} columns wide", "table_columns")
    if rows > allowed.table_rows:
        raise limits.too_large(f"a table on sheet '{name}' of {rows:,} rows", "table_rows")
    if rows * columns > allowed.table_cells:
        raise limits.too_large(f"a table on sheet '{name}' of {rows * columns:,} cells", "table_cells")


def _spread_merges(sheet: Sheet) -> dict[tuple[int, int], tuple[str, str | None]]:
    """Covered cells of a merge are "" whatever the file kept in them (some writers keep old text).
    Each merge looks at its own area or at the filled cells, whichever is fewer."""
    cells = dict(sheet.cells)
    for r1, c1, r2, c2 in sheet.merges:
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(cells):
            covered = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        else:
            covered = [(r, c) for r, c in cells if r1 <= r <= r2 and c1 <= c <= c2]
        for rc in covered:
            if rc != (r1, c1):
                cells.pop(rc, None)
    return cells


def _bands(sheet: Sheet, filled: set[tuple[int, int]], first_col: int, last_col: int) -> list[list[int]]:
    """Runs of rows that belong together: cut at empty rows (unless a merge bridges them) and
    before a title row that follows a row of a table (three cells or more): a title row after a
    park-name line or another title is the head of the same table."""
    used_rows = sorted({r for r, _ in filled})
    bridged = set()  # empty rows inside a vertical merge that has text
    for r1, c1, r2, c2 in sheet.merges:
        if r2 > r1 and (r1, c1) in filled:
            bridged.update(r for r in range(r1, r2 + 1) if r <= used_rows[-1])
    widths: dict[int, int] = {}  # filled cells per row
    for r, _ in filled:
        widths[r] = widths.get(r, 0) + 1
    titles = _title_rows(sheet, filled, widths, first_col, last_col)
    bands: list[list[int]] = []
    current: list[int] = []
    for r in range(used_rows[0], used_rows[-1] + 1):
        if r not in bridged and r not in widths:
            if current:
                bands.append(current)
                current = []
            continue
        if r in titles and current and widths.get(current[-1], 0) >= 3:
            bands.append(current)
            current = []
        current.append(r)
    if current:
        bands.append(current)
    return bands


def _title_rows(sheet: Sheet, filled: set[tuple[int, int]], widths: dict[int, int], first_col: int,
                last_col: int) -> set[int]:
    """Rows whose only text is one cell merged across at least half of the sheet's columns."""
    width = last_col - first_col + 1
    return {r1 for r1, c1, r2, c2 in sheet.merges
            if r1 == r2 and (r1, c1) in filled and widths.get(r1) == 1 and (c2 - c1 + 1) * 2 >= width > 2}
