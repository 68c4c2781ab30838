"""Scanned PDFs (extract/scan.py): the committed scans against the DOCX they were made from.

fixtures/scanned/*.pdf are image-only PDFs made by fixtures/make_scans.py from
fixtures/pdf (LibreOffice renders of fixtures/docx): rotated, blurred, noisy
JPEG pages. Expected cell texts come from the DOCX tables, never from the OCR.
The OCR engine is built once per process and each scan is read once per run.
"""
from __future__ import annotations

import random
import socket
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

import pytest
import regex
from docx import Document as Docx
from rapidfuzz import fuzz

from ecopark.extract import scan
from ecopark.extract.scan import engine as ocr_engine, grid as ocr_grid, slips as ocr_slips
from ecopark.schemas.grid import Table
from ecopark.schemas.review import OCR_REVIEW_BELOW
from page_bounds import misplaced_cells
from scan_measure import UPRIGHT, measure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCANS = {  # scan -> (source docx, pages of the indicator table)
    "001_changchun_2022": ("001_changchun_2022.docx", {2, 3, 4}),  # + a narrative page 5 after
    "003_wujin_2018": ("003_wujin_2018.docx", {1, 2, 3, 4, 5}),   # header row repeated per page
    "002_changchun_auto_2018": ("002_changchun_auto_2018.docx", {2, 3, 4}),  # landscape, two years,
}                                                                            # a second table on page 3


def flat(text: str) -> str:
    return regex.sub(r"\s+", "", text)


@lru_cache(maxsize=None)
def read(name: str):
    """The Document and the lines recognised per page while reading it (its counters)."""
    doc = scan.read(FIXTURES / "scanned" / f"{name}.pdf")
    return doc, lines_by_page(doc)


def lines_by_page(doc) -> dict[int, int]:
    prefix = "ocr_lines_page_"
    found = {int(k[len(prefix):]): v for k, v in doc.counters.items() if k.startswith(prefix)}
    return {p: found.get(p, 0) for p in range(1, max(found, default=0) + 8)}


def value_columns(header: list[str]) -> list[int]:
    return [i for i, t in enumerate(header) if t == "数值" or regex.fullmatch(r"(19|20)\d\d年", t)]


def expected_rows(docx_name: str) -> list[tuple[str, tuple[str, ...]]]:
    """(label, values) of each indicator row of the source table, in order.

    python-docx repeats a vertically merged cell in every row it spans; a row that
    repeats the label of the row above is the second line of a split requirement."""
    for table in Docx(FIXTURES / "docx" / docx_name).tables:
        rows = [[flat(c.text) for c in r.cells] for r in table.rows]
        header = next((i for i, r in enumerate(rows) if "序号" in r and value_columns(r)), None)
        if header is None:
            continue
        label_col, values = rows[header].index("指标"), value_columns(rows[header])
        out: list[tuple[str, tuple[str, ...]]] = []
        for r in rows[header + 1:]:
            if r[label_col] and not (out and out[-1][0] == r[label_col]):
                out.append((r[label_col], tuple(r[i] for i in values)))
        return out
    raise AssertionError(f"no indicator table in {docx_name}")


def ocr_rows(doc) -> list[tuple[str, list]]:
    """(label text, value cells) of every OCR row below an indicator header row, across pages."""
    out, cols = [], None
    for table in doc.tables:
        for row in table.rows:
            texts = [flat(t) for t in row.texts]
            if "序号" in texts and "指标" in texts:
                values = value_columns(texts)
                cols = (texts.index("指标"), values) if values else None
                continue
            if cols and row.cell(cols[0]) is not None and not row.cell(cols[0]).empty:
                out.append((flat(row.cell(cols[0]).text), [row.cell(i) for i in cols[1]]))
    return out


def label_score(expected: str, got: str) -> float:
    """A row cut by a page break keeps the first part of its label on the first page."""
    partial = fuzz.partial_ratio(expected, got) if len(got) >= 5 else 0
    return max(fuzz.ratio(expected, got), partial)


