"""Scanned PDF pages: find the indicator table and read it cell by cell with offline OCR.

For extract/pdf.py — the whole interface:

    from ecopark.extract import scan
    scan.scanned_pages(path)               # 1-based numbers of scanned pages (extract.pdf.kind's test)
    blocks = scan.read_pages(path, [3, 4, 5, 6])   # OCR of those pages, as grid Blocks
    doc = scan.read(path)                  # a wholly scanned PDF as a Document on its own

`read_pages` returns Paragraph and Table blocks in page order, each with
`loc.page` set: the title lines of page 1 (a probe, not a full read), the rows
that head the table at the foot of the page before it (title, 园区名称, 填报时间)
with the lines just above them, the caption above and the notes below each table
part, and one Table per ruled grid of the indicator table on each page (rows
continue from page to page; a repeated title/header is returned as it stands; a
row cut by a page break comes back as two rows, the second without 序号/value).
Every non-empty cell has `loc.confidence`; below OCR_REVIEW_BELOW (0.8) means "check the scan"
(OCR_LOW_CONFIDENCE). A grid position that no cell covers (its rules were not
found) is an empty cell with confidence 0.

Why it is shaped like this: OCR is the slow part, and a report is mostly
narrative. So every page is first triaged on a 72-dpi render for ruled lines;
only those pages are rendered at 200 dpi, deskewed by the angle of their rules,
cut into cells along the rules, and only the cell contents are recognised, in
batches. A grid is part of the indicator table when one of its first rows names
the table's columns (指标, 单位, 要求…) or when it continues a table part of the
page before with the same columns. Narrative pages are never read in full
(the Document's `ocr_lines_page_N` counters show it). Every cell keeps the recogniser's confidence,
lowered by `ocr_slips` where a known confusion is possible.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
import regex

from ecopark.schemas.grid import Block, Cell, Document, Location, Paragraph, Row, Table
from ecopark.schemas.vocabulary import spaced_word

from . import grid as ocr_grid, lineless, slips as ocr_slips
from .engine import counting, detect_and_read, recognise
from .page import READ_DPI, PageImage, _turn, quarter_turned, thumbnail
from .source import ImagePages, PdfPages
from ecopark.extract.pdf.kind import scanned_pages  # the one scanned-page test

PROBE_DPI = 80
HEADER_ROWS_PROBED = 6

__all__ = ["read", "read_images", "read_pages", "read_source", "scanned_pages"]


def read(path: Path) -> Document:
    path = Path(path)
    pages = scanned_pages(path)
    doc = Document(source=str(path), format="scanned-pdf", layout="pdf-ocr")
    doc.blocks = read_pages(path, pages, doc)
    if not doc.tables:
        doc.notes.append("scanned PDF: no ruled indicator table found on the scanned pages")
    return doc


def read_images(source: ImagePages, doc: Document) -> list[Block]:
    """Every picture of `source` as a scanned page (1-based page = picture number)."""
    with counting(doc):
        return _read(source, list(range(1, len(source) + 1)), doc)


def read_pages(path: Path, pages: list[int], doc: Document | None = None) -> list[Block]:
    """OCR of those pages of the PDF at `path`; the work done is counted on `doc`."""
    source = PdfPages(path)
    try:
        return read_source(source, pages, doc)
    finally:
        source.close()


def read_source(source, pages: list[int], doc: Document | None = None) -> list[Block]:
    doc = doc if doc is not None else Document(source="", format="")
    with counting(doc):
        return _read(source, sorted(set(pages)), doc)


def _triage(source, n: int, doc: Document):
    """A cheap look at page n: its thumbnail, and whether it may hold a table (ruled, either way up)."""
    started = time.perf_counter()
    thumb = thumbnail(source, n)
    doc.count("pages_screened")
    upright = np.ascontiguousarray(thumb.gray.T) if quarter_turned(thumb.gray) else thumb.gray
    ruled = ocr_grid.looks_ruled(upright) or lineless.looks_tabular(upright)
    doc.count("seconds_screen", time.perf_counter() - started)
    return thumb, ruled


def _read(source, pages: list[int], doc: Document) -> list[Block]:
    thumbs = {}
    for n in pages:
        thumb, ruled = _triage(source, n, doc)
        if ruled:
            thumbs[n] = thumb
    parts: list[TablePart] = []
    started = time.perf_counter()
    prepared: dict[int, PageImage] = {}  # each page is made upright and binarised once
    loose: dict[int, list] = {}          # its few ruled rows, where it has no table grid
    for n in thumbs:
        page = prepared[n] = PageImage.of(source, n, thumbs[n])
        doc.count("pages_ocr")
        _note_page(page, doc)
        grids = ocr_grid.find_grids(page.gray, page.binary, seal=page.seal)
        for i, grid in enumerate(grids):
            part = TablePart(page, grid, {}, ocr_grid.em_height(page.binary, grid))
            heads = [p for p in parts if p.header_row is not None]
            if not (heads and _copy_repeated_head(part, heads[-1])):
                part.roles = _header_roles(part)
            prev = parts[-1] if parts else None
            continues = (prev is not None and i == 0 and prev.page.number == n - 1
                         and _same_columns(prev.grid, grid))
            if continues and not part.roles:
                part.roles = prev.roles
            if part.roles:
                parts.append(part)
        if not grids:
            loose[n] = ocr_grid.find_grids(page.gray, page.binary, min_rows=1, min_cols=1, seal=page.seal)
        if not grids and not loose[n]:
            found = _lineless_parts(page, parts[-1] if parts and parts[-1].page.number == n - 1 else None)
            parts += found
            if found:
                doc.count("tables_without_rules", len(found))
    blocks: list[Block] = []
    first = parts[0].page.number if parts else None
    if pages and pages[0] == 1 and (first != 1 or parts[0].grid.bbox[1] > 0.25 * parts[0].gray.shape[0]):
        blocks += _probe(source, 1)  # the title (and its year) when the table does not open the page
    if first and first - 1 in pages:
        head = prepared.get(first - 1) or PageImage.of(source, first - 1)
        blocks += _head_of_table(head, loose.get(first - 1))
    for number in sorted({p.page.number for p in parts}):
        mine = [p for p in parts if p.page.number == number]
        floor = 0
        for part in mine:
            blocks += _region(part.page, part.em, None, part.grid.bbox[1], floor=floor)
            blocks.append(_table(part))
            floor = part.grid.bbox[3]
        blocks += _region(mine[-1].page, mine[-1].em, mine[-1].grid.bbox[3], None)
    doc.count("seconds_ocr", time.perf_counter() - started)
    return _with_parts(blocks, getattr(source, "names", None))


def _with_parts(blocks: list[Block], names: list[str] | None) -> list[Block]:
    """Pictures taken out of a document: every location also names the picture's part."""
    if not names or not any(names):
        return blocks

    def named(loc: Location) -> Location:
        return replace(loc, part=names[loc.page - 1] or None) if loc.page else loc

    for block in blocks:
        block.loc = named(block.loc)
        for row in getattr(block, "rows", []):
            row.loc = named(row.loc)
            for cell in row.cells:
                cell.loc = named(cell.loc)
    return blocks


