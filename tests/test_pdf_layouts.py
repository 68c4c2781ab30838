"""Text PDFs whose tables have no grid (三线表, borderless, rules between groups) and turned pages.

The fixtures (fixtures/pdf_layouts/, made by fixtures/make_pdf_layouts.py from the
seeds) are checked value by value against tests/expected/<seed>.csv, which were
transcribed from the seed documents.
"""
import csv
from pathlib import Path

import pytest

from ecopark.extract import pdf as pdf_entry
from ecopark.ingest import ingest_file
from fixture_seeds import SEEDS

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "fixtures" / "pdf_layouts"
EXPECTED = ROOT / "tests" / "expected"


def _compare(name):
    """(right, wrong-or-missing without a flag, total) of the printed values."""
    path = LAYOUTS / f"{name}.pdf"
    result = ingest_file(path, root=LAYOUTS)
    assert result.status == "ok", result.error
    with open(EXPECTED / f"{SEEDS[name[:3]]}.csv", encoding="utf-8") as f:
        want = {(e["table_kind"], e["data_year"], e["indicator_id"]): e["value_raw"].strip() for e in csv.DictReader(f)}
    got = {(r.table_kind, str(r.data_year or ""), r.indicator_id): r for r in result.records}
    right = sum(k in got and got[k].value_raw.strip() == v for k, v in want.items())
    silent = [k for k, v in want.items() if k not in got or (got[k].value_raw.strip() != v and not got[k].flags)]
    return right, silent, len(want)


@pytest.mark.parametrize("name", ["001_three_line", "000_group_rules", "004_value_first", "004_value_first_12pt",
                                  "001_borderless_top", "002_three_line", "003_three_line"])
def test_grid_less_tables_over_pages_read_every_value(name):
    """001: 三线表 over three pages, no repeated header; 000: a frame and rules under each 分类
    group only (compliance table); 004: 三线表 with the value column before 要求 and
    是否为考核指标 after it (masked digits stay masked); 001_borderless_top: no rules, top-aligned,
    the header once over three rows of short cells at the foot of page 1 (要    求 over '-' and
    ≥30 only), wider values on the pages after; 002/003_three_line: narrow columns, labels and
    units wrapped together (吨标 / 煤/万元)."""
    right, silent, total = _compare(name)
    assert right == total and silent == []


def test_borderless_centred_table_with_repeated_header():
    """003: no rules, cells centred (merged 分类/序号 in the middle of their block), title and
    header repeated on each page, narrow columns that wrap labels and numbers."""
    right, silent, total = _compare("003_borderless")
    assert right == total and silent == []


@pytest.mark.parametrize("name", ["001_borderless", "002_borderless"])
def test_borderless_centred_on_other_seeds_nothing_wrong_unflagged(name):
    """The same layout on 001 (10.5 pt) and 002 (two year columns and the compliance table, 9.5 pt):
    rows cut by a page break (a label's last line above the next page's first row, under the
    repeated header) and units wrapped before a word that would not fit (吨标 / 煤/万元) read whole."""
    right, silent, total = _compare(name)
    assert silent == [] and right == total


@pytest.mark.parametrize("name", sorted(p.stem for p in LAYOUTS.glob("*.pdf")))
def test_layout_gives_the_seed_records(name):
    """The whole pipeline makes of each layout the records it makes of the seed text itself
    (003's text export lost its last value cell, which the text reader flags TRUNCATED)."""
    seed = ROOT / "fixtures" / "text" / f"{SEEDS[name[:3]]}.txt"

    def records(path, ignore=frozenset()):
        result = ingest_file(path, root=path.parent)
        assert result.status == "ok", result.error
        return [(r.table_kind, r.indicator_id, r.data_year, r.value, r.value_text, set(r.flags) - ignore)
                for r in result.records]

    assert records(LAYOUTS / f"{name}.pdf") == records(seed, ignore=frozenset({"TRUNCATED"}))