def align(expected, got):
    """(label, expected value, OCR cell) for each value of each expected row, the row matched
    with the best of the next three OCR rows (skipping the tail of a row cut by a page break)."""
    pairs, at = [], 0
    for label, values in expected:
        window = got[at:at + 3]
        scores = [label_score(label, g[0]) for g in window]
        if not scores or max(scores) < 80:
            pairs += [(label, value, None) for value in values]
            continue
        best = int(np.argmax(scores))
        pairs += [(label, value, cell) for value, cell in zip(values, window[best][1])]
        at += best + 1
    return pairs


def doubtful(cell) -> bool:
    return cell.loc.confidence is not None and cell.loc.confidence < OCR_REVIEW_BELOW


@pytest.mark.parametrize("name", sorted(SCANS))
def test_every_row_found_and_values_right_or_flagged(name):
    doc, _ = read(name)
    pairs = align(expected_rows(SCANS[name][0]), ocr_rows(doc))
    missing = [label for label, _, cell in pairs if cell is None]
    assert not missing, f"rows not found: {missing}"
    right = [p for p in pairs if flat(p[2].text) == p[1]]
    silent = [(label, value, cell.text, cell.loc.confidence) for label, value, cell in pairs
              if flat(cell.text) != value and not doubtful(cell)]
    assert not silent, f"wrong values with high confidence: {silent}"
    assert len(right) >= 0.98 * len(pairs), f"{len(right)}/{len(pairs)} values exactly right"


@pytest.mark.parametrize("name", sorted(UPRIGHT))
def test_right_values_go_to_review_only_with_cause(name):
    """The records of each upright scan against the seed (tests/scan_measure.py): no value wrong
    without a flag, and at most 5 % of the right ones (+1) sent to a person."""
    m = measure(name)
    assert not m.silent, f"wrong values without a flag: {m.silent}"
    assert len(m.reviewed) <= 0.05 * len(m.right) + 1, f"right values sent to review: {m.reviewed}"


@pytest.mark.parametrize("name", sorted(UPRIGHT))
def test_printed_values_found(name):
    """Every page of the table is read: at least 97 % of the values the scan prints have a record
    with what was read (the three-line scan continues its table over four pages without a header,
    each page's column channels a little apart from the page before's)."""
    m = measure(name)
    assert len(m.found) >= 0.97 * (len(m.found) + len(m.missing)), f"missing: {m.missing}"


def test_continued_columns_follow_channels_not_their_middles():
    """A page that continues a header-less table takes the page before's columns when its own white
    channels overlap them, however far their middles lie apart; a channel that no column of the page
    before is near means another table."""
    from ecopark.extract.scan.lineless import Segment, continued_columns
    em = 20
    before = [0, 100, 300, 500]  # columns 0-100, 100-300, 300-500
    # this page: column 2 prints only short text, so its channel to column 3 runs from 160 to 340
    rows = [Segment(0, y, 80, y + 20) for y in range(0, 200, 40)] + \
           [Segment(120, y, 160, y + 20) for y in range(0, 200, 40)] + \
           [Segment(340, y, 480, y + 20) for y in range(0, 200, 40)]
    edges = continued_columns(rows, (0, 480), before, em, tolerance=15)
    assert edges is not None and edges[2] == 300 and 80 <= edges[1] <= 120
    stray = rows + [Segment(200, y, 220, y + 20) for y in range(0, 200, 40)]  # a column in 160-340
    assert continued_columns(stray, (0, 480), before, em, tolerance=15) is None

    # the page before held only short text in column 2 (its channel ran 160-440, edge 300); this
    # page's column 2 holds wide text, so its channel lies at 390-420, far from the edge 300 but
    # inside the channel it came from
    wide = [Segment(0, y, 80, y + 20) for y in range(0, 200, 40)] + \
           [Segment(120, y, 390, y + 20) for y in range(0, 200, 40)] + \
           [Segment(420, y, 480, y + 20) for y in range(0, 200, 40)]
    assert continued_columns(wide, (0, 480), before, em, tolerance=15) is None
    edges = continued_columns(wide, (0, 480), before, em, tolerance=15, before_channels=[(80, 120), (160, 440)])
    assert edges is not None and 390 <= edges[2] <= 420