def _note_page(page: PageImage, doc: Document) -> None:
    """What was done to a page before reading it, for documents.csv."""
    done = []
    if page.turned:
        done.append(f"turned {90 * page.turned}° clockwise")
    if page.seal_removed:
        done.append("red ink removed")
    if page.unwarped:
        done.append("photo flattened")
    if done:
        doc.notes.append(f"page {page.number}: {', '.join(done)} before OCR")


@dataclass
class TablePart:
    """One ruled grid of a page that belongs to an indicator table."""
    page: PageImage
    grid: ocr_grid.Grid
    roles: dict[int, str]
    em: float  # pixel height of a CJK character in this grid

    done: list = field(default_factory=list)  # cells already recognised (the header probe)
    header_row: int | None = None            # grid row of the column header, if on this part
    channels: list = field(default_factory=list)  # a table without rules: the white between its columns

    @property
    def gray(self):
        return self.page.gray

    @property
    def number(self) -> int:
        return self.page.number

    @property
    def binary(self):
        return self.page.binary


def _head_of_table(page: PageImage, grids: list | None = None) -> list[Block]:
    """The page before the table: a table often starts at its foot with a few ruled rows
    (title, 园区名称 | 填报时间, 数据基准年) before the header moves to the next page.
    Those rows are read as a table; the lines just above them, or the page's last lines
    if there are no such rows, are read as paragraphs. The rest of the page is not read.
    `grids`: the page's ruled rows, when the table search has found them already."""
    h = page.gray.shape[0]
    if grids is None:
        grids = ocr_grid.find_grids(page.gray, page.binary, min_rows=1, min_cols=1, seal=page.seal)
    grids = [g for g in grids if g.bbox[3] > 0.6 * h]
    if not grids:
        em = READ_DPI * 10.5 / 72
        return _region(page, em, int(0.75 * h), None, keep_last=6)
    out: list[Block] = []
    parts = [TablePart(page, g, {}, ocr_grid.em_height(page.binary, g)) for g in grids]
    out += _region(page, parts[0].em, None, grids[0].bbox[1])
    out += [_table(p) for p in parts]
    return out


