"""pdfplumber's ruled-table finder and cell text, same answers in a fraction of the time.

Two pdfplumber steps were most of the time of a table page, and both are
quadratic for no reason on our pages:

- `intersections_to_cells` looks, for every crossing of ruling lines, through
  all later crossings for the ones straight below and to the right, and compares
  sets of edge boxes for each pair it tries;
- `extract_text`, run once per cell, builds a word extractor, clusters and
  sorts through generic key functions.

`find_tables` and `cell_lines` do the same work on the same inputs in the same
order (so even ties come out the same), with the crossings indexed by row and
column of the grid; edge snapping, joining and grouping of cells into tables
are pdfplumber's own, cheap, functions.
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from pdfplumber.table import Table, TableSettings, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges
from pdfplumber.utils.text import LIGATURES

# pdfplumber's extract_text defaults: a word ends at a gap wider than this, a line at a step down.
X_TOLERANCE = 3
Y_TOLERANCE = 3


def find_tables(page, settings: dict) -> list[Table]:
    """`pdfplumber.table.TableFinder(page, settings).tables` for the "lines" strategy."""
    s = TableSettings.resolve(settings)
    assert s.vertical_strategy == s.horizontal_strategy == "lines", "only ruled tables are sped up"
    edges = (filter_edges(page.edges, "v", min_length=s.edge_min_length_prefilter)
             + filter_edges(page.edges, "h", min_length=s.edge_min_length_prefilter))
    edges = merge_edges(edges, s.snap_x_tolerance, s.snap_y_tolerance, s.join_x_tolerance, s.join_y_tolerance)
    edges = close_cut_rows(filter_edges(edges, min_length=s.edge_min_length))
    crossings = edges_to_intersections(edges, s.intersection_x_tolerance, s.intersection_y_tolerance)
    return [Table(page, cells) for cells in _tables(_cells(crossings))]


CUT_RULES = 3      # column rules that end together where a page break cut their row
END_TOLERANCE = 2  # points: rules ending this close end together


def close_cut_rows(edges: list[dict]) -> list[dict]:
    """A rule across where the column rules of a grid stop without one.

    A row cut by a page break is drawn open by some producers (browsers print
    collapsed borders so): its column rules run to the page's foot, and on the
    next page down from its top, with no rule across. Without one its cells are
    no cells, and the half rows vanish from both parts of the table. Where
    CUT_RULES or more column rules end at one height that no rule crosses, the
    missing rule is put in, from the first of them to the last."""
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    added = []
    for end in ("top", "bottom"):
        for ys, group in _ends(vertical, end):
            y = ys
            left, right = min(e["x0"] for e in group), max(e["x0"] for e in group)
            if any(abs(h["top"] - y) <= END_TOLERANCE and h["x0"] <= left + END_TOLERANCE
                   and h["x1"] >= right - END_TOLERANCE for h in horizontal + added):
                continue
            added.append({"object_type": "line", "orientation": "h", "x0": left, "x1": right, "top": y,
                          "bottom": y, "doctop": y, "width": right - left, "height": 0.0})
    return edges + added


def _ends(vertical: list[dict], end: str) -> list[tuple[float, list[dict]]]:
    """Rules grouped by where they end (their top or bottom), groups of CUT_RULES or more."""
    out, group = [], []
    for e in sorted(vertical, key=itemgetter(end)):
        if group and e[end] - group[-1][end] > END_TOLERANCE:
            if len(group) >= CUT_RULES:
                out.append((group[0][end] if end == "top" else group[-1][end], group))
            group = []
        group.append(e)
    if len(group) >= CUT_RULES:
        out.append((group[0][end] if end == "top" else group[-1][end], group))
    return out


def _cells(crossings: dict) -> list[tuple]:
    """`pdfplumber.table.intersections_to_cells`: for each crossing in (x, top) order, the
    smallest box whose four corners are crossings joined by drawn lines.

    Two crossings are joined when one edge (compared by its box, as pdfplumber
    does) passes through both. Below a crossing are the later crossings with its
    x, to its right those with its top: kept per column and per row here instead of
    filtered out of all later points each time."""
    def boxes(edges):
        return frozenset((e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges)

    vertical = {p: boxes(c["v"]) for p, c in crossings.items()}
    horizontal = {p: boxes(c["h"]) for p, c in crossings.items()}
    down: dict[float, list[tuple]] = {}    # x -> the crossings on that vertical, top to bottom
    across: dict[float, list[tuple]] = {}  # top -> the crossings on that horizontal, left to right
    points = sorted(crossings)
    place = {}
    for point in points:
        column, row = down.setdefault(point[0], []), across.setdefault(point[1], [])
        place[point] = (len(column), len(row))
        column.append(point)
        row.append(point)
    out = []
    for point in points:
        i, j = place[point]
        cell = _smallest(point, down[point[0]][i + 1:], across[point[1]][j + 1:], vertical, horizontal)
        if cell:
            out.append(cell)
    return out


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """`pdfplumber.table.cells_to_tables`: cells that share a corner, directly or through
    others, are one table; tables top to bottom (then left to right) by their first
    cell, lone cells dropped.

    pdfplumber sweeps the remaining cells until a sweep adds none, which is this
    same closure taken the long way; cells are kept in their given order, which
    (each starting at its own crossing) no row, column or box depends on."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_at: dict[tuple, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = first_at.setdefault(corner, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[tuple]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _smallest(here, below, right, vertical, horizontal):
    down, across = vertical[here], horizontal[here]
    for below_pt in below:
        if down.isdisjoint(vertical[below_pt]):
            continue
        for right_pt in right:
            if across.isdisjoint(horizontal[right_pt]):
                continue
            corner = (right_pt[0], below_pt[1])
            if (corner in vertical and not vertical[corner].isdisjoint(vertical[right_pt])
                    and not horizontal[corner].isdisjoint(horizontal[below_pt])):
                return (here[0], here[1], corner[0], corner[1])
    return None


