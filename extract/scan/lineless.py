"""Tables without a full grid (three-line, borderless): rows and columns from where the text lies.

A three-line table has rules above and below its header and under its last
row, and none between columns; a borderless one has none at all. Word prints
their cells top-aligned, so what remains is the text: words of one cell are
close, columns are separated by white channels that run down the whole body,
and every row begins with a line in the 序号 column (or, for a component row
without a number, with a unit and a value side by side). From that, cell boxes
are drawn and handed to the same cell reader as a ruled grid, so every later
step (header roles, slips, confidences) is shared.

Works on the deskewed binary page at READ_DPI; pixels throughout.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from . import grid as ocr_grid


@dataclass
class Segment:
    """A run of text on one line, bounded by white wider than a character gap."""
    x0: int
    y0: int
    x1: int
    y1: int


def text_ink(binary: np.ndarray) -> np.ndarray:
    """The ink mask without long rules (a three-line table's rules, a page frame)."""
    h, w = binary.shape
    rules = cv2.bitwise_or(ocr_grid.ruling(binary, max(40, w // 15), True),
                           ocr_grid.ruling(binary, max(40, h // 15), False))
    return cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rules, np.ones((3, 3), np.uint8))))


def segments(ink: np.ndarray, em: float) -> list[Segment]:
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((max(2, int(0.12 * em)), max(3, int(0.9 * em))), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for x, y, w, h, area in stats[1:]:
        if 0.3 * em <= h <= 2.2 * em and w >= 0.25 * em and area >= 0.1 * em * em:
            out.append(Segment(int(x), int(y), int(x + w), int(y + h)))
    return sorted(out, key=lambda s: (s.y0, s.x0))


def _text_rows(segs: list[Segment]) -> list[list[Segment]]:
    """Segments side by side on one line: they overlap vertically by half the shorter one
    (digits are shorter than CJK characters and sit on the baseline)."""
    rows: list[list[Segment]] = []
    spans: list[list[int]] = []
    for s in sorted(segs, key=lambda s: s.y0):
        if rows:
            top, bottom = spans[-1]
            overlap = min(bottom, s.y1) - max(top, s.y0)
            if overlap >= 0.5 * min(s.y1 - s.y0, bottom - top):
                rows[-1].append(s)
                spans[-1] = [min(top, s.y0), max(bottom, s.y1)]
                continue
        rows.append([s])
        spans.append([s.y0, s.y1])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def bands(segs: list[Segment], em: float) -> list[list[Segment]]:
    """Row bands: segments joined while their vertical spans overlap (by more than a tenth of an em,
    so lines that merely touch stay apart). A table whose cells are centred vertically prints a
    one-line cell halfway down a two-line neighbour, overlapping each of its lines by less than half
    a line: line by line those are three rows, by span they are one, as printed. Rows are kept
    apart by the white between them, which no cell of either row crosses; in a top-aligned table a
    cell's wrapped lines below its row's other cells still make bands of their own."""
    out: list[list[Segment]] = []
    bottom = 0
    for s in sorted(segs, key=lambda s: s.y0):
        if out and bottom - s.y0 > 0.1 * em:
            out[-1].append(s)
            bottom = max(bottom, s.y1)
            continue
        out.append([s])
        bottom = s.y1
    return [sorted(b, key=lambda s: (s.x0, s.y0)) for b in out]


def body_parts(segs: list[Segment], em: float, min_rows: int = 5, cut: bool = True) -> list[list[list[Segment]]]:
    """The text rows of each table body on the page, top to bottom: runs of rows split into three
    or more pieces (a few rows of one or two pieces, wrapped labels, may lie between),
    cut where a caption line runs across the columns (a page that ends one table and begins
    the next), each part trimmed of leading and trailing rows that cross the column channels
    (narrative that happens to contain spaces). The thumbnail triage asks only whether there
    is a table (`cut` False): at its resolution two close columns can run together into one
    piece that looks like a caption."""
    runs, run, gap = [], [], 0  # a run keeps its short rows, for the captions that cut it
    for r in bands(segs, em):
        if len(r) >= 3:
            run.append(r)
            gap = 0
        elif run:
            run.append(r)
            gap += 1
            if gap > 6:
                runs, run, gap = runs + [run], [], 0
    runs.append(run)
    # every run, not the longest only: justified narrative with wide gaps makes runs of rows in
    # three pieces too, as many as a short table at the foot of the page has; trimming keeps a
    # run only where four or more columns line up
    out = []
    for run in runs:
        for part in (_cut_at_captions(run, em) if cut else [run]):
            part = _trimmed([r for r in part if len(r) >= 3], em, min_rows)
            if part:
                out.append(part)
    return out


def _cut_at_captions(rows: list[list[Segment]], em: float) -> list[list[list[Segment]]]:
    """`rows` cut at each row of one or two pieces, one of them at least 4 em long, that spans a
    column channel of the table above it (its rows of three or more pieces since the last cut):
    a caption or heading between two tables ("三、国家生态工业示范园区标准达标情况"). A wrapped
    label or requirement stays inside its column, and so does not cut; nor does a line that runs on
    from the line just above it (`_runs_on`): a requirement wrapped over six lines has only short
    pieces in its rows of three, so a channel drawn from those rows may lie inside its column."""
    parts, current = [], []
    for r in rows:
        wide = [s for row in current if len(row) >= 3 for s in row]
        if len(r) <= 2 and len(wide) >= 9:
            gaps = channels(wide, (min(s.x0 for s in wide), max(s.x1 for s in wide)), em)
            above = [s for row in current[-3:] for s in row]
            if any(s.x1 - s.x0 >= 4 * em and any(s.x0 < a and s.x1 > b for a, b in gaps)
                   and not _runs_on(s, above, em) for s in r):
                parts.append(current)
                current = []
                continue
        current.append(r)
    return [p for p in parts + [current] if p]


def _runs_on(line: Segment, above: list[Segment], em: float) -> bool:
    """Whether `line` is the next line of a cell whose line is just above it: less than a line gap
    (0.8 em) below, with the same left edge (half an em). A caption between two tables stands off
    the table above by a paragraph's spacing."""
    return any(0 <= line.y0 - s.y1 < 0.8 * em and abs(line.x0 - s.x0) <= 0.5 * em for s in above)


def _trimmed(part: list[list[Segment]], em: float, min_rows: int) -> list[list[Segment]] | None:
    if len(part) < min_rows:
        return None
    counts = [_columns(part[start:], em) for start in range(len(part) - min_rows + 1)]
    if max(counts) < 4:
        return None
    # the start that leaves the most cells (columns x rows): a narrative row on top merges
    # channels, but starting further down to gain a column (one that only the later rows leave
    # white, inside the requirement column say) loses the rows above it
    cells = [c * (len(part) - i) for i, c in enumerate(counts)]
    part = part[cells.index(max(cells)):]
    segs = [s for r in part for s in r]
    edges = column_edges(segs, (min(s.x0 for s in segs), max(s.x1 for s in segs)), em)

    def fits(row: list[Segment]) -> bool:
        return sum(column_of(s, edges) is not None for s in row) >= max(3, len(row) / 2)

    while part and not fits(part[0]):
        part = part[1:]
    while part and not fits(part[-1]):
        part = part[:-1]
    return part if len(part) >= min_rows else None


def _columns(rows: list[list[Segment]], em: float) -> int:
    segs = [s for r in rows for s in r]
    return len(column_edges(segs, (min(s.x0 for s in segs), max(s.x1 for s in segs)), em)) - 1


def _crossings_allowed(segs: list[Segment]) -> int:
    """Lines that may cross a column channel and leave it a channel: a few labels overhang."""
    return max(1, int(0.03 * len(segs)))


def channels(segs: list[Segment], x_range: tuple[int, int], em: float,
             allowed: int | None = None) -> list[tuple[int, int]]:
    """The white channels (start, end) inside x_range that (almost) no text line crosses,
    at least 0.6 em wide (`allowed` crossings: by default a share of `segs`)."""
    x0, x1 = x_range
    cover = np.zeros(x1 - x0 + 1, np.int32)
    for s in segs:
        cover[max(0, s.x0 - x0):max(0, s.x1 - x0)] += 1
    allowed = _crossings_allowed(segs) if allowed is None else allowed
    free = cover <= allowed
    out = []
    start = None
    for i, f in enumerate(np.append(free, False)):
        if f and start is None:
            start = i
        elif not f and start is not None:
            a, e = _inside_outer_columns(cover, start, i)
            if e - a >= 0.6 * em and a > 0 and e < len(cover):
                out.append((x0 + a, x0 + e))
            start = None
    return out


def _inside_outer_columns(cover: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """A free run that reaches the range's left end: its widest stretch that no line covers at all.
    A first column of merged cells (分类 over its block) holds so few lines that they count as
    lines allowed to cross, yet it is a column, and the white beside it its channel. (The right
    end is left alone: a few wide values overhanging the last column look the same.)"""
    if start != 0:
        return start, end
    best, run = (start, start), None
    for i in range(start, end + 1):
        if i < end and cover[i] == 0:
            run = i if run is None else run
        elif run is not None:
            best, run = max(best, (run, i), key=lambda r: r[1] - r[0]), None
    return best


def column_edges(segs: list[Segment], x_range: tuple[int, int], em: float, allowed: int | None = None) -> list[int]:
    """Left edges of columns: the middles of the white channels (and the range's ends)."""
    return [x_range[0]] + [(a + b) // 2 for a, b in channels(segs, x_range, em, allowed)] + [x_range[1]]


def continued_columns(segs: list[Segment], x_range: tuple[int, int], before: list[int], em: float,
                      tolerance: float, before_channels: list[tuple[int, int]] = ()) -> list[int] | None:
    """Column edges of a page that continues the table of the page before without its header:
    the page before's edges, each moved into this page's own white channel near it, or None when
    the pages do not line up (a channel here that no edge of the page before is near).

    Channels are compared, not their middles: a column's widest text differs from page to page
    (吨标煤/万元 in the unit column on one page, only "%" and "—" on the next), which moves the
    middle of a channel by more than any fixed tolerance while the channels still overlap. An
    edge of the page before that falls outside this page's text, or where nothing is printed
    (a column empty on this page, 分类 say, leaves no channel of its own), is kept as it is."""
    x0, x1 = x_range
    own = channels(segs, x_range, em)
    inner = list(before[1:-1])
    # the page before's channel around each edge, where it is known: a column of short text there
    # (≥30 only) leaves a wide channel whose middle lies far from this page's narrower one
    around = {b: next(((a, e) for a, e in before_channels if a <= b <= e), (b, b)) for b in inner}

    def meets(a: int, e: int, b: int) -> bool:
        lo, hi = around[b]
        return a - tolerance <= hi and lo <= e + tolerance

    if any(not any(meets(a, e, b) for b in inner) for a, e in own):
        return None
    edges = []
    for b in inner:
        inside = next(((a, e) for a, e in own if a <= b < e), None)
        if b <= x0 or b >= x1 or inside:
            edges.append(b)
            continue
        lo, hi = around[b]
        near = [(max(a, lo - tolerance), min(e, hi + tolerance)) for a, e in own if meets(a, e, b)]
        if not near:
            crossed = sum(s.x0 < b < s.x1 for s in segs)
            if crossed > _crossings_allowed(segs):
                return None
            edges.append(b)
            continue
        a, e = min(near, key=lambda c: abs((c[0] + c[1]) / 2 - b))
        edges.append(int((a + e) // 2))
    edges = [min(x0, before[0])] + edges + [max(x1, before[-1])]
    return edges if all(p < q for p, q in zip(edges, edges[1:])) else None


def looks_tabular(gray: np.ndarray) -> bool:
    """Cheap triage on a thumbnail: a block of text rows split into columns by white channels."""
    binary = ocr_grid.ink(gray)
    em = 0.14 * ocr_grid.dpi_of(binary)
    return bool(body_parts(segments(text_ink(binary), em), em, min_rows=3, cut=False))


class TextTable(NamedTuple):
    """A table found from where its text lies: its segments, bounding box and column edges, and
    every segment of the page (for what lies just outside the box)."""
    segments: list[Segment]
    bbox: tuple[int, int, int, int]
    edges: list[int]
    page: list[Segment]


def find_tables(binary: np.ndarray, em: float, min_rows: int = 3) -> list[TextTable]:
    """The text tables on a page, top to bottom."""
    ink = text_ink(binary)
    segs = segments(ink, em)
    parts = body_parts(segs, em, min_rows)
    marks = [d for d in dashes(ink, em) if not inside_text(d, segs)]
    out = []
    for k, rows in enumerate(parts):
        top, bottom = min(s.y0 for s in rows[0]), max(s.y1 for s in rows[-1])
        limit = min(s.y0 for s in parts[k + 1][0]) if k + 1 < len(parts) else None
        body = [s for r in rows for s in r]
        xs = (min(s.x0 for s in body), max(s.x1 for s in body))
        for s in sorted(segs, key=lambda s: s.y0):  # the last row's wrapped lines below its first line
            if (s.y0 >= top and s.y0 - bottom <= 0.9 * em and s.x0 >= xs[0] - em and s.x1 <= xs[1] + em
                    and (limit is None or s.y1 < limit)):
                bottom = max(bottom, s.y1)
        inside = [s for s in segs if top <= s.y0 and s.y1 <= bottom + 0.5 * em and s.x0 >= xs[0] - em
                  and s.x1 <= xs[1] + em and (limit is None or s.y1 < limit)]
        # channels from every line of the table, wrapped ones included: a requirement wrapped over
        # five lines reaches further right than its row's first line, and a channel drawn from the
        # first lines alone would cut through it
        # dashes stacked in a column count for the channels: a column printed '-' on every row of a
        # short first part (数值 over '-', '-', '-') is a column all the same, not white beside its
        # header; a stray mark alone (a speck between 分类 and 序号) is not
        mine = [d for d in marks if top <= d.y0 + em / 2 <= bottom and xs[0] <= d.x0 and d.x1 <= xs[1]]
        stacked = [d for d in mine if any(o is not d and o.x0 < d.x1 and d.x0 < o.x1 for o in mine)]
        edges = column_edges(inside + stacked, xs, em, _crossings_allowed(inside))  # of text lines only
        out.append(TextTable(inside, (xs[0], top, xs[1], bottom), edges, segs))
    return out


def lines_above(found: TextTable, em: float, edges: list[int], skip: set[int] = frozenset()) -> list[Segment]:
    """The lines that run on just above the table's first row, each inside one column (not one of
    `skip`): the rest of a row that a page break cut (its label's or requirement's last lines,
    with no 序号 and no value). The lowest may sit a row gap (2.5 em) above the first row, each
    further one a line gap (0.9 em) above the one below it; a caption across the columns or
    further up is not taken."""
    x0, top, x1, _ = found.bbox
    out: list[Segment] = []
    for s in sorted((s for s in found.page if s.y1 <= top + 2), key=lambda s: -s.y1):
        reach = min(seg.y0 for seg in out) if out else top
        if reach - s.y1 > (0.9 if out else 2.5) * em:
            break
        if s.x0 >= x0 - em and s.x1 <= x1 + em and column_of(s, edges) not in skip | {None}:
            out.append(s)
    return sorted(out, key=lambda s: (s.y0, s.x0))


def column_of(seg: Segment, edges: list[int]) -> int | None:
    """The column a segment lies in, or None when it spans a column channel."""
    for i in range(len(edges) - 1):
        if seg.x0 >= edges[i] - 2 and seg.x1 <= edges[i + 1] + 2:
            return i
    return None


def column_at(x: int, edges: list[int]) -> int:
    """The column whose span holds x (the outer columns reach past the edges)."""
    return int(np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2))


def dashes(ink: np.ndarray, em: float) -> list[Segment]:
    """Lone flat strokes (-, —, –) as line-high segments around their middle. `segments`
    leaves them out for their height, but a cell printed as a dash still shows which line
    its row starts on (a component row with 单位 "—" and 数值 "-")."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:]:
        if h < 0.3 * em and 0.2 * em <= w <= 2.2 * em and w >= 1.3 * h:
            middle = int(y + h / 2)
            out.append(Segment(int(x), middle - int(em / 2), int(x + w), middle + int(em / 2)))
    return out


def inside_text(mark: Segment, segs: list[Segment]) -> bool:
    """Whether a flat stroke from `dashes` is part of a text line (the top stroke of 元 or 万, a
    stroke of 二) rather than a dash printed alone in its cell."""
    middle = (mark.y0 + mark.y1) / 2
    return any(s.x0 <= mark.x1 and mark.x0 <= s.x1 and s.y0 <= middle <= s.y1 for s in segs)


def row_starts(segs: list[Segment], edges: list[int], anchors: list[int], pairs: tuple[list[int], list[int]],
               em: float) -> list[int]:
    """Tops of the table rows: every line of an anchor column (序号) begins a row, and so does a
    line of a value column level with a line of one of the paired columns (单位, 是否为考核指标:
    a component row without 序号). Level means their middles lie within 0.4 em: digits are
    shorter than CJK characters, and a dash sits at mid-height."""
    def middle(s: Segment) -> float:
        return (s.y0 + s.y1) / 2

    tops = [s.y0 for s in segs if column_of(s, edges) in anchors]
    paired = [s for s in segs if column_of(s, edges) in pairs[0]]
    for s in segs:
        if column_of(s, edges) in pairs[1]:
            level = [u for u in paired if abs(middle(s) - middle(u)) < 0.4 * em]
            if level:
                tops.append(min([s.y0] + [u.y0 for u in level]))
    tops.sort()
    out: list[int] = []
    for t in tops:
        if not out or t - out[-1] > 0.8 * em:
            out.append(t)
    return out


# how far (in em) a centred row's middle may lie from its key lines' middle. Digits, % and CJK
# glyphs differ in height, and a cell's paragraph spacing shifts its text: rows printed centred
# measure up to 0.36 em off at 9.5 pt. A top-aligned row of two lines or more is 0.75 em off.
CENTRED_WITHIN = 0.45


def centred_starts(segs: list[Segment], edges: list[int], skip: list[int], kinds: dict[int, str],
                   em: float, headed: bool = False, marks: list[Segment] = ()) -> list[int] | None:
    """Row tops of a table whose cells are centred vertically, None when it is not one or when its
    rows cannot be cut with confidence (the reader then cuts them by `row_starts`, as for a
    top-aligned table; what that misses is flagged NOT_READ downstream).

    Rows come from the row bands of every column but `skip` (序号 and 分类: a merged cell centred
    over its block bridges rows), each key cell wrapped over lines taken as one (`_wrapped_keys`).
    `kinds` names the key columns: unit, value (or compliant), and selected, which only helps
    tell a wrapped cell's lines (`marks` are the dashes printed in them). A band holding a line
    of a unit or value column is the core of one row; a band without one holds loose lines of a
    tall cell (a requirement wrapped over four lines has a one-line value beside its middle two
    only) and goes to the row above or the row below, whichever split leaves the rows most
    symmetric about their key lines; loose bands above the first row that keep it from being
    centred are a row of their own, the end of the page before's last row (`_carried_over`). Each
    row must then be centred on its key lines within CENTRED_WITHIN em: a top-aligned table whose
    rows happen to split near-symmetrically (three-line scans with component rows) is not taken."""
    keys = [c for c, kind in kinds.items() if kind != "selected"]
    rows = bands(_wrapped_keys([s for s in segs if column_of(s, edges) not in skip], edges, kinds, em, marks), em)
    spans = [(min(s.y0 for s in b), max(s.y1 for s in b)) for b in rows]
    key = [[s for s in b if column_of(s, edges) in keys] for b in rows]
    cores = [i for i, k in enumerate(key) if k]
    if len(cores) < 3:
        return None
    middles = {i: (min(s.y0 for s in key[i]) + max(s.y1 for s in key[i])) / 2 for i in cores}
    tops = _symmetric_split(spans, cores, middles)
    ends = [spans[j - 1][1] for j in tops[1:]] + [spans[-1][1]]
    lead = _carried_over(spans, cores[0], ends[0], middles[cores[0]], em)
    tops[0] = lead
    cut = [(spans[top][0], end, core) for top, end, core in zip(tops, ends, cores)]
    blocks = []  # per row, each key column's lines as one block (a value wrapped over two lines is one)
    for top, nxt in zip(tops, tops[1:] + [len(rows)]):
        mine = [s for b in rows[top:nxt] for s in b]
        blocks.append([(min(s.y0 for s in col), max(s.y1 for s in col)) for col in
                       ([s for s in mine if column_of(s, edges) == c] for c in keys) if col])
    # a page break may have cut the first row's top (unless the page opens with the header) and
    # the last row's bottom
    inner = list(zip(cut, blocks))[0 if headed else 1:-1]
    if not _centred([(top, end, mine) for (top, end, _), mine in inner], em):
        return None
    last = len(cut) - 1
    if any(_lopsided((top + end) / 2 - middles[core], k == 0, k == last) > CENTRED_WITHIN * em
           for k, (top, end, core) in enumerate(cut)):
        return None  # no split centres this row on its value: not cut with confidence
    return ([spans[0][0]] if lead else []) + [top for top, _, _ in cut]


def _carried_over(spans: list[tuple[int, int]], core: int, end: int, middle: float, em: float) -> int:
    """How many bands above the first row's key lines end the row the page before began (its
    label's last lines, under a repeated header): the fewest that, left out, centre the first row
    on its key lines; 0 when the row is centred with all of them, or with none of them (a row
    whose top the page break cut)."""
    for j in range(core + 1):
        if abs((spans[j][0] + end) / 2 - middle) <= CENTRED_WITHIN * em:
            return j
    return 0


def _wrapped_keys(segs: list[Segment], edges: list[int], kinds: dict[int, str], em: float,
                  marks: list[Segment] = ()) -> list[Segment]:
    """`segs` with each key cell wrapped over lines (a value 135509.9 over 7, a unit 吨标 / 煤/万 / 元
    in a narrow column) joined into one segment. Centred, such a cell's outer lines stand above and
    below its row's other cells, and a band of their own would start a row there.

    A key line that no key line of another kind is level with (`kinds`: unit, selected, value;
    `marks`: the dashes printed for an empty unit or selection) is joined with the fewest lines
    around it in its column (each less than a line gap, 0.8 em, from the next; no two of them level
    with other key cells) that make a cell centred on a key line of another kind. Failing that, a
    line with nothing at all beside it is joined to the nearer line; one with a label beside it
    stays apart: the last lines of a label and unit a page break carried over (业增加值 | 方公里) are
    not the first line of the next row's unit (平方公 / 里). A value of a row stacked under another
    is level with its own unit or selection, and stays apart too."""
    column = {id(s): column_of(s, edges) for s in [*segs, *marks]}
    out = [s for s in segs if kinds.get(column[id(s)]) is None]
    for col, kind in kinds.items():
        others = [o for o in [*segs, *marks] if kinds.get(column[id(o)]) not in (None, kind)]
        around = [o for o in [*segs, *marks] if column[id(o)] != col]
        mine = sorted((s for s in segs if column[id(s)] == col), key=lambda s: s.y0)
        for stack in _stacks(mine, em):
            out += _joined_stack(stack, others, around, em)
    return sorted(out, key=lambda s: (s.y0, s.x0))


def _stacks(lines: list[Segment], em: float) -> list[list[Segment]]:
    """The lines of one column (top to bottom) in runs, each less than a line gap below the last."""
    out: list[list[Segment]] = []
    for s in lines:
        if out and s.y0 - out[-1][-1].y1 < 0.8 * em:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def _joined_stack(stack: list[Segment], others: list[Segment], around: list[Segment], em: float) -> list[Segment]:
    """One run of a key column's lines with its wrapped cells joined (see `_wrapped_keys`):
    `others` are the key lines of other kinds, `around` every line of the other columns."""
    def level(a: Segment, b: Segment) -> bool:
        return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.1 * em

    def off(block: Segment) -> float:
        """How far the block's middle lies from the nearest key line of another kind level with it."""
        return min((abs(block.y0 + block.y1 - o.y0 - o.y1) / 2 for o in others if level(block, o)),
                   default=float("inf"))

    def one_row(a: int, b: int) -> bool:  # lines level with key cells of two rows are two cells
        return sum(any(level(s, o) for o in others) for s in stack[a:b + 1]) <= 1

    stack, done = list(stack), set()
    while True:
        loose = next((i for i, s in enumerate(stack) if i not in done and not any(level(s, o) for o in others)),
                     None)
        if loose is None:
            return stack
        runs = [(a, b) for a in range(loose + 1) for b in range(loose + 1, len(stack)) if one_row(a, b)]
        runs += [(a, loose) for a in range(loose) if one_row(a, loose)]
        centred = [(b - a, o, a, b) for a, b in runs if (o := off(_span(stack[a:b + 1]))) <= CENTRED_WITHIN * em]
        pairs = [(a, b) for a, b in runs if b - a == 1]
        if centred:  # the fewest lines that make a centred cell
            _, _, a, b = min(centred)
        elif pairs and not any(level(stack[loose], o) for o in around):
            # a line with nothing beside it is the rest of a cell, not centred (a row cut short by
            # the page's end, say): joined to the nearer line
            a, b = min(pairs, key=lambda r: stack[r[1]].y0 - stack[r[0]].y1)
        else:
            done.add(loose)  # a line of its own row (a label's beside it), or a fragment carried over
            continue
        stack[a:b + 1] = [_span(stack[a:b + 1])]
        done = {i if i < a else i - (b - a) for i in done if not a <= i <= b}


def _span(lines: list[Segment]) -> Segment:
    return Segment(min(s.x0 for s in lines), min(s.y0 for s in lines), max(s.x1 for s in lines),
                   max(s.y1 for s in lines))


def _lopsided(off: float, first: bool, last: bool) -> float:
    """How far a row's middle lies from its key lines' (`off`, positive when below). A page break
    cuts only the top of a page's first row (the rest of a row begun on the page before) and the
    bottom of its last, so those may reach further that way."""
    if first and last:
        return 0.0
    if first:
        return max(0.0, off)
    if last:
        return max(0.0, -off)
    return abs(off)


def _centred(rows: list[tuple[int, int, list[tuple[int, int]]]], em: float) -> bool:
    """Whether the rows (top, bottom, each key column's block of lines) read as centred: in a row
    taller than one of its key blocks by more than an em, that block sits lower than the row's
    top when cells are centred, and at the top when they are top-aligned. Each such row votes by
    its shorter blocks (a value wrapped over the row's full height has no say); most votes must
    say centred, two at least: one alone may be a stray."""
    low = top_aligned = 0
    for top, bottom, blocks in rows:
        short = [y0 for y0, y1 in blocks if (bottom - top) - (y1 - y0) > em]
        if short and all(y0 - top > 0.5 * em for y0 in short):
            low += 1
        elif short and all(y0 - top <= 0.5 * em for y0 in short):
            top_aligned += 1
    return low >= 2 and low >= 0.6 * (low + top_aligned)


def _symmetric_split(spans: list[tuple[int, int]], cores: list[int],
                     middles: dict[int, float]) -> list[int]:
    """First band of each row: the loose bands before the first core and after the last belong to
    those rows; the ones between two cores are split where the two rows' tops and bottoms lie
    most evenly about their key lines (each gap on its own: a row's top is fixed by the gap above
    it, its bottom by the gap below, so the gaps are chosen together, first to last)."""
    def off(first: int, last: int, core: int) -> float:
        return _lopsided((spans[first][0] + spans[last][1]) / 2 - middles[core], core == cores[0],
                         core == cores[-1])

    # best[j]: least total asymmetry of the rows so far with the current row starting at band j
    best = {0: 0.0}
    back: list[dict[int, int]] = []
    for k in range(len(cores) - 1):
        a, b = cores[k], cores[k + 1]
        nxt, came = {}, {}
        for j in range(a + 1, b + 1):  # band j starts row k + 1
            cost, start = min((c + off(s, j - 1, a), s) for s, c in best.items())
            nxt[j], came[j] = cost, start
        best, back = nxt, back + [came]
    last = min(best, key=lambda j: best[j] + off(j, len(spans) - 1, cores[-1]))
    tops = [last]
    for came in reversed(back):
        tops.append(came[tops[-1]])
    return tops[::-1]


def grid_of(bbox: tuple[int, int, int, int], edges: list[int], starts: list[int], header_top: int,
            lines: np.ndarray, em: float, with_header: bool = True) -> ocr_grid.Grid:
    """A Grid of plain cells: the header band (if any), then one band per row start, split at the column edges."""
    x0, _, x1, bottom = bbox
    pad = int(0.25 * em)
    bands = ([header_top - pad] if with_header else []) + [s - pad for s in starts] + [bottom + pad]
    cells = []
    for r in range(len(bands) - 1):
        for c in range(len(edges) - 1):
            cells.append(ocr_grid.CellBox(edges[c] if c else x0 - pad, bands[r],
                                          edges[c + 1] if c + 2 < len(edges) else x1 + pad, bands[r + 1], r, c))
    return ocr_grid.Grid(cells, len(bands) - 1, len(edges) - 1, edges, (x0 - pad, bands[0], x1 + pad, bands[-1]),
                         np.zeros_like(lines))
