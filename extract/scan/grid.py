"""Ruled tables on page images: skew, ruling lines, cells (with spans) and text lines in a cell.

Why ruling lines and not a layout model: the indicator tables are Word tables
with every cell ruled, and scans keep those lines. Morphological opening with a
long thin kernel keeps only long straight strokes, so text drops out; the
regions enclosed by the remaining lines are exactly the cells, merged cells
included (their inner ruling segments are missing, so they enclose one larger
region). Everything here works on grayscale numpy arrays; coordinates are
pixels of the (deskewed) page image.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0; adaptive so faint scans and grey backgrounds both work."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def ruling(binary: np.ndarray, min_len: int, horizontal: bool) -> np.ndarray:
    """Long straight strokes only. Thickened across first so a slightly tilted line survives."""
    across = (1, 5) if horizontal else (5, 1)
    along = (min_len, 1) if horizontal else (1, min_len)
    thick = cv2.dilate(binary, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    lines = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    return lines


def skew_angle(binary: np.ndarray) -> float:
    """Degrees to rotate by (counter-clockwise positive, as cv2) so long horizontal rules become level.

    The long ruling lines are a far better witness than text lines: they are
    long, straight and there are dozens of them on a table page. Each rule's
    slope is a least-squares fit through its pixels; the length-weighted median
    of the slopes ignores the odd underline or table edge."""
    w = binary.shape[1]
    hor = ruling(binary, max(20, w // 30), horizontal=True)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hor, connectivity=8)
    ys, xs = np.nonzero(hor)
    owner = labels[ys, xs]
    angles, weights = [], []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_WIDTH] < w // 4:
            continue
        mine = owner == i
        slope = np.polyfit(xs[mine], ys[mine], 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(stats[i, cv2.CC_STAT_WIDTH])
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights, dtype=float)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def rotation(shape: tuple[int, int], angle: float) -> np.ndarray:
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape[:2]
    return cv2.warpAffine(gray, rotation(gray.shape, angle), (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def long_strokes(mask: np.ndarray, min_len: int, horizontal: bool) -> int:
    """How many separate strokes in a ruling mask are at least `min_len` long."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    extent = stats[1:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
    return int((extent >= min_len).sum())


def looks_ruled(gray: np.ndarray) -> bool:
    """Cheap triage on a low-resolution render: enough long horizontal and vertical rules for a grid.

    Counted as connected strokes, not as profile peaks, so a scan tilted by a
    degree or two still counts each rule once."""
    binary = ink(gray)
    h, w = binary.shape
    hor = ruling(binary, w // 12, horizontal=True)
    ver = ruling(binary, h // 30, horizontal=False)
    return long_strokes(hor, int(w * 0.3), True) >= 5 and long_strokes(ver, int(h * 0.1), False) >= 3


@dataclass
class CellBox:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    cells: list[CellBox]
    rows: int
    cols: int
    col_edges: list[int]
    bbox: tuple[int, int, int, int]
    lines: np.ndarray  # ruling-line mask of the page, to keep rules out of cell crops


def _cluster(values: list[int], tol: int) -> list[int]:
    values = sorted(values)
    groups: list[list[int]] = []
    for v in values:
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [int(np.median(g)) for g in groups]


def _nearest(edges: list[int], v: int) -> int:
    return int(np.argmin([abs(e - v) for e in edges]))


def bridged(mask: np.ndarray, dpi: float, horizontal: bool) -> np.ndarray:
    """Rules with short breaks joined along their direction: a faint scan, or a seal whose ink
    was removed over a rule, leaves gaps through which two cells would run together."""
    gap = max(9, int(0.12 * dpi))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1) if horizontal else (1, gap))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)


def through_seal(mask: np.ndarray, across: np.ndarray, seal: np.ndarray, horizontal: bool) -> np.ndarray:
    """Rules that run into a seal's area carried on through it, up to the next rule across.

    Under a seal the ring, its ring text and the removal of the red ink leave a rule
    in dashes too short to be told from strokes of text, so a rule can stop where the
    seal begins and two rows' value cells run into one (the second row's value then
    looks like no value at all). A row or column border does not end inside a seal:
    each end of a rule that lies on the seal's area is drawn on along the rule's line,
    over the seal's area only, until it meets a rule running across (`across`: the
    vertical rules for a horizontal one). Drawn on the transposed masks for columns."""
    if not horizontal:
        return through_seal(mask.T.copy(), across.T, seal.T, True).T.copy()
    out = mask.copy()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    w = mask.shape[1]
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bh > 15 or bw < 20:
            continue  # not a rule's piece
        ys = np.nonzero(labels[y:y + bh, x:x + bw] == i)[0]
        row = y + int(np.median(ys))
        for end, step in ((x + bw - 1, 1), (x, -1)):
            near = across[max(0, row - 2):row + 3, max(0, end - 6):end + 7]
            if not seal[row, min(w - 1, max(0, end + step))] or near.any():
                continue  # ends outside the seal, or at a rule across (a merged cell's border)
            cur = end + step
            while 0 <= cur < w and seal[row, cur] and not across[row, cur]:
                cur += step
            a, b = sorted((end, cur))
            out[max(0, row - 1):row + 2, a:b + 1] = 255
    return out