def cell_lines(chars: list[dict]) -> list[str]:
    """`pdfplumber.utils.extract_text(chars).split("\\n")` for upright chars in page order:
    words (`_words`) grouped into lines by their tops, lines in top order; [] for no words."""
    words = _words(chars)
    if not words:
        return []
    return [" ".join(w[1] for w in line) for line in _clusters(words, itemgetter(0))]


def text_lines(chars: list[dict]) -> list[dict]:
    """`chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=False)`, the
    lines of text outside the tables: text, x0, top, x1, bottom.

    pdfplumber builds a text map char by char and finds its lines with a regular
    expression; without layout that is the same words as `cell_lines`, cut into a
    new line wherever the cluster of a word's top changes (words stay in order)."""
    words = _words(chars)
    cluster = _cluster_ids([w[0] for w in words])
    out = []
    for _, line in groupby(words, key=lambda w: cluster[w[0]]):
        line = list(line)
        out.append({"text": " ".join(w[1] for w in line), "x0": min(w[2] for w in line),
                    "top": min(w[0] for w in line), "x1": max(w[3] for w in line),
                    "bottom": max(w[4] for w in line)})
    return out


def _words(chars: list[dict]) -> list[tuple[float, str, float, float, float]]:
    """pdfplumber's WordExtractor on upright chars: (top, text, x0, x1, bottom) of each word.

    Chars are grouped into lines by their top (values at most Y_TOLERANCE apart chain
    into one line), each line read left to right and cut into words at blanks, at
    a step back or a gap over X_TOLERANCE, or a top more than Y_TOLERANCE off."""
    words = []
    for line in _clusters(chars, _top):
        texts: list[str] = []
        for char in sorted(line, key=_x0) if len(line) > 1 else line:
            text = char["text"]
            if text.isspace():
                if texts:
                    words.append((top, "".join(texts).translate(_LIGATURES), left, right, bottom))
                texts = []
                continue
            x0, x1, char_top, char_bottom = char["x0"], char["x1"], char["top"], char["bottom"]
            if texts and (x0 < last_x0 or x0 > last_x1 + X_TOLERANCE or abs(char_top - last_top) > Y_TOLERANCE):
                words.append((top, "".join(texts).translate(_LIGATURES), left, right, bottom))
                texts = []
            if texts:  # comparisons, not min()/max(): this runs once per glyph of every table
                if char_top < top:
                    top = char_top
                if x1 > right:
                    right = x1
                if char_bottom > bottom:
                    bottom = char_bottom
            else:
                top, left, right, bottom = char_top, x0, x1, char_bottom
            texts.append(text)
            last_x0, last_x1, last_top = x0, x1, char_top
        if texts:
            words.append((top, "".join(texts).translate(_LIGATURES), left, right, bottom))
    return words


_top = itemgetter("top")
_x0 = itemgetter("x0")
_LIGATURES = str.maketrans({k: v for k, v in LIGATURES.items() if len(k) == 1})  # "ﬁ" -> "fi", as merge_chars


def _clusters(items: list, key) -> list[list]:
    """`pdfplumber.utils.cluster_objects(items, key, Y_TOLERANCE)`: items whose key values chain
    within the tolerance form one cluster, clusters in key order, items in given order."""
    keys = list(map(key, items))
    if not keys:
        return []
    if max(keys) <= min(keys) + Y_TOLERANCE:  # one line, what most cells hold (then every step is within too)
        return [items]
    cluster_of = _cluster_ids(keys)
    groups: list[list] = [[] for _ in range(max(cluster_of.values()) + 1)]
    for item, k in zip(items, keys):
        groups[cluster_of[k]].append(item)
    return [g for g in groups if g]


def _cluster_ids(values: list[float]) -> dict[float, int]:
    """`pdfplumber.utils.clustering.make_cluster_dict(values, Y_TOLERANCE)`: sorted values
    chain into one cluster while each is within the tolerance of the one before."""
    cluster_of = {}
    n, last = 0, None
    for v in sorted(set(values)):
        if last is not None and v > last + Y_TOLERANCE:
            n += 1
        cluster_of[v] = n
        last = v
    return cluster_of