def _same_columns(a: ocr_grid.Grid, b: ocr_grid.Grid, tolerance: float = 0.03) -> bool:
    """Column edges at the same shares of each grid's width: pictures of one table pasted at
    different sizes (or cropped with different margins) show it at different scales."""
    if len(a.col_edges) != len(b.col_edges):
        return False
    (a0, *_, a1), (b0, *_, b1) = a.col_edges, b.col_edges
    if a1 <= a0 or b1 <= b0:
        return False
    return all(abs((x - a0) / (a1 - a0) - (y - b0) / (b1 - b0)) <= tolerance
               for x, y in zip(a.col_edges, b.col_edges))


def _header_text(found: list) -> str:
    """A header cell of a two-row header: the year under a heading spanning the year columns
    (数值 over 2016年 | 2018年) names the column; otherwise the lines as read, joined."""
    texts = [t for _, t, _ in _reading_order(found)]
    years = [t for t in texts if regex.fullmatch(r"(19|20)\d\d年?(度)?", t.strip())]
    return years[-1] if years else "".join(texts)


def _reading_order(found: list) -> list:
    """The pieces (segment, text, score) of one header cell line by line, left to right: a word
    wrapped under its first part ("是否达" over "标") may lie left of it, and one text row of the
    page can hold both."""
    piece = {id(f[0]): f for f in found}
    return [piece[id(s)] for line in lineless._text_rows([f[0] for f in found]) for s in line]