def test_row_bands_join_cells_centred_on_their_neighbours():
    """Vertically centred cells: a one-line unit halfway down a two-line label and a two-line value
    is one row with them, though it overlaps each of their lines by less than half a line; rows
    apart by the white between them stay apart, and so do top-aligned wrapped lines."""
    from ecopark.extract.scan.lineless import Segment, bands
    em, pitch = 26, 40  # lines 26 px high, 14 px of white between them
    row1 = [Segment(0, 0, 200, 26), Segment(0, 40, 80, 66),  # label over two lines
            Segment(250, 20, 300, 46),                       # unit centred on it
            Segment(400, 0, 520, 26), Segment(400, 40, 420, 66)]  # value wrapped: 723782.2 / 0
    row2 = [Segment(0, 80, 200, 106), Segment(250, 80, 300, 106), Segment(400, 80, 480, 106)]
    got = bands(row1 + row2, em)
    assert [sorted((s.x0, s.y0) for s in b) for b in got] == [
        sorted((s.x0, s.y0) for s in row1), sorted((s.x0, s.y0) for s in row2)]
    top_aligned = [Segment(0, 0, 200, 26), Segment(250, 0, 300, 26), Segment(0, pitch, 80, pitch + 26)]
    assert [len(b) for b in bands(top_aligned, em)] == [2, 1]


def test_sparse_first_column_keeps_its_channel():
    """A first column of merged cells holds a line or two per page (分类 centred over its block):
    fewer than the lines allowed to cross a channel, yet the white beside it is a channel."""
    from ecopark.extract.scan.lineless import Segment, channels
    em = 26
    segs = [Segment(0, 0, 50, 26)] + [Segment(x, y, x + 60, y + 26) for y in range(0, 1600, 40)
                                      for x in (110, 300, 500)]
    assert channels(segs, (0, 560), em)[0] == (50, 110)