def test_three_line_table_cells_have_page_and_box():
    doc = pdf_entry.read(LAYOUTS / "001_three_line.pdf")
    (table,) = doc.tables
    pages = {c.loc.page for r in table.rows for c in r.cells}
    assert len(pages) == 3
    row = next(r for r in table.rows if "".join(r.texts[2].split()) == "人均工业增加值")
    cell = row.cells[6]
    assert cell.text == "56.50" and cell.loc.column == 7
    x0, top, x1, bottom = cell.loc.bbox
    assert 0 < x0 < x1 <= 596 and 0 < top < bottom <= 842
    # the merged 序号 cell is in the block's first row, "" below
    numbers = [r.texts[1] for r in table.rows if r.texts[2] in ("年末从业人口", "工业增加值", "人均工业增加值")]
    assert numbers == ["2", "", ""]


@pytest.mark.parametrize("name", ["002_rotate90", "002_rotate270", "002_sideways", "002_year_header"])
def test_turned_pages_and_two_row_year_headers_read_every_value(name):
    """002 in landscape: stored with /Rotate 90 (ruled) or 270 (三线表), turned content without
    /Rotate (text runs up the page), and 数值 over 2016年 | 2018年 (三线表). Both tables, both years."""
    right, silent, total = _compare(name)
    assert right == total and silent == []


@pytest.mark.parametrize("name", ["002_rotate90", "002_sideways"])
def test_a_turned_page_reads_as_the_upright_one(name):
    """Same cells, same page numbers and same boxes as the upright rendering of the same DOCX."""
    upright = pdf_entry.read(ROOT / "fixtures" / "pdf" / "002_changchun_auto_2018.pdf")
    turned = pdf_entry.read(LAYOUTS / f"{name}.pdf")
    assert len(turned.tables) == len(upright.tables) == 2
    for a, b in zip(upright.tables, turned.tables):
        assert [r.texts for r in a.rows] == [r.texts for r in b.rows]
        for ra, rb in zip(a.rows, b.rows):
            for ca, cb in zip(ra.cells, rb.cells):
                assert ca.loc.page == cb.loc.page
                if ca.loc.bbox:
                    assert cb.loc.bbox == pytest.approx(ca.loc.bbox, abs=0.5)


def test_row_crop_of_a_turned_page_is_upright(tmp_path):
    """review.html's row strip of a sideways page: as wide as the landscape page, one row high."""
    import pypdfium2 as pdfium
    from PIL import Image

    from ecopark.crops import SCALE, render_row
    from ecopark.schemas.records import Record

    path = LAYOUTS / "002_sideways.pdf"
    table = pdf_entry.read(path).tables[0]
    cell = next(r for r in table.rows if r.texts[2] == "人均工业增加值").cells[6]
    record = Record(source_file=path.name, table_kind="assessment", name_raw="", value_raw="", loc=cell.loc)
    out = render_row(pdfium.PdfDocument(str(path)), record, tmp_path / "row.png")
    width, height = Image.open(out).size
    assert width == pytest.approx(842 * SCALE, abs=2)
    assert height < 40 * SCALE


def test_every_registered_reader_is_a_reader():
    """extract.base.Reader: each format module has its FORMAT and read(); the PDF entry's
    page readers (text layer, OCR) are PageReaders."""
    from ecopark import extract
    from ecopark.extract import base
    from ecopark.extract.pdf import entry, reader

    for fmt in extract.READERS:
        module = extract.reader_for(fmt)
        assert isinstance(module, base.Reader) and module.FORMAT == fmt
    assert isinstance(reader, base.PageReader)
    assert isinstance(base.load(entry.PAGE_READERS["scan"], base.PageReader), base.PageReader)


def test_page_kind_is_the_one_scanned_page_test(tmp_path):
    import pypdfium2 as pdfium
    from test_pdf import _image_only_pdf

    from ecopark.extract.pdf import kind

    scan = tmp_path / "scan.pdf"
    _image_only_pdf(scan)
    blank = tmp_path / "blank.pdf"
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)  # a blank page: nothing to recognise, not a scan
    pdf.save(str(blank))
    assert kind.scanned_pages(blank) == []
    assert kind.scanned_pages(scan) == [1]
    assert kind.scanned_pages(LAYOUTS / "001_three_line.pdf") == []
    text = pdfium.PdfDocument(str(LAYOUTS / "001_three_line.pdf"))[1]
    assert kind.page_kind(text) == kind.TEXT
