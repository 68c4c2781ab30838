"""Tables printed without a grid: three-line tables (三线表), borderless ones, rules between groups.

Without drawn cells a table is only words at positions, so it is rebuilt from
what such tables always keep:

- the header: a band of short lines whose words name columns (序号, 指标,
  单位 …, `schemas.vocabulary`); it tells where a table starts;
- columns: the x-ranges that words of the body cover, separated by the gutters
  (cell padding) no word crosses; a continuation page without a header takes the
  columns of the page before;
- rows: the 指标 (name) cell anchors a row. A cell's wrapped lines fill the
  column to its edge, a new row's first line need not, so a name line after a
  full one continues it. Text of the other columns joins the row whose name it
  sits beside: the name line at or above it when cells are top-aligned, the name
  whose centre is nearest when they are centred (Word's 居中, seen as lines half a
  line apart);
- merged 分类/序号 cells print once for their block. Top-aligned, they sit on the
  block's first row; centred, in its middle: the blocks are laid out again
  (each centred on its text, one after the other, `_centred_blocks`) and the text
  goes to the block's first row, "" below, as `schemas.grid` asks.

A horizontal rule between two lines is a row boundary (rules between groups).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from statistics import median

import regex

from ecopark.schemas.grid import Cell, Location, Row, Table
from ecopark.schemas.text import fold
from ecopark.schemas.vocabulary import column_role, header_columns, is_note, is_title, spaced_word

from .grid import Y_TOLERANCE, _clusters, _words
from .stitch import join_wrapped

COLUMN_GAP = 5.0      # points: words closer than this across are one column
HEADER_WORD = 8       # characters: a header line holds only short words
WIDE = 0.45           # a word wider than this share of the table is a paragraph, not a cell
TABLE_GAP = 1.8       # line pitches: a vertical gap this wide ends a table ...
ROW_GAP = 1.0         # ... when the blank in it is at least this many line heights
FULL = 0.6            # font sizes: a line ending this close to its column's edge was wrapped
HALF_STEP = 0.7       # line pitches: lines closer than this show centred cells
SAME_ROW = 0.75       # line pitches: row middles closer than this are one row
KEY_ROLES = frozenset({"assessed", "value", "compliant", "target"})  # one-line cells: on a row's first line
MERGE_ROLES = ("category", "number")


@dataclass
class Line:
    top: float
    bottom: float
    words: list[tuple]  # (top, text, x0, x1, bottom) left to right

    @property
    def text(self) -> str:
        return " ".join(w[1] for w in self.words)


@dataclass
class Columns:
    """The column frame of one table, kept for its continuation pages."""

    spans: list[tuple[float, float]]
    roles: list[str]
    header: list[str] = field(default_factory=list)
    edges: tuple[float, float] | None = None  # the first part's frame, kept by its continuations

    @property
    def frame(self) -> tuple[float, float]:
        return self.edges or (self.spans[0][0], self.spans[-1][1])

    def following(self, body: list["Line"]) -> "Columns":
        """This frame on a continuation page: the page's own gutters where they give as
        many columns (the first part may have held only short cells), else these spans."""
        spans = [tuple(s) for s in _gutters(body)]
        if len(spans) != len(self.spans):
            spans = self.spans
        return Columns(spans, self.roles, self.header, self.frame)

    def index(self, x0: float, x1: float) -> int:
        middle = (x0 + x1) / 2
        for i, (a, b) in enumerate(self.spans):
            if a - COLUMN_GAP / 2 <= middle <= b + COLUMN_GAP / 2:
                return i
        return min(range(len(self.spans)), key=lambda i: min(abs(middle - self.spans[i][0]),
                                                             abs(middle - self.spans[i][1])))


@dataclass
class Found:
    """A grid-less table found on a page, and the frame to hand to the next page."""

    table: Table
    columns: Columns
    reaches_foot: bool  # the table runs to the last text of the page: it may go on

    @property
    def covers(self) -> tuple[float, float, float, float]:
        """The box of all its text (its bbox is the table's frame, shared by all its parts)."""
        boxes = [c.loc.bbox for r in self.table.rows for c in r.cells if c.loc.bbox and not c.empty]
        x0, top, x1, bottom = self.table.loc.bbox
        return (min([x0] + [b[0] for b in boxes]), top, max([x1] + [b[2] for b in boxes]),
                max([bottom] + [b[3] for b in boxes]))


def lines_of(chars: list[dict]) -> list[Line]:
    words = _words(chars)
    out = []
    for group in _clusters(words, lambda w: w[0]):
        group.sort(key=lambda w: w[2])
        out.append(Line(min(w[0] for w in group), max(w[4] for w in group), group))
    out.sort(key=lambda line: line.top)
    return out


def find(chars: list[dict], edges: list[dict], number: int, carried: Columns | None = None) -> list[Found]:
    """The grid-less tables among a page's chars and ruling lines (pdfplumber's dicts);
    `carried` is the frame of a table the page before ended with."""
    lines = lines_of(chars)
    rules = sorted((e["top"], e["x0"], e["x1"]) for e in edges
                   if e["orientation"] == "h" and e["x1"] - e["x0"] > 100)
    found: list[Found] = []
    i = 0
    while i < len(lines):
        head = _header_band(lines, i)
        if head is not None:
            start, end, words = head
            body = _body(lines, end, rules)
            columns = _columns(lines[end:end + body], words, carried)
            if columns is not None:
                found.append(_table(lines[start:end], lines[end:end + body], columns, rules, number,
                                    end + body >= len(lines) or _only_furniture(lines[end + body:])))
                carried, i = None, end + body
                continue
            i = end
            continue
        if carried is not None and not found:
            body = _body(lines, i, rules, carried)
            if body:
                table = _table([], lines[i:i + body], carried.following(lines[i:i + body]), rules, number,
                               i + body >= len(lines) or _only_furniture(lines[i + body:]))
                found.append(table)
                carried, i = None, i + body
                continue
        i += 1
    return [f for f in found if len(f.table.rows) > 1]


def _only_furniture(lines: list[Line]) -> bool:
    return all(len(fold(line.text)) <= 12 and any(c.isdigit() for c in line.text) for line in lines)


# ---------------------------------------------------------------- header

def _short(line: Line) -> bool:
    return all(len(fold(w[1])) <= HEADER_WORD or column_role(w[1]) for w in line.words)


def _header_band(lines: list[Line], i: int):
    """(first line, line after the band, words) if a header starts at or just above lines[i]."""
    line = lines[i]
    if not _short(line) or not any(column_role(w[1]) for w in line.words):
        return None
    height = max(line.bottom - line.top, 1.0)
    start = i
    while start > 0 and _short(lines[start - 1]) and line.top - lines[start - 1].bottom < 1.5 * height \
            and not any(is_title(w[1]) for w in lines[start - 1].words):
        start -= 1
    end = i + 1
    while end < len(lines) and lines[end].top - lines[end - 1].bottom < 1.5 * height \
            and _continues_header(lines[start:end], lines[end]):
        end += 1
    words = [w for l in lines[start:end] for w in l.words]
    groups = _groups(words)
    if header_columns(["".join(fold(w[1]) for w in g) for g in groups]) is None:
        return None
    return start, end, words


def _continues_header(band: list[Line], line: Line) -> bool:
    """A line under the header's main line still in the header: the rest of a header cell
    whose text is not yet a column name (序 / 号, 是否为考核指 / 标), or a year under 数值."""
    groups = _groups([w for l in band for w in l.words])
    for w in line.words:
        if _YEAR_HEAD.fullmatch(fold(w[1])):
            continue
        above = [g for g in groups if min(v[2] for v in g) - COLUMN_GAP <= (w[2] + w[3]) / 2
                 <= max(v[3] for v in g) + COLUMN_GAP]
        if not above:
            return False
        so_far = "".join(fold(v[1]) for v in above[0])
        if column_role(so_far) is not None and column_role(so_far + fold(w[1])) is None:
            return False
    return True


_YEAR_HEAD = regex.compile(r"(?:\d{4}|\*{4})年?度?")


def _groups(words: list[tuple]) -> list[list[tuple]]:
    """Header words that share an x-range (a cell's lines), left to right, each top to bottom."""
    groups: list[list[tuple]] = []
    for w in sorted(words, key=lambda w: w[2]):
        if groups and w[2] <= max(v[3] for v in groups[-1]) + COLUMN_GAP:
            groups[-1].append(w)
        else:
            groups.append([w])
    return _spaced([sorted(g, key=lambda w: (w[0], w[2])) for g in groups])


def _spaced(groups: list[list[tuple]]) -> list[list[tuple]]:
    """Neighbouring header cells that name no column alone and one together are one cell: a header
    word set with its characters apart (要    求, 单  位) comes as two words further apart than a
    gutter; over a column of short text the second one would head a column of its own."""
    out: list[list[tuple]] = []
    for g in groups:
        if out:
            a, b = "".join(fold(w[1]) for w in out[-1]), "".join(fold(w[1]) for w in g)
            if spaced_word(a, b):
                out[-1] = sorted(out[-1] + g, key=lambda w: (w[0], w[2]))
                continue
        out.append(g)
    return out


# ---------------------------------------------------------------- body and columns

def _body(lines: list[Line], start: int, rules, columns: Columns | None = None) -> int:
    """How many lines from `start` are the table body."""
    if start >= len(lines):
        return 0
    width = (columns.frame[1] - columns.frame[0]) if columns else _span(lines[start:start + 8])
    pitches = [b.top - a.top for a, b in zip(lines[start:start + 30], lines[start + 1:start + 31])]
    pitch = median(pitches) if pitches else 0.0
    n = 0
    for k in range(start, len(lines)):
        line = lines[k]
        if any(w[3] - w[2] > WIDE * width for w in line.words) or is_note(line.text) or is_title(line.text):
            break
        # inside the frame of the page before: every word starts in it (the last column may hold
        # wider text here, 2595000 where the first page's part held only '-')
        if columns is not None and not (columns.frame[0] - 20 <= line.words[0][2]
                                        and line.words[-1][2] <= columns.frame[1] + 20):
            break
        height = line.bottom - line.top
        # a wide step from the line before that is also a wide blank: centred cells step by
        # half lines inside a row, so the step alone (a wrapped unit above its row's name line)
        # can pass the pitch without any blank between the rows
        if k > start and pitch and line.top - lines[k - 1].top > TABLE_GAP * max(pitch, height) \
                and line.top - lines[k - 1].bottom > ROW_GAP * height:
            break
        if k > start and _header_band(lines, k) is not None:
            break
        n += 1
    return n


def _span(lines: list[Line]) -> float:
    xs = [x for line in lines for w in line.words for x in (w[2], w[3])]
    return (max(xs) - min(xs)) if xs else 1.0


def _gutters(body: list[Line]) -> list[list[float]]:
    """x-ranges of the columns: where words of more than one line lie, split at the gutters
    (COLUMN_GAP or wider) that at most one line's words cross (a spanning note, a stray
    word set wide), so that one such word does not merge two columns."""
    words = [(w[2], w[3]) for line in body for w in line.words]
    if not words:
        return []
    left = int(min(x0 for x0, _ in words))
    steps = [0] * (int(max(x1 for _, x1 in words)) - left + 3)
    for x0, x1 in words:  # +1 where a word starts, -1 after it ends: summed, the words over each point
        steps[int(x0) - left] += 1
        steps[int(x1) - left + 1] -= 1
    cover = list(accumulate(steps))[:-1]
    busy = 1 if len(body) > 3 else 0
    spans: list[list[float]] = []
    for x, n in enumerate(cover):
        if n <= busy:
            continue
        if spans and x - spans[-1][1] <= COLUMN_GAP:
            spans[-1][1] = x
        else:
            spans.append([x, x])
    # back to the words' own edges
    out = []
    for a, b in spans:
        inside = [(x0, x1) for x0, x1 in words if a <= (x0 + x1) / 2 - left <= b]
        if inside:
            out.append([min(x0 for x0, _ in inside), max(x1 for _, x1 in inside)])
    return out


def _heads(group: list[tuple], spans) -> int | None:
    """The column a header cell heads: the one it overlaps most. A cell over a gutter or over
    several columns (数值 above 2016年 | 2018年) heads none of them alone."""
    a, b = min(w[2] for w in group), max(w[3] for w in group)
    overlaps = [max(0.0, min(b, x1) - max(a, x0)) for x0, x1 in spans]
    wide = [i for i, o in enumerate(overlaps) if o > 0.3 * min(b - a, spans[i][1] - spans[i][0])]
    if len(wide) != 1:
        return None
    return wide[0]


def _columns(body: list[Line], header_words: list[tuple], carried: Columns | None) -> Columns | None:
    """Columns from the gutters of the body; the header's words give them their roles."""
    spans = _gutters(body)
    if len(spans) < 3:
        return None
    for group in _groups(header_words):  # a header over a column this page leaves empty
        a, b = min(w[2] for w in group), max(w[3] for w in group)
        if not any(x0 - COLUMN_GAP <= (a + b) / 2 <= x1 + COLUMN_GAP for x0, x1 in spans) \
                and not any(x0 < b and a < x1 for x0, x1 in spans):
            spans.append([a, b])
    spans.sort()
    columns = Columns([tuple(s) for s in spans], [""] * len(spans))
    header = [[] for _ in spans]
    for group in _groups(header_words):
        column = _heads(group, columns.spans)
        if column is not None:
            header[column].extend(w[1] for w in group)
    texts = ["".join(fold(t) for t in h) for h in header]
    roles = header_columns(texts)
    if roles is None:
        return None
    columns.roles = [roles[i].role if i in roles else "" for i in range(len(spans))]
    columns.header = ["".join(h) for h in header]
    if carried is not None and len(carried.spans) == len(columns.spans):
        columns.edges = carried.frame  # the same table's frame, so its parts stitch
    return columns


# ---------------------------------------------------------------- rows

@dataclass
class _Piece:
    column: int
    top: float
    bottom: float
    x1: float
    size: float
    text: str
    words: list[tuple]
    lines: list["_Piece"] = field(default_factory=list)  # a block's own lines (centred tables)


def _pieces(lines: list[Line], columns: Columns) -> list[list[_Piece]]:
    out = []
    for line in lines:
        per: dict[int, list[tuple]] = {}
        for w in line.words:
            per.setdefault(columns.index(w[2], w[3]), []).append(w)
        out.append([_Piece(c, min(w[0] for w in ws), max(w[4] for w in ws), max(w[3] for w in ws),
                           max(w[4] - w[0] for w in ws), " ".join(w[1] for w in ws), ws)
                    for c, ws in sorted(per.items())])
    return out


def _table(head: list[Line], body: list[Line], columns: Columns, rules, number: int, reaches_foot: bool) -> Found:
    name = columns.roles.index("name") if "name" in columns.roles else 0
    merged = {i for i, r in enumerate(columns.roles) if r in MERGE_ROLES and i != name}
    lines = _pieces(body, columns)
    edge = {}
    for line in lines:
        for p in line:
            edge[p.column] = max(edge.get(p.column, 0.0), p.x1)
    # the pitch and the test for centred cells from the cells of each row, not from 分类/序号:
    # a category merged over many rows prints its characters at a pitch of their own
    tops = [min(p.top for p in line if p.column not in merged) for line in lines
            if any(p.column not in merged for p in line)]
    height = median([l.bottom - l.top for l in body]) if body else 0.0
    steps = [b - a for a, b in zip(tops, tops[1:])]
    whole = [s for s in steps if s > height]   # steps of a full line (half steps are centring)
    pitch = median(whole) if whole else height
    centred = pitch > 0 and sum(s < HALF_STEP * pitch for s in steps) >= 2

    def full(p: _Piece) -> bool:
        return p.x1 >= edge[p.column] - FULL * p.size

    def wraps_into(before: _Piece, after: _Piece) -> bool:
        """`after` goes on with `before`'s text: `before` ends at its column's edge, or the first
        glyph of `after` would not have fitted after it (a wide glyph such as '%' or a Chinese
        character leaves more than FULL of blank at the end of the line it did not fit on)."""
        return full(before) or before.x1 + _glyph(after) > edge[before.column] + 1.0

    marks = [p for line in lines for p in line if p.column in merged]
    if centred:
        rows = _centred_rows([p for line in lines for p in line if p.column not in merged], columns, pitch,
                             wraps_into)
    else:
        rows = _top_rows(lines, name, merged, wraps_into, rules,
                         columns.roles.index("number") if "number" in columns.roles else None, columns.roles)
    _place_marks(rows, marks, name, centred)
    return Found(_build(head, rows, columns, number), columns, reaches_foot)


def _short_cells_first(line: list[_Piece], roles: list[str]) -> bool:
    """A line with nothing in the columns of one-line cells (selection, values): a top-aligned row
    prints those on its first line, so this line goes on with the row above even where a unit's
    second line starts with a word that would have fitted on its first (吨标 / 煤/万元: line
    breaking keeps 煤/万元 together)."""
    return not any(p.column < len(roles) and roles[p.column] in KEY_ROLES for p in line)


def _top_rows(lines, name: int, merged: set[int], wraps_into, rules,
              number: int | None = None, roles: list[str] | None = None) -> list[dict[int, list[_Piece]]]:
    """Top-aligned cells: every row starts with its name line; a name line that goes on with the
    one before (`wraps_into`), whose other cells go on with theirs too (or which has nothing in
    the columns of one-line cells) and which has no 序号 of its own, is the name wrapped, not a
    new row."""
    roles = roles or []
    anchors: list[dict[int, list[_Piece]]] = []
    loose: list[_Piece] = []
    for line in lines:
        mine = [p for p in line if p.column == name]
        others = [p for p in line if p.column != name and p.column not in merged]
        if not mine:
            loose.extend(others)
            continue
        last = anchors[-1] if anchors else None
        wraps = (last is not None and not any(p.column == number for p in line)
                 and wraps_into(last[name][-1], mine[0]) and not _ruled(rules, last[name][-1], mine[0])
                 and all(p.column in last and (wraps_into(last[p.column][-1], p) or _short_cells_first(line, roles))
                         for p in others))
        if wraps:
            last[name].extend(mine)
        else:
            last = {name: mine}
            anchors.append(last)
        for p in others:
            last.setdefault(p.column, []).append(p)
    return _place(anchors, loose, name)


_NO_BREAK_BEFORE = set("/／%％)）]】、，。,.:：;；!！?？")


def _glyph(p: _Piece) -> float:
    """The width of what begins a piece and could not have been left on the line before: its first
    glyph, with the marks line breaking keeps it with ('煤/' of 煤/万元: no break before '/'), or
    the whole of a leading number or Latin word (its first word's width per character)."""
    x0, x1, text = p.words[0][2], p.words[0][3], p.words[0][1]
    n = 1
    latin = text[:1].isascii() and text[:1].isalnum()
    while n < len(text) and (text[n] in _NO_BREAK_BEFORE or (latin and text[n].isascii() and (text[n].isalnum() or text[n] == "."))):
        n += 1
    return n * (x1 - x0) / max(1, len(text))


def _blocks(pieces: list[_Piece], wraps_into, pitch: float, middles: list[float]) -> list[_Piece]:
    """A cell's wrapped lines as one piece: the next line of a column right under one it goes on
    from (full, or the next line's first word would not have fitted after it).

    Centred, a cell's lines lie evenly about its row's middle, so a block holds at most
    one line on a row middle and no more lines after it than before it: a full line on a
    middle (a name exactly as wide as its column) is a cell of its own, and the next
    row's name does not join it; nor does a line on a middle join lines already centred
    on another (工业固体废物（含危 / 险废物）处置利用率 about their row's middle, COD排放量 on the
    next row's)."""
    def on_middle(p: _Piece) -> bool:
        m = (p.top + p.bottom) / 2
        return any(abs(m - r) <= Y_TOLERANCE for r in middles)

    out: list[_Piece] = []
    last: dict[int, _Piece] = {}
    ordered = sorted(pieces, key=lambda p: p.top)
    following = {}
    for p in reversed(ordered):
        following[id(p)] = last.get(p.column)
        last[p.column] = p
    last = {}
    for p in ordered:
        before = last.get(p.column)
        after = following[id(p)]
        # `p` and the line under it centred on a middle are the next row's cell, when `before` is
        # centred already (on a line of its own, or as a whole): the middle lines of a longer
        # cell of even lines are centred on its middle too, and `before` is not yet
        complete = before is not None and (on_middle(before) or any(on_middle(q) for q in before.lines))
        pairs_on = complete and after is not None and _centred_pair(
            _block_of(p), after, on_middle)
        if before is not None and ((_under_full(before, p, wraps_into, pitch, on_middle) and not pairs_on)
                                   or _centred_pair(before, p, on_middle)):
            before.lines.append(p)
            before.top, before.bottom = before.lines[0].top, p.bottom
            continue
        block = _block_of(p)
        out.append(block)
        last[p.column] = block
    return [part for block in out for part in _balanced(block, on_middle)]


def _block_of(line: _Piece) -> _Piece:
    """A block of one line."""
    return _Piece(line.column, line.top, line.bottom, line.x1, line.size, line.text, line.words, [line])


def _balanced(block: _Piece, on_middle) -> list[_Piece]:
    """A centred cell has as many lines before its line on the row middle as after it; lines before
    beyond those are another cell's (the last line of a row cut by the page break, above the
    first row of the page), each a block of its own."""
    centre = next((k for k, q in enumerate(block.lines) if on_middle(q)), None)
    surplus = 0 if centre is None else centre - (len(block.lines) - 1 - centre)
    if surplus <= 0:
        return [block]
    rest = block.lines[surplus:]
    head = [_block_of(q) for q in block.lines[:surplus]]
    return head + [_Piece(block.column, rest[0].top, rest[-1].bottom, block.x1, block.size, block.text,
                          block.words, rest)]


def _under_full(before: _Piece, p: _Piece, wraps_into, pitch: float, on_middle) -> bool:
    """`p` goes on with `before`, whose last line it continues (full, or `p`'s first word would not
    have fitted after it: 煤/万 0.5 pt short of full, then 元), unless that would put more lines
    after a line on a row middle than before it, or `p` lies on a middle and `before` is centred
    already."""
    if not wraps_into(before.lines[-1], p) or p.top - before.lines[-1].top > 1.2 * pitch:
        return False
    centre = next((k for k, q in enumerate(before.lines) if on_middle(q)), None)
    if centre is None:
        return not (on_middle(p) and on_middle(before))
    return not on_middle(p) and len(before.lines) - 1 - centre < centre


def _centred_pair(before: _Piece, p: _Piece, on_middle) -> bool:
    """Two lines of one column, the second right under the first (less than a line's height of white
    between them), neither on a row middle and together centred on one: one cell wrapped where its
    first line is not full (吨标 / 煤/万元: the break falls before a word that would not fit)."""
    if len(before.lines) != 1 or on_middle(before) or on_middle(p):
        return False
    height = before.bottom - before.top
    if p.top - before.bottom > 0.6 * height:
        return False
    return on_middle(_Piece(p.column, before.top, p.bottom, p.x1, p.size, "", [], []))


def _centred_rows(pieces: list[_Piece], columns: Columns, pitch: float, wraps_into) -> list[dict[int, list[_Piece]]]:
    """Centred cells: a row's cells share its middle. Candidate middles are the middles of
    all line pieces, grouped where they agree; the ones most columns agree on are rows
    (one-line cells all sit there), the middles of wrapped cells' lines, half a line
    off and seen in fewer columns, are not. Every piece goes to the nearest row."""
    marks = sorted(((p.top + p.bottom) / 2, p.column) for p in pieces)
    groups: list[list[tuple[float, int]]] = []
    for m in marks:
        if groups and m[0] - groups[-1][-1][0] <= Y_TOLERANCE:
            groups[-1].append(m)
        else:
            groups.append([m])
    need = 2 if len(columns.spans) > 3 else 1
    # a row has a line in a column of one-line cells (selection, a value) on its middle; lines of
    # the name and requirement columns alone, side by side, are wrapped lines of neighbours (a row
    # the page break cut, laid out from its top: 系数 beside 值建设期年均增). A unit line counts,
    # but not one right under a row that has such cells (鲜水耗a beside 米/万元 under the first
    # lines of a cut row): the lines a page's first row carries over from the page before have
    # none above them (业增加值 beside 方公里)
    keyed = any(r in KEY_ROLES for r in columns.roles)

    def kinds(g) -> tuple[bool, bool]:
        roles = {columns.roles[c] for _, c in g}
        return not keyed or bool(roles & KEY_ROLES), "unit" in roles

    candidates = sorted(((len({c for _, c in g}), median(m for m, _ in g), *kinds(g)) for g in groups), reverse=True)
    rows_at: list[float] = []
    for support, middle, strong, _ in candidates:
        if support >= need and strong and all(abs(middle - r) >= SAME_ROW * pitch for r in rows_at):
            rows_at.append(middle)
    keyed_rows = list(rows_at)
    for support, middle, strong, unit in candidates:
        if support >= need and not strong and unit and all(abs(middle - r) >= SAME_ROW * pitch for r in rows_at) \
                and not any(0 < middle - r <= 1.5 * pitch for r in keyed_rows):
            rows_at.append(middle)
    if not rows_at:
        return []
    rows_at.sort()
    pieces = _blocks(pieces, wraps_into, pitch, rows_at)
    rows: list[dict[int, list[_Piece]]] = [{} for _ in rows_at]
    lead: dict[int, list[_Piece]] = {}
    first: dict[int, list[_Piece]] = {}  # the blocks the first row takes, by column
    for p in pieces:
        middle = (p.top + p.bottom) / 2
        k = min(range(len(rows_at)), key=lambda k: abs(rows_at[k] - middle))
        if k == 0 and rows_at[0] - middle > SAME_ROW * pitch + (p.bottom - p.top) / 2:
            lead.setdefault(p.column, []).extend(p.lines)  # the end of a row cut by the page break
            continue
        if k == 0:
            first.setdefault(p.column, []).append(p)
            continue
        rows[k].setdefault(p.column, []).extend(p.lines or [p])
    for column, blocks in first.items():
        # a block centred on the first row's middle is that row's cell; blocks above it are the end
        # of the row the page break cut
        centred = [b for b in blocks if abs((b.top + b.bottom) / 2 - rows_at[0]) <= Y_TOLERANCE]
        for b in sorted(blocks, key=lambda b: b.top):
            above = centred and b.bottom <= centred[0].top and b is not centred[0]
            target = lead if above else rows[0]
            target.setdefault(column, []).extend(b.lines or [b])
    return ([lead] if lead else []) + [r for r in rows if r]


def _place(anchors, loose: list[_Piece], name: int) -> list[dict[int, list[_Piece]]]:
    """Each name-less piece to the last row whose name starts at or above it; pieces above the
    first name (the end of a row cut by the page break) make a row of their own."""
    lead: dict[int, list[_Piece]] = {}
    for p in sorted(loose, key=lambda p: p.top):
        target = None
        for a in anchors:
            if a[name][0].top <= p.top + Y_TOLERANCE:
                target = a
        (lead if target is None else target).setdefault(p.column, []).append(p)
    return ([lead] if lead else []) + anchors


def _extent(row: dict[int, list[_Piece]]) -> tuple[float, float]:
    pieces = [p for ps in row.values() for p in ps]
    return min(p.top for p in pieces), max(p.bottom for p in pieces)


def _place_marks(rows, marks: list[_Piece], name: int, centred: bool) -> None:
    """分类 and 序号 texts to the first row of the block they head."""
    if not rows:
        return
    by_column: dict[int, list[_Piece]] = {}
    for p in sorted(marks, key=lambda p: p.top):
        by_column.setdefault(p.column, []).append(p)
    extents = [_extent(r) for r in rows]
    for column, pieces in by_column.items():
        cells = _mark_cells(pieces)
        if centred:
            starts = _centred_blocks(extents, [(top + bottom) / 2 for top, bottom, _ in cells])
        else:
            starts = [max([k for k, (top, _) in enumerate(extents) if top <= cell[0] + Y_TOLERANCE] or [0])
                      for cell in cells]
        for (top, bottom, texts), k in zip(cells, starts):
            rows[k].setdefault(column, []).extend(texts)


def _mark_cells(pieces: list[_Piece]) -> list[tuple[float, float, list[_Piece]]]:
    """Lines of one merged cell ("经济" over "发展") are one cell; a 序号 is always one line."""
    cells: list[tuple[float, float, list[_Piece]]] = []
    for p in pieces:
        number_like = p.text.strip().replace(".", "").isdigit()
        if cells and not number_like and p.top - cells[-1][1] < 0.5 * (p.bottom - p.top) \
                and not cells[-1][2][-1].text.strip().replace(".", "").isdigit():
            top, _, texts = cells[-1]
            cells[-1] = (top, p.bottom, texts + [p])
        else:
            cells.append((p.top, p.bottom, [p]))
    return cells


def _centred_blocks(extents: list[tuple[float, float]], centres: list[float]) -> list[int]:
    """First row of each merged block, the blocks laid out so that each is centred on its
    text: contiguous, in order, rows before the first one allowed (a block begun on the
    page before), found by dynamic programming over (text, first row)."""
    n, m = len(extents), len(centres)
    skip = 2.0  # points per row left out before the first block (cost)
    inf = float("inf")
    # best[j][s]: cost of placing texts j.. with text j's block starting at row s
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    choice = [[0] * (n + 1) for _ in range(m + 1)]
    for s in range(n + 1):
        best[m][s] = 0.0
    for j in range(m - 1, -1, -1):
        for s in range(n):
            for e in range(s, n):
                middle = (extents[s][0] + extents[e][1]) / 2
                cost = abs(middle - centres[j])
                rest = best[j + 1][e + 1] if j + 1 < m else 0.0
                if cost + rest < best[j][s]:
                    best[j][s], choice[j][s] = cost + rest, e
    start = min(range(n), key=lambda s: best[0][s] + skip * s)
    out = []
    for j in range(m):
        out.append(start)
        start = choice[j][start] + 1
        if start >= n:
            out.extend([n - 1] * (m - j - 1))
            break
    return out


# ---------------------------------------------------------------- cells

def _build(head: list[Line], rows, columns: Columns, number: int) -> Table:
    x0, x1 = columns.frame
    out: list[Row] = []
    if head:
        top, bottom = head[0].top, head[-1].bottom
        out.append(Row([Cell(text, Location(page=number, row=1, column=c + 1, bbox=(a, top, b, bottom)))
                        for c, (text, (a, b)) in enumerate(zip(columns.header, columns.spans))],
                       Location(page=number, row=1)))
    for row in rows:
        r = len(out) + 1
        top, bottom = _extent(row)
        cells = []
        for c, (a, b) in enumerate(columns.spans):
            pieces = sorted(row.get(c, []), key=lambda p: (p.top, p.x1))
            text = join_wrapped([p.text for p in pieces])
            bbox = ((min(w[2] for p in pieces for w in p.words), min(p.top for p in pieces),
                     max(p.x1 for p in pieces), max(p.bottom for p in pieces)) if pieces else (a, top, b, bottom))
            cells.append(Cell(text, Location(page=number, row=r, column=c + 1, bbox=bbox)))
        out.append(Row(cells, Location(page=number, row=r)))
    top = head[0].top if head else min((c.loc.bbox[1] for r in out for c in r.cells), default=0.0)
    bottom = max((c.loc.bbox[3] for r in out for c in r.cells), default=top)
    return Table(out, Location(page=number, bbox=(x0, top, x1, bottom)))


def _ruled(rules, above: _Piece, below: _Piece) -> bool:
    """A horizontal rule between two pieces: they are in different rows."""
    return any(above.bottom - 1 < top < below.top + 1 for top, _, _ in rules)