def _centred_row(top: int, label_lines: int, pitch: int = 40, h: int = 26) -> list:
    """One row of a centred borderless table: a label wrapped over `label_lines` lines in column 0,
    a one-line unit (column 1) and value (column 2) centred on it."""
    from ecopark.extract.scan.lineless import Segment
    middle = top + ((label_lines - 1) * pitch + h) // 2
    return ([Segment(0, top + i * pitch, 200, top + i * pitch + h) for i in range(label_lines)]
            + [Segment(250, middle - h // 2, 300, middle + h // 2), Segment(400, middle - h // 2, 480, middle + h // 2)])


def test_centred_rows_take_loose_lines_where_rows_stay_symmetric():
    """A label wrapped over five lines beside a one-line value: the lines above and below the value
    make bands of their own (nothing centred beside them bridges them); each goes to the row it
    keeps symmetric about its value, not simply the nearer one (the fifth line lies nearer the
    value of the one-line row just below it)."""
    from ecopark.extract.scan.lineless import centred_starts
    em, edges = 26, [0, 230, 380, 500]
    tops = [0, 200, 280, 480, 560, 760]
    segs = (_centred_row(0, 5) + _centred_row(200, 1) + _centred_row(280, 4) + _centred_row(480, 1)
            + _centred_row(560, 4) + _centred_row(760, 1))
    assert centred_starts(segs, edges, [], {1: "unit", 2: "value"}, em) == tops


def test_centred_value_wrapped_over_two_lines_is_one_row():
    """A value too wide for its column wraps (135509.9 over 7); centred on a one-line label, its
    first line stands alone half a line above the row's other cells. It is joined to the rest of
    the value, not taken for a row of its own; a wide value stacked over the next row's value is
    level with its own label, and stays in its row."""
    from ecopark.extract.scan.lineless import Segment, centred_starts
    em, edges = 26, [0, 230, 380, 500]
    wrapped = [Segment(0, 224, 200, 250), Segment(250, 224, 300, 250),   # label and unit, one line
               Segment(400, 200, 498, 224), Segment(400, 240, 415, 264)]  # value: two lines
    stacked = [Segment(0, 300, 200, 326), Segment(250, 300, 300, 326), Segment(400, 300, 498, 326),
               Segment(0, 342, 200, 368), Segment(250, 342, 300, 368), Segment(400, 342, 440, 368)]
    segs = _centred_row(0, 5) + wrapped + stacked + _centred_row(400, 4) + _centred_row(600, 1)
    assert centred_starts(segs, edges, [], {1: "unit", 2: "value"}, em) == [0, 200, 300, 342, 400, 600]


def test_lines_a_page_break_carried_over_are_not_the_next_units_first_line():
    """Under the repeated header: the last line of the label and of the unit of a row the page break
    cut (业增加值 | 方公里), then a row whose unit wraps (平方公 / 里) around its value. The carried unit
    line lies less than a line gap above the next unit, but a label line is beside it and no join
    with it centres a cell on the value: it stays a row of its own."""
    from ecopark.extract.scan.lineless import Segment, centred_starts
    em, edges = 26, [0, 230, 380, 500]
    carried = [Segment(0, 0, 120, 26), Segment(250, 0, 300, 26)]
    wrapped_unit = [Segment(0, 60, 200, 86), Segment(250, 40, 300, 66), Segment(250, 80, 270, 106),
                    Segment(400, 60, 460, 86)]
    segs = carried + wrapped_unit + _centred_row(140, 3) + _centred_row(300, 1) + _centred_row(360, 4)
    segs += _centred_row(560, 1)
    assert centred_starts(segs, edges, [], {1: "unit", 2: "value"}, em, headed=True) == [0, 40, 140, 300, 360, 560]


def test_wrapped_requirement_line_is_no_caption():
    """A requirement wrapped over six lines beside one-line cells: its last, wide line runs on from
    the line above it and does not cut the table in two; a heading a paragraph below the table
    does."""
    from ecopark.extract.scan.lineless import Segment, body_parts
    em = 26
    rows = []
    for k in range(6):  # rows of three short pieces, the requirement column split in two
        y = 40 * k
        rows += [Segment(0, y, 150, y + 26), Segment(300, y, 340, y + 26), Segment(400, y, 440, y + 26),
                 Segment(600, y, 660, y + 26)]
    y = 240
    rows += [Segment(300, y, 500, y + 26), Segment(300, y + 40, 500, y + 66)]  # wrapped lines
    rows += [Segment(0, 320 + 40 * k, 150, 346 + 40 * k) for k in range(4)]
    rows += [Segment(300, 320 + 40 * k, 340, 346 + 40 * k) for k in range(4)]
    rows += [Segment(400, 320 + 40 * k, 440, 346 + 40 * k) for k in range(4)]
    rows += [Segment(600, 320 + 40 * k, 660, 346 + 40 * k) for k in range(4)]
    assert len(body_parts(rows, em, min_rows=3)) == 1
    heading = [Segment(0, 560, 500, 586)]
    after = [Segment(x, 600 + 40 * k, x + 40, 626 + 40 * k) for k in range(4) for x in (0, 300, 400, 600)]
    assert len(body_parts(rows + heading + after, em, min_rows=3)) == 2


def test_top_aligned_rows_are_not_read_as_centred():
    """Every key line at its band's top: row_starts reads the table, not the centred cut."""
    from ecopark.extract.scan.lineless import Segment, centred_starts
    em, edges = 26, [0, 230, 380, 500]
    segs = []
    for top in range(0, 800, 160):
        segs += [Segment(0, top + i * 40, 200, top + i * 40 + 26) for i in range(3)]
        segs += [Segment(250, top, 300, top + 26), Segment(400, top, 480, top + 26)]
    assert centred_starts(segs, edges, [], {1: "unit", 2: "value"}, em) is None


@pytest.mark.parametrize("name", sorted(SCANS))
def test_table_pages_found_and_cells_located(name):
    doc, _ = read(name)
    assert {t.loc.page for t in doc.tables} >= SCANS[name][1]
    assert not misplaced_cells(doc, FIXTURES / "scanned" / f"{name}.pdf")
    assert all(0 <= cell.loc.confidence <= 1 for table in doc.tables for row in table.rows for cell in row.cells
               if not cell.empty)


def test_metadata_lines_are_returned():
    doc, _ = read("001_changchun_2022")
    text = "\n".join(flat(t) for t, _ in doc.text_lines())
    assert "园区名称" in text and "长春经济技术开发区" in text
    assert regex.search(r"填报时间[:：]2023年6月25日", text)
    assert "数据基准年为2022年" in text


def test_pages_around_the_table_are_only_probed():
    """Page 1 holds narrative and the table's first ruled rows, page 5 only narrative:
    neither may be read in full (a full read recognises 30+ lines per page)."""
    _, lines = read("001_changchun_2022")
    assert lines[5] == 0
    assert 0 < lines[1] <= 16
    assert all(lines[p] > 40 for p in (2, 3))


def test_scanned_pages_tells_scans_from_text_pages():
    assert scan.scanned_pages(FIXTURES / "scanned" / "003_wujin_2018.pdf") == [1, 2, 3, 4, 5]
    assert scan.scanned_pages(FIXTURES / "pdf" / "003_wujin_2018.pdf") == []


def test_engine_is_built_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while building the OCR engine: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ocr_engine.engine.cache_clear()
    ocr_engine.recogniser.cache_clear()
    text, score = ocr_engine.recognise([render_text("12.5")])[0]
    assert text == "12.5" and score > 0.8


# ---------------------------------------------------------------- geometry, no OCR

def render_text(text: str) -> np.ndarray:
    img = np.full((48, 40 + 26 * len(text)), 255, np.uint8)
    cv2.putText(img, text, (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2, cv2.LINE_AA)
    return img


def ruled_page(angle: float = 0.0) -> np.ndarray:
    """A 3x4 ruled table; row 1-2 of column 0 merged, columns 2-3 of row 0 merged."""
    img = np.full((900, 700), 255, np.uint8)
    xs, ys = [100, 250, 400, 550, 650], [100, 200, 300, 400]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    img[298:303, 102:249] = 255          # no rule between rows 1 and 2 in column 0
    img[102:199, 548:553] = 255          # no rule between columns 2 and 3 in row 0
    if angle:
        img = cv2.warpAffine(img, cv2.getRotationMatrix2D((350, 450), angle, 1), (700, 900), borderValue=255)
    return img


def test_deskew_angle_from_rules():
    binary = ocr_grid.ink(ruled_page(1.2))
    assert ocr_grid.skew_angle(binary) == pytest.approx(-1.2, abs=0.15)


def _turns_made(stream: int, pages: int) -> list[float]:
    """The angles fixtures/make_scans.py turned a layout scan's pages by: its `degrade` draws the
    angle, the noise seed and the JPEG quality from the fixture's own random stream, page by page."""
    rng = random.Random(stream)
    out = []
    for i in range(pages):
        out.append((1 if i % 2 else -1) * rng.uniform(0.5, 1.5))
        rng.randrange(1 << 30)
        rng.randint(0, 0)  # a fixed quality (q, q): the same draw whatever q is
    return out


@pytest.mark.parametrize("name, stream", [("borderless_003_q40.pdf", 274), ("borderless_002_q35_110dpi.pdf", 277)])
def test_pages_without_rules_are_turned_level(name, stream):
    """Every page of a borderless scan (no rules to measure by) is turned back by the angle it was
    scanned at; turns of 0.5-1.1° one way were left as they were (bilinear turning made 0 win)."""
    from ecopark.extract.scan.page import PageImage
    from ecopark.extract.scan.source import PdfPages

    source = PdfPages(FIXTURES / "scanned" / name)
    try:
        made = _turns_made(stream, len(source))
        applied = [PageImage.of(source, n).angle for n in range(1, len(source) + 1)]
    finally:
        source.close()
    assert applied == pytest.approx([-a for a in made], abs=0.25)


def test_grid_with_merged_cells():
    page = ruled_page()
    grid = ocr_grid.find_grids(page, min_rows=1, min_cols=1)[0]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert (grid.rows, grid.cols) == (3, 4)
    assert spans[(1, 0)] == (2, 1)
    assert spans[(0, 2)] == (1, 2)
    assert (2, 0) not in spans and (0, 3) not in spans


class FakeCell:
    def __init__(self, text, line, score=0.99):
        self.texts, self.scores, self.lines, self.wrapped = [text], [score], [line], False
        self.doubts, self.readings = [], []

    @property
    def text(self):
        return "\n".join(self.texts)


def line(w, h, components=1, dots=0):
    return ocr_grid.TextLine(0, 0, w, h, components, dots)


def test_dash_length_decides_hyphen_or_dash():
    em = 28
    assert ocr_slips.dash(line(9, 4), em) == ("-", 0.95)
    assert ocr_slips.dash(line(26, 3), em) == ("—", 0.95)
    assert ocr_slips.dash(line(17, 3), em)[1] < 0.8       # in between: a person decides
    assert ocr_slips.dash(line(20, 20), em) is None        # not flat: not a dash


def test_value_slips_fixed_only_when_safe_and_always_marked():
    cases = {
        "一": ("-", True),          # CJK one for a dash
        "1O5": ("105", True),       # letter O between digits
        "一0.5": ("-0.5", True),    # minus read as CJK one
        "3.2.1": ("3.2.1", False),  # two points: kept as printed, sent to a person
    }
    for read_as, (want, safe) in cases.items():
        cell = FakeCell(read_as, line(60, 20))
        ocr_slips._value(cell, page=None)
        assert cell.texts[0] == want
        assert cell.scores[0] < 0.99
        assert (cell.scores[0] >= 0.8) == safe


def test_lost_decimal_point_is_doubt():
    cell = FakeCell("8564", line(80, 22, components=5, dots=1))
    ocr_slips._value(cell, page=None)
    assert cell.texts[0] == "8564" and cell.scores[0] < 0.8


def test_separator_and_point_doubts_name_the_other_readings():
    """'37.807' in a 人 row may be 37,807; '8564' with a point on the page may be 85.64 (or any
    other place of the point): the other texts go to `readings`, for normalize to weigh."""
    cell = FakeCell("37.807", line(90, 22, components=6))
    ocr_slips._separator(cell, page=None, unit="人", entry=None)
    assert cell.readings == ["37,807"] and not cell.doubts and cell.scores[0] < OCR_REVIEW_BELOW
    cell = FakeCell("8564", line(80, 22, components=5, dots=1))
    ocr_slips._value(cell, page=None)
    assert cell.readings == ["8.564", "85.64", "856.4"] and cell.scores[0] < OCR_REVIEW_BELOW


def test_comma_with_no_thousands_reading_is_a_point():
    """'135509,97' is no number: a comma not before three digits is a decimal point misread; read
    as one, and sent to a person unless the page shows a point. '37,807' keeps its comma."""
    cell = FakeCell("135509,97", line(120, 22, components=9))
    ocr_slips._value(cell, page=None)
    assert cell.texts[0] == "135509.97" and cell.scores[0] < OCR_REVIEW_BELOW and cell.doubts
    cell = FakeCell("37,807", line(90, 22, components=6))
    ocr_slips._value(cell, page=None)
    assert cell.texts[0] == "37,807"


def test_unit_cells_misread_at_low_dpi_take_the_catalogue_unit_only_when_no_unit_was_read():
    for read_as, unit in (("00", "%"), ("D0", "%"), ("哈", "%"), ("厅认方米", "万立方米"), ("亿元/平方公", "亿元/平方公里"),
                            ("亿元/平方里", "亿元/平方公里")):
        assert ocr_slips.misread_unit(read_as, unit), read_as
    for read_as, unit in (("万吨", "吨"), ("千立方米", "万立方米"), ("‰", "%"), ("人", "%")):
        assert not ocr_slips.misread_unit(read_as, unit), read_as  # a unit: kept, UNIT_UNKNOWN if foreign


def test_percentage_over_100_is_doubt():
    entry = ocr_slips.catalogue_entry("工业固体废物综合利用率")
    cell = FakeCell("8564", line(80, 22))
    ocr_slips._plausible_share(cell, "%", entry)
    assert cell.scores[0] < 0.8
    cell = FakeCell("85.64", line(80, 22))
    ocr_slips._plausible_share(cell, "%", entry)
    assert cell.scores[0] == 0.99


class FakePage:
    def __init__(self, binary):
        self.binary = binary


@pytest.mark.parametrize("minus", [True, False])
def test_minus_joined_to_the_first_digit_is_still_seen(minus):
    """'-0.029' blurred at 110 dpi: the minus touches the 0 and is one blob with it; the recogniser
    reads '0.029'. The thin flat stroke the line begins with is a lost minus; a plain 0 is not."""
    img = np.zeros((21, 80), np.uint8)
    left = 8 if minus else 0
    if minus:
        cv2.rectangle(img, (0, 9), (left + 1, 11), 255, -1)
    for k, x in enumerate((left + 6, left + 30, left + 44, left + 58)):  # 0, 0, 2, 9 as rings
        cv2.ellipse(img, (x, 10), (6, 9), 0, 0, 360, 255, 2)
    cv2.rectangle(img, (left + 17, 17), (left + 19, 19), 255, -1)  # the decimal point
    cell = FakeCell("0.029", ocr_grid.TextLine(0, 0, 80, 21, 5))
    ocr_slips._lost_minus(cell, FakePage(img))
    assert (cell.readings == ["-0.029"]) == minus and (cell.scores[0] < OCR_REVIEW_BELOW) == minus


@pytest.mark.parametrize("lean, want", [(12, "/"), (0, "1")])
def test_slash_and_one_told_apart_by_slant(lean, want):
    img = np.zeros((30, 30), np.uint8)
    cv2.line(img, (15 - lean // 2, 28), (15 + lean // 2, 1), 255, 3)
    ys, xs = np.nonzero(img)
    glyph = ocr_grid.TextLine(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1, 1)
    for read_as in "/1":
        cell = FakeCell(read_as, glyph, score=0.7)
        ocr_slips._lone_glyph(cell, FakePage(img), em=28)
        assert cell.texts[0] == want


def test_requirement_comparator_checked_against_catalogue():
    entry = ocr_slips.catalogue_entry("工业固体废物综合利用率a")
    assert entry is not None and entry.requirement == "≥70"
    cell = FakeCell(">70", line(60, 20))
    ocr_slips._requirement(cell, entry)
    assert cell.texts == ["≥70"] and cell.scores[0] < 0.8
    cell = FakeCell("≧70", line(60, 20))
    ocr_slips._requirement(cell, entry)
    assert cell.texts == ["≥70"] and 0.8 <= cell.scores[0] < 0.99


def test_header_roles():
    roles = ocr_slips.column_roles({0: "分类", 1: "序号", 2: "指标", 3: "单位", 4: "要　　求",
                                    5: "是否选为\n考核指标", 6: "数值"})
    assert roles == {0: "category", 1: "number", 2: "label", 3: "unit", 4: "requirement",
                     5: "selected", 6: "value"}
    assert ocr_slips.column_roles({0: "园区名称：长春", 1: "填报时间：2023年"}) == {}


def test_tables_are_tables():
    doc, _ = read("003_wujin_2018")
    assert all(isinstance(t, Table) and t.rows for t in doc.tables)


def test_spaced_header_word_is_one_column():
    """The last page of borderless_001_q35_b prints 要    求 over a requirement column of short text
    (≥3, 100, -): the white between the two characters is crossed by two lines only and reads as
    a column channel. The two header cells name no column alone and the requirement together: one
    column, as on the pages before."""
    from ecopark.extract.scan.page import PageImage
    from ecopark.extract.scan.reader import _lineless_parts
    from ecopark.extract.scan.source import PdfPages

    source = PdfPages(FIXTURES / "scanned" / "borderless_001_q35_b.pdf")
    try:
        widths = []
        for n in (4, 5):
            (part,) = _lineless_parts(PageImage.of(source, n), None)
            header = [c.text for c in part.done]
            widths.append(len(header))
            assert [part.roles.get(c) for c in range(len(header))] == \
                ["category", "number", "label", "unit", "requirement", "selected", "value"], header
    finally:
        source.close()
    assert widths == [7, 7]