def _wrapped_header(row, by_col: dict, roles: dict, bottom: int, edges: list[int], em: float, read: list):
    """The header cells with `row` added, when it holds their wrapped words ("序" over "号",
    "是否选" over "为 / 考核指 / 标"), else None. Such a row follows the header line closely,
    holds a few words only, no number, and names no column differently from before."""
    if min(s.y0 for s in row) - bottom > 0.8 * em or len(row) > max(2, (len(edges) - 1) // 2):
        return None
    if any(regex.fullmatch(r"[-+]?\d[\d.,]*%?|[-—–/]+", text.strip()) for text, _ in read):
        return None
    wider = {c: list(v) for c, v in by_col.items()}
    for s, (text, score) in zip(row, read):
        wider.setdefault(lineless.column_at((s.x0 + s.x1) // 2, edges), []).append((s, text, score))
    more = ocr_slips.column_roles({c: _header_text(v) for c, v in wider.items()})
    if any(more.get(c) != role for c, role in roles.items()):
        return None
    return wider, more


# the columns a table row is read for: 数值 (one per year) in the 对照考核表, 是否达标 in the 标准达标情况
VALUE_ROLES = ("value", "compliant")


def _lineless_parts(page: PageImage, previous: "TablePart | None") -> "list[TablePart]":
    """The indicator tables of a page that has no ruled grid (three-line or borderless), top to
    bottom: the first may continue the page before's table (`previous`), the others have headers."""
    ink = lineless.text_ink(page.binary)
    em = ocr_grid.em_height(ink, ocr_grid.Grid([], 0, 0, [], (0, 0, *ink.shape[::-1]), np.zeros_like(ink)))
    parts = []
    for k, found in enumerate(lineless.find_tables(ink, em)):
        part = _lineless_part(page, found, ink, em, previous if k == 0 else None)
        if part is not None:
            parts.append(part)
    return parts


def _centred_starts(body: list, edges: list[int], roles: dict[int, str], em: float,
                    headed: bool, marks: list) -> list[int] | None:
    """Row tops of a borderless table with vertically centred cells (lineless.centred_starts), None
    for a top-aligned one, which row_starts reads. The 序号 and 分类 columns are left out of the
    bands: centred over a block of rows, a merged 分类 line bridges the white between two rows.
    `marks` are the dashes printed alone in cells (an empty unit or selection still has a line)."""
    skip = [c for c, role in roles.items() if role in ("number", "category")]
    kinds = {c: role for c, role in roles.items() if role in ("unit", "selected") + VALUE_ROLES}
    if not any(role != "selected" for role in kinds.values()):
        return None
    return lineless.centred_starts(body, edges, skip, kinds, em, headed, marks)


def _span_of(found: list) -> lineless.Segment:
    """The box around a header cell's lines."""
    return lineless.Segment(min(s.x0 for s, _, _ in found), min(s.y0 for s, _, _ in found),
                            max(s.x1 for s, _, _ in found), max(s.y1 for s, _, _ in found))


def _spaced_header(by_col: dict[int, list], edges: list[int]) -> tuple[dict[int, list], list[int]]:
    """Header words printed with their characters set apart (要    求, 单  位) leave white between the
    characters, and where the column's body is short on that page (≥3, 100, -) nothing crosses
    it, so it reads as a channel between two columns. Two neighbouring header cells that name no
    column alone and one column together are one column: the edge between them goes."""
    for a in sorted(by_col):
        b = a + 1
        if b not in by_col or not spaced_word(_header_text(by_col[a]), _header_text(by_col[b])):
            continue
        joined = {(c - 1 if c > a else c): v for c, v in by_col.items() if c != b}
        joined[a] = by_col[a] + by_col[b]
        return _spaced_header(joined, edges[:b] + edges[b + 1:])
    return by_col, edges


def _lineless_part(page: PageImage, found: lineless.TextTable, ink: np.ndarray, em: float,
                   previous: "TablePart | None") -> "TablePart | None":
    """One table of a page that has no ruled grid, or None when it is no indicator table.

    The header is read from whole text segments (a heading centred over two year
    columns spans the channel between them and is left out, the years under it
    are kept); a page that continues the table of the page before without a
    header takes that page's roles when its columns line up with them."""
    segs, bbox, edges = found.segments, found.bbox, found.edges
    rows = lineless._text_rows(segs)[:HEADER_ROWS_PROBED]
    head = [s for r in rows for s in r]
    texts = recognise([ocr_grid.line_image(page.gray, ocr_grid.TextLine(s.x0, s.y0, s.x1, s.y1, 0)) for s in head],
                      page.number)
    by_col: dict[int, list[tuple[lineless.Segment, str, float]]] = {}
    roles: dict[int, str] = {}
    header_bottom = None
    for r in rows:
        for s in r:
            col = lineless.column_at((s.x0 + s.x1) // 2, edges)  # header words may overhang their column
            text, score = texts[head.index(s)]
            by_col.setdefault(col, []).append((s, text, score))
        by_col, edges = _spaced_header(by_col, edges)
        for c, word in ocr_slips.mended_header({c: _header_text(v) for c, v in by_col.items()}).items():
            by_col[c] = [(_span_of(by_col[c]), word, min(sc for _, _, sc in by_col[c]))]
        roles = ocr_slips.column_roles({c: _header_text(v) for c, v in by_col.items()})
        values = [c for c, v in roles.items() if v in VALUE_ROLES]
        if values and all(c in roles for c in range(min(values), len(edges) - 1)):
            header_bottom = max(s.y1 for s in r)
            for more in rows[rows.index(r) + 1:]:  # header words wrapped onto the lines below
                wider = _wrapped_header(more, by_col, roles, header_bottom, edges, em,
                                        [texts[head.index(s)] for s in more])
                if wider is None:
                    break
                by_col, roles = wider
                header_bottom = max(s.y1 for s in more)
            break
    page_ink = replace(page, binary=ink)
    if header_bottom is None:
        if previous is None or not previous.roles:
            return None
        edges = lineless.continued_columns(segs, (bbox[0], bbox[2]), previous.grid.col_edges, em,
                                           0.03 * (bbox[2] - bbox[0]), previous.channels)
        if edges is None:
            return None
        roles, header_top = previous.roles, bbox[1]
        cut = lineless.lines_above(found, em, edges,  # the rest of the page before's last row
                                   {c for c, role in roles.items() if role == "number"})
        if cut:
            segs = cut + segs
            bbox = (bbox[0], cut[0].y0, bbox[2], bbox[3])
    else:
        header_top = bbox[1]
    body = [s for s in segs if header_bottom is None or s.y0 > header_bottom]
    anchors = [c for c, role in roles.items() if role == "number"]
    paired = [c for c, role in roles.items() if role in ("unit", "selected")]
    values = [c for c, role in roles.items() if role in VALUE_ROLES]
    dashes = [d for d in lineless.dashes(ink, em) if d.y0 >= bbox[1] - em and d.y1 <= bbox[3] + em
              and (header_bottom is None or d.y0 > header_bottom) and not lineless.inside_text(d, segs)]
    starts = (_centred_starts(body, edges, roles, em, header_bottom is not None, dashes)
              or lineless.row_starts(body + dashes, edges, anchors, (paired, values), em))
    if not starts:
        return None
    if header_bottom is None and starts[0] > bbox[1] + 0.8 * em:
        starts = [bbox[1]] + starts  # a row that began on the page before
    with_header = header_bottom is not None
    grid = lineless.grid_of(bbox, edges, starts, header_top if with_header else starts[0], ink, em,
                            with_header=with_header)
    part = TablePart(page_ink, grid, roles, em, channels=lineless.channels(segs, (bbox[0], bbox[2]), em))
    if with_header:
        cells = []
        for box in (b for b in grid.cells if b.row == 0):
            mine = by_col.get(box.col, [])
            cells.append(CellText(box, [], [_header_text(mine)] if mine else [],
                                  [min(sc for _, _, sc in mine)] if mine else []))
        part.done, part.header_row = cells, 0
    return part


# ---------------------------------------------------------------- cells

@dataclass
class CellText:
    box: ocr_grid.CellBox
    lines: list[ocr_grid.TextLine]
    texts: list[str]
    scores: list[float]
    wrapped: bool = False  # a number wrapped over lines and joined (see ocr_slips)
    doubts: list[str] = field(default_factory=list)    # why the confidence is low (ocr_slips)
    readings: list[str] = field(default_factory=list)  # other texts the glyphs allow (ocr_slips)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def confidence(self) -> float | None:
        return min(self.scores) if self.scores else None


def _read_cells(tp: TablePart, boxes: list[ocr_grid.CellBox]) -> list[CellText]:
    """Text of `boxes`: lone dashes by their shape, every other line recognised in one batch."""
    cells = [CellText(b, ocr_grid.text_lines(tp.binary, b, tp.em), [], []) for b in boxes]
    todo = []
    for c in cells:
        dash = ocr_slips.dash(c.lines[0], tp.em) if len(c.lines) == 1 else None
        if dash:
            c.texts, c.scores = [dash[0]], [dash[1]]
            if dash[1] < ocr_slips.SAFE_FIX:
                c.doubts.append("a lone stroke between a hyphen and a dash in length")
        else:
            todo.append(c)
    crops = [ocr_grid.line_image(tp.gray, ln) for c in todo for ln in c.lines]
    results = iter(recognise(crops, tp.number))
    for c in todo:
        for _ in c.lines:
            text, score = next(results)
            c.texts.append(text)
            c.scores.append(score)
    return cells


def _header_roles(part: TablePart) -> dict[int, str]:
    """Column roles from the header row, if one of the first rows is the header.

    Only the first rows are recognised here; they are kept on the part, so the
    table read does not recognise them again."""
    first = [b for b in part.grid.cells if b.row < HEADER_ROWS_PROBED]
    part.done = _read_cells(part, first)
    by_row: dict[int, list[CellText]] = {}
    for c in part.done:
        by_row.setdefault(c.box.row, []).append(c)
    for row in sorted(by_row):
        mended = ocr_slips.mended_header({c.box.col: c.text for c in by_row[row]})
        for c in by_row[row]:
            if c.box.col in mended:
                c.texts = [mended[c.box.col]]
        roles = ocr_slips.column_roles({c.box.col: c.text for c in by_row[row]})
        if roles:
            part.header_row = row
            return roles
    return {}


def _copy_repeated_head(part: TablePart, model: TablePart) -> bool:
    """A table that repeats its title and header rows on every page: when the first rows of
    this grid look like the model's rows up to its header (same cells, same ink), their
    texts are copied instead of recognised again, which saves a second per page."""
    rows = range(model.header_row + 1)
    theirs = {(c.box.row, c.box.col): c for c in model.done if c.box.row in rows}
    mine = [b for b in part.grid.cells if b.row in rows]
    if len(mine) != len(theirs):
        return False
    copies = []
    for box in mine:
        other = theirs.get((box.row, box.col))
        if other is None or other.box.colspan != box.colspan or not _looks_same(part, box, model, other.box):
            return False
        copies.append(CellText(box, [], list(other.texts), list(other.scores)))  # checked on the model
    part.done, part.roles, part.header_row = copies, model.roles, model.header_row
    return True


def _looks_same(a: TablePart, box_a, b: TablePart, box_b) -> bool:
    wa, ha, wb, hb = box_a.x1 - box_a.x0, box_a.y1 - box_a.y0, box_b.x1 - box_b.x0, box_b.y1 - box_b.y0
    if abs(wa - wb) > 0.03 * wb + 4 or abs(ha - hb) > 0.1 * hb + 4:
        return False
    small = (max(8, wb // 4), max(8, hb // 4))
    ia = cv2.resize(a.binary[box_a.y0:box_a.y1, box_a.x0:box_a.x1], small, interpolation=cv2.INTER_AREA)
    ib = cv2.resize(b.binary[box_b.y0:box_b.y1, box_b.x0:box_b.x1], small, interpolation=cv2.INTER_AREA)
    if ia.std() < 1 or ib.std() < 1:
        return ia.std() < 1 and ib.std() < 1  # both blank
    return float(np.corrcoef(ia.ravel(), ib.ravel())[0, 1]) > 0.8


def _table(tp: TablePart) -> Table:
    done = [c for c in tp.done if len(_split_short_cells(c.box, tp)) == 1]  # a probed cell to split is read again
    seen = {id(c.box) for c in done}
    todo = [part for b in tp.grid.cells if id(b) not in seen for part in _split_short_cells(b, tp)]
    cells = done + _read_cells(tp, todo)
    ocr_slips.review(cells, tp.roles, tp)
    _sealed_blanks(cells, tp)
    by_pos = {(c.box.row, c.box.col): c for c in cells}
    spanned = {(c.box.row + i, c.box.col + j) for c in cells
               for i in range(c.box.rowspan) for j in range(c.box.colspan)} - _values_run_together(cells, tp)
    rows = []
    for r in range(tp.grid.rows):
        row_cells = []
        for col in range(tp.grid.cols):
            c = by_pos.get((r, col))
            if c is None:
                # covered by a merged cell: empty by the grid rules; covered by nothing: the
                # rules around it were not found, so its text is unknown, not empty
                lost = None if (r, col) in spanned else 0.0
                row_cells.append(Cell("", Location(page=tp.number, row=r + 1, column=col + 1, confidence=lost),
                                      doubts=() if lost is None else ("no cell was found here: its rules are lost",)))
                continue
            loc = Location(page=tp.number, row=r + 1, column=col + 1,
                           bbox=_points(tp, (c.box.x0, c.box.y0, c.box.x1, c.box.y1)),
                           confidence=None if c.confidence is None else round(c.confidence, 3))
            row_cells.append(Cell(c.text, loc, doubts=tuple(c.doubts), readings=tuple(c.readings)))
        if any(not cell.empty for cell in row_cells):
            scores = [cell.loc.confidence for cell in row_cells if cell.loc.confidence is not None]
            rows.append(Row(row_cells, Location(page=tp.number, row=r + 1,
                                                confidence=min(scores) if scores else None)))
    return Table(rows, Location(page=tp.number, bbox=_points(tp, tp.grid.bbox)))


def _split_short_cells(box: ocr_grid.CellBox, tp: TablePart) -> list[ocr_grid.CellBox]:
    """A body cell that spans a selection or value column and its neighbour, in a table whose header
    gives each its own column, lost the rule between them (a seal's ring over it, taken out with
    the red ink): one box per column, so that '是' and '0.6' are not read as one line '是10.6' in
    the selection cell and the value left blank. Rows across the whole table (a note) stay whole."""
    cols = range(box.col, box.col + box.colspan)
    short = {c for c, role in tp.roles.items() if role == "selected" or role in VALUE_ROLES}
    below = tp.header_row is None or box.row > tp.header_row
    if box.colspan < 2 or box.colspan >= tp.grid.cols - 1 or not below or not short & set(cols) \
            or any(c not in tp.roles for c in cols):
        return [box]
    edges = tp.grid.col_edges
    if len(edges) <= box.col + box.colspan:
        return [box]
    return [ocr_grid.CellBox(max(box.x0, edges[c]), box.y0, min(box.x1, edges[c + 1]), box.y1, box.row, c, box.rowspan, 1)
            for c in cols]


def _values_run_together(cells: list[CellText], tp: TablePart) -> set[tuple[int, int]]:
    """Value positions that a value cell reaching down from an indicator row above covers, although
    their own row names an indicator: one value printed for two indicators is not what a table
    holds, but what a rule lost between them (a seal, a faint scan) looks like. Those positions
    are unknown, not empty, and the cell that covers them is doubtful too."""
    labels = {c.box.row for c in cells if tp.roles.get(c.box.col) == "label" and c.text.strip()}
    lost = set()
    for c in cells:
        if tp.roles.get(c.box.col) != "value" or c.box.rowspan < 2 or c.box.row not in labels:
            continue
        below = {(c.box.row + i, c.box.col + j) for i in range(1, c.box.rowspan) for j in range(c.box.colspan)
                 if c.box.row + i in labels}
        if below:
            lost |= below
            c.scores = [min(s, ocr_slips.DOUBT) for s in c.scores] or [ocr_slips.DOUBT]
            c.texts = c.texts or [""]
    return lost


def _sealed_blanks(cells: list[CellText], tp: TablePart) -> list[CellText]:
    """A value cell that comes out blank on a page whose seal was removed may have lost faint
    print (a dash) with the seal's ink: it is sent to a person, not taken as empty."""
    if not tp.page.seal_removed:
        return cells
    for c in cells:
        if not c.texts and tp.roles.get(c.box.col) == "value":
            c.texts, c.scores = [""], [ocr_slips.DOUBT]
            c.doubts.append("blank on a page whose red seal was removed: faint print may have gone with it")
            c.lines = []
    return cells


def _points(tp: TablePart, box) -> tuple[float, float, float, float]:
    return tp.page.points(box)


# ---------------------------------------------------------------- text outside the table

def _paragraphs(found, page: int, to_points, offset: int = 0) -> list[Paragraph]:
    """Detected lines as paragraphs, one per visual line, joined left to right when on one baseline."""
    lines: list[list] = []
    for box, text, score in found:
        if lines and abs(box[1] - lines[-1][0][1]) < 0.5 * (box[3] - box[1]):
            lines[-1][1].append(text)
            lines[-1][2] = min(lines[-1][2], score)
        else:
            lines.append([box, [text], score])
    return [Paragraph(" ".join(texts), Location(page=page, confidence=round(score, 3),
                                                bbox=to_points((box[0], box[1] + offset, box[2], box[3] + offset))))
            for box, texts, score in lines]


def _region(page: PageImage, em: float, top: int | None, bottom: int | None,
            keep_last: int | None = None, floor: int = 0) -> list[Paragraph]:
    """The few text lines just above (top=None) or just below (bottom=None) a table:
    its caption or its notes. Only a strip of about ten lines is looked at: above a table its
    last ten lines, which reach the title over 园区名称 / 填报时间 / 数据基准年 and a header's
    upper lines (a title that names the table makes normalize flag every indicator it lacks)."""
    h = page.gray.shape[0]
    if top is None:
        top, keep = max(floor, bottom - int(12 * em)), (lambda boxes: boxes[-10:])
    elif bottom is None and keep_last is None:
        bottom, keep = min(h, top + int(8 * em)), (lambda boxes: boxes[:4])
    else:
        bottom, keep = bottom or h, (lambda boxes: boxes[-keep_last:])
    if bottom - top < em:
        return []
    strip = page.gray[top:bottom]
    if not ocr_grid.ink(strip).any():
        return []
    return _paragraphs(detect_and_read(strip, "region", page.number, keep), page.number, page.points, top)


def _probe(source, number: int) -> list[Paragraph]:
    """A look at page 1 for the report's title, never a full read: the text detector runs on
    a small render and only the lines set larger than the body text are recognised."""
    gray = source.render(number, PROBE_DPI)
    turned = quarter_turned(gray)
    if turned:
        gray, turn = _turn(gray, 1)
        back = np.linalg.inv(turn)
    k = 72 / PROBE_DPI

    def to_points(box):
        x0, y0, x1, y1 = box
        if turned:
            pts = np.array([[x0, y0, 1], [x1, y1, 1]], float) @ back.T
            x0, x1 = sorted(pts[:, 0])
            y0, y1 = sorted(pts[:, 1])
        return (round(x0 * k, 1), round(y0 * k, 1), round(x1 * k, 1), round(y1 * k, 1))

    return _paragraphs(detect_and_read(gray, "probe", number, _title_lines), number, to_points)


def _title_lines(boxes):
    if not boxes:
        return boxes
    heights = np.array([b[3] - b[1] for b in boxes])
    tall = [b for b, hh in zip(boxes, heights) if hh >= 1.25 * np.median(heights)]
    return (tall or boxes[:2])[:4]