def find_grids(gray: np.ndarray, binary: np.ndarray | None = None, min_rows: int = 2, min_cols: int = 3,
               seal: np.ndarray | None = None) -> list[Grid]:
    """Every ruled table on a deskewed page, top to bottom.

    The defaults ask for a real table; the few ruled rows that head a table at
    the foot of a page (its title, 园区名称 | 填报时间) pass with 1 and 1. `seal` is
    where red ink was removed (see `through_seal`)."""
    binary = ink(gray) if binary is None else binary
    h, w = binary.shape
    hor = ruling(binary, max(40, w // 40), horizontal=True)
    # longer than any character's stroke (a quarter inch), or a line of text in a
    # short row becomes a fence of strokes that cuts its cell into slivers
    ver = ruling(binary, max(20, int(0.25 * dpi_of(binary))), horizontal=False)
    if seal is not None and seal.any():
        hor, ver = through_seal(hor, ver, seal, True), through_seal(ver, hor, seal, False)
    hor, ver = bridged(hor, dpi_of(binary), True), bridged(ver, dpi_of(binary), False)
    lines = cv2.dilate(cv2.bitwise_or(hor, ver), np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w * 0.3 or bh < h * 0.01:
            continue
        grid = _cells(lines, (x, y, x + bw, y + bh))
        if grid and grid.rows >= min_rows and grid.cols >= min_cols:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.bbox[1])


def _cells(lines: np.ndarray, bbox: tuple[int, int, int, int]) -> Grid | None:
    """Regions enclosed by rules inside `bbox`, placed on a row/column grid.

    Column edges come only from edges shared by several rows, so one odd row
    (园区名称 | 填报时间 split somewhere) does not add a column to the whole table;
    every row edge is kept, since a requirement written over two ruled rows is real."""
    x0, y0, x1, y1 = bbox
    free = cv2.bitwise_not(lines[y0:y1, x0:x1])
    n, _, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    boxes = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        touches = x == 0 or y == 0 or x + bw >= x1 - x0 or y + bh >= y1 - y0
        if touches or bw < 8 or bh < 8 or area < 0.5 * bw * bh:
            continue
        boxes.append(CellBox(x0 + x, y0 + y, x0 + x + bw, y0 + y + bh))
    if not boxes:
        return None
    tol = 6
    row_edges = _cluster([b.y0 for b in boxes] + [b.y1 for b in boxes], tol)
    row_edges = _merge_gaps(row_edges, tol)
    xs = [b.x0 for b in boxes] + [b.x1 for b in boxes]
    heights = [b.y1 - b.y0 for b in boxes] * 2
    support = _cluster(xs, tol)
    carried = [sum(hh for x, hh in zip(xs, heights) if abs(x - e) <= tol) for e in support]
    col_edges = [e for e, c in zip(support, carried) if c >= 0.2 * (y1 - y0)] or support
    col_edges = _merge_gaps(col_edges, tol)
    for b in boxes:
        b.row, r1 = _nearest(row_edges, b.y0), _nearest(row_edges, b.y1)
        b.col, c1 = _nearest(col_edges, b.x0), _nearest(col_edges, b.x1)
        b.rowspan, b.colspan = max(1, r1 - b.row), max(1, c1 - b.col)
    rows = max(b.row + b.rowspan for b in boxes)
    cols = max(b.col + b.colspan for b in boxes)
    return Grid(sorted(boxes, key=lambda b: (b.row, b.col)), rows, cols, col_edges, bbox, lines)


def _merge_gaps(edges: list[int], tol: int) -> list[int]:
    """A cell's bottom and the next cell's top sit either side of one rule: one edge, not two."""
    out: list[int] = []
    for e in edges:
        if out and e - out[-1] <= 3 * tol:
            out[-1] = (out[-1] + e) // 2
        else:
            out.append(e)
    return out


def dpi_of(binary: np.ndarray) -> float:
    """Resolution of a page image, assuming A4 (its long side is 11.69 in)."""
    return max(binary.shape) / 11.69


def em_height(binary: np.ndarray, grid: Grid) -> float:
    """Pixel height of a CJK character in the table: the yardstick for line gaps and dash lengths.

    Square-ish ink blobs of plausible text size inside the table; the upper
    quartile, because many characters split into smaller radicals."""
    x0, y0, x1, y1 = grid.bbox
    free = cv2.bitwise_and(binary[y0:y1, x0:x1], cv2.bitwise_not(grid.lines[y0:y1, x0:x1]))
    _, _, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    dpi_guess = dpi_of(binary)
    plausible = (h >= 0.06 * dpi_guess) & (h <= 0.3 * dpi_guess) & (w >= 0.6 * h) & (w <= 1.5 * h)
    return float(np.percentile(h[plausible], 75)) if plausible.sum() >= 10 else 0.14 * dpi_guess


@dataclass
class TextLine:
    x0: int
    y0: int
    x1: int
    y1: int
    components: int  # connected ink blobs: one for a lone dash or stroke
    dots: int = 0    # small isolated blobs on the baseline: decimal points as printed


def text_lines(binary: np.ndarray, cell: CellBox, em: float, pad: int = 3) -> list[TextLine]:
    """Text lines in a cell, by the row profile of ink (a cell holds one block of left-to-right lines).

    The cell box is the free space between the rules, so only a small inset is
    needed to stay off them; the ruling mask is not subtracted, because a long
    vertical stroke of 扌 or 亻 is in it too and the line would lose its first
    radical. Runs closer than a quarter em are one line (the two parts of 元 or
    三), and a sliver thinner than a third of an em joins its nearest neighbour."""
    x0, y0, x1, y1 = cell.x0 + pad, cell.y0 + pad, cell.x1 - pad, cell.y1 - pad
    if x1 <= x0 or y1 <= y0:
        return []
    crop = cv2.morphologyEx(binary[y0:y1, x0:x1], cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # speckle
    profile = (crop > 0).sum(axis=1)
    on = np.concatenate([[0], (profile > 0).astype(np.int8), [0]])
    runs = [[int(s), int(e)] for s, e in zip(np.where(np.diff(on) == 1)[0], np.where(np.diff(on) == -1)[0])]
    runs = _join_runs(runs, em)
    found = []
    for s, e in runs:
        band = crop[s:e]
        cols = np.where(band.any(axis=0))[0]
        if band.sum() / 255 < 4 or not len(cols):
            continue
        n, _, stats, _ = cv2.connectedComponentsWithStats(band, connectivity=8)
        blobs = stats[1:][stats[1:, cv2.CC_STAT_AREA] >= 3]
        found.append(TextLine(x0 + int(cols[0]), y0 + int(s), x0 + int(cols[-1]) + 1, y0 + int(e),
                              len(blobs), _dots(blobs, e - s, em)))
    return found


def _join_runs(runs: list[list[int]], em: float) -> list[list[int]]:
    out: list[list[int]] = []
    for s, e in runs:
        if out and s - out[-1][1] <= 0.25 * em:
            out[-1][1] = e
        else:
            out.append([s, e])
    changed = True
    while changed and len(out) > 1:
        changed = False
        for i, (s, e) in enumerate(out):
            if e - s >= em / 3:
                continue
            gaps = [(s - out[i - 1][1], i - 1) if i else None, (out[i + 1][0] - e, i + 1) if i + 1 < len(out) else None]
            gap, j = min(g for g in gaps if g is not None)
            if gap <= 0.5 * em:
                a, b = sorted((i, j))
                out[a:b + 1] = [[out[a][0], out[b][1]]]
                changed = True
                break
    return out


def _dots(blobs: np.ndarray, height: int, em: float) -> int:
    """Blobs that look like a full stop: small, square-ish, sitting on the baseline, and not
    under or over any other blob (a serif or a stroke end broken off by the scan is)."""
    count = 0
    for i, (x, y, w, h, _) in enumerate(blobs):
        small = 0.08 * em <= w <= 0.3 * em and 0.08 * em <= h <= 0.3 * em
        if not small or y + h < height - 0.25 * em:
            continue
        alone = all(x + w <= ox or ox + ow <= x for j, (ox, _, ow, _, _) in enumerate(blobs) if j != i)
        count += alone
    return count


def line_image(gray: np.ndarray, line: TextLine, margin: float = 0.3) -> np.ndarray:
    """The line cut out with white margin around it, as the recogniser was trained on.

    The recogniser scales every line to 48 px high and its cost grows with the
    scaled width, so the margin above and below (a share of the line height)
    also sets the speed: more margin, smaller text, fewer pixels to read."""
    crop = gray[line.y0:line.y1, line.x0:line.x1]
    m = max(4, round(margin * (line.y1 - line.y0)))
    return cv2.copyMakeBorder(crop, m, m, 4, 4, cv2.BORDER_CONSTANT, value=255)
