"""Scans as they arrive (issue 18): every value of each fixture against the seed it was made from.

fixtures/make_scans.py --kinds builds these from the LibreOffice renders of the
seed tables (fixtures/pdf): a sideways landscape table, a phone photo, a red seal
over values, a compliance-only report under a seal, a PDF with an invisible OCR
text layer, a PNG, a two-page G4 TIFF and a DOCX whose table is pictures.
Expected values are tests/expected/<seed>.csv (transcribed from the seeds); a
fixture holding only some pages of a table is compared on the rows printed on
those pages (found from the text PDF it was rendered from), never on what the
reader returned.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pdfplumber
import pytest

from ecopark import extract
from ecopark.extract.sniff import sniff
from ecopark.ingest import ingest_file
from page_bounds import misplaced_cells

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "fixtures" / "scanned"
EXPECTED = ROOT / "tests" / "expected"
SEEDS = {"000": "000_dfd356fa93262e66", "001": "001_98bb576f2842cd57", "002": "002_4a25218a541a50f3",
         "003": "003_b52cdd33f1ff9352"}
SOURCES = {"000": "000_changchun_2018.pdf", "001": "001_changchun_2022.pdf", "002": "002_changchun_auto_2018.pdf",
           "003": "003_wujin_2018.pdf"}
# fixture -> (seed, source pages printed in it or None for the whole table, table kinds compared)
KINDS = {
    "sideways_002.pdf": ("002", None, ("assessment", "compliance")),
    "seal_001.pdf": ("001", None, ("assessment",)),
    "compliance_000.pdf": ("000", None, ("compliance",)),
    "textlayer_003.pdf": ("003", (2, 3, 4, 5), ("assessment",)),  # the table opens on page 1, not scanned
    "picture_001.docx": ("001", None, ("assessment",)),
    "pages_001_p2-3.tif": ("001", (2, 3), ("assessment",)),
    "page_003_p2.png": ("003", (2,), ("assessment",)),
    "photo_001_p2.jpg": ("001", (2,), ("assessment",)),
}


# flags that describe the printed value itself (a person must look whatever the OCR did)
ANOMALIES = {"MALFORMED", "MASKED", "INCONSISTENT", "MISSING", "TEXT_VALUE", "OUT_OF_RANGE"}


def flat(text: str) -> str:
    return "".join((text or "").split())


@lru_cache(maxsize=None)
def ingested(name: str):
    result = ingest_file(SCANS / name, root=SCANS)
    assert result.status == "ok", (result.status, result.error, result.notes)
    return result


def expected(name: str) -> list[dict]:
    seed, pages, kinds = KINDS[name]
    with open(EXPECTED / f"{SEEDS[seed]}.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["table_kind"] in kinds]
    if pages is None:
        return rows
    with pdfplumber.open(ROOT / "fixtures" / "pdf" / SOURCES[seed]) as pdf:
        printed = "".join(flat(pdf.pages[p - 1].extract_text()) for p in pages)
    # a label wrapped in a narrow column is interleaved with its neighbours' text: its opening words
    # show, and so does its value (a label that opens several rows is told apart by the value)
    return [r for r in rows if flat(r["name_raw"])[:6] in printed and flat(r["value_raw"]) in printed]


def compare(name: str):
    """(found, right, wrong-and-not-flagged, right-but-sent-to-review, missing) for a fixture."""
    records = {}
    for r in ingested(name).records:
        records.setdefault((r.table_kind, r.data_year, r.indicator_id), r)
    found, right, silent, reviewed, missing = [], [], [], [], []
    for e in expected(name):
        key = (e["table_kind"], int(e["data_year"]) if e["data_year"] else None, e["indicator_id"])
        rec = records.get(key)
        if rec is None:
            missing.append(key)
            continue
        found.append(key)
        want = e["value_raw"] if e["table_kind"] == "assessment" else e["compliant_raw"]
        got = rec.value_raw if e["table_kind"] == "assessment" else rec.compliant_raw
        ok = flat(got) == flat(want) or (e["value"] != "" and rec.value is not None
                                           and rec.value == pytest.approx(float(e["value"])))
        if ok:
            right.append(key)
            if rec.needs_review and not rec.flags & ANOMALIES:  # printed as it is wrong: review is right
                reviewed.append((key, sorted(rec.flags), rec.reasons))
        elif not rec.needs_review:
            silent.append((key, want, got))
    return found, right, silent, reviewed, missing


# Known gaps, kept visible: under the seal of seal_001 (a 120-dpi colour JPEG at q40, the seal over
# the first rows of a page), two rows are lost and the base-year line is not read, so every value
# goes to review as YEAR_INFERRED; what must hold there is that no value is wrong without a flag.
GAPS = {"seal_001.pdf": "rows under a seal lost, the base-year line not read (issue 18 notes)"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=GAPS[n], strict=False))
                                  if n in GAPS else n for n in sorted(KINDS)])
def test_every_value_found_and_right_or_flagged(name):
    found, right, silent, reviewed, missing = compare(name)
    total = len(found) + len(missing)
    assert total >= 10
    # rows of a few pages are picked by words of the page, which may also pick a row printed
    # elsewhere (a label opening like its neighbour's, a common value): a little slack there
    whole = KINDS[name][1] is None
    assert len(found) >= (0.97 if whole else 0.9) * total, f"missing: {missing}"
    assert not silent, f"wrong values without a flag: {silent}"
    assert len(right) >= 0.9 * len(found), f"{len(right)}/{len(found)} right"
    assert len(reviewed) <= 0.1 * len(right) + 1, f"right values sent to review: {reviewed}"


def test_values_under_a_seal_are_right_or_flagged():
    found, right, silent, reviewed, missing = compare("seal_001.pdf")
    assert not silent, f"wrong values without a flag: {silent}"
    assert len(found) >= 0.95 * (len(found) + len(missing))
    assert len(right) >= 0.75 * len(found)


def test_images_are_recognised_by_their_bytes_and_discovered(tmp_path):
    for name in ("page_003_p2.png", "photo_001_p2.jpg", "pages_001_p2-3.tif"):
        renamed = tmp_path / (name.split(".")[0] + ".dat")
        renamed.write_bytes((SCANS / name).read_bytes())
        assert sniff(renamed) == "image"
    assert {p.name for p in extract.discover(SCANS)} >= {"page_003_p2.png", "photo_001_p2.jpg",
                                                         "pages_001_p2-3.tif"}


def test_how_each_page_was_read_is_noted():
    assert any("turned 90°" in n for n in ingested("sideways_002.pdf").notes)
    assert any("turned 270°" in n for n in ingested("sideways_002.pdf").notes)
    assert any("red ink removed" in n for n in ingested("seal_001.pdf").notes)
    assert any("invisible OCR text layer" in n for n in ingested("textlayer_003.pdf").notes)
    assert any("word/media/image" in n for n in ingested("picture_001.docx").notes)


def test_compliance_only_scan_takes_its_year_from_the_title():
    years = {r.data_year for r in ingested("compliance_000.pdf").records}
    assert years == {2018}


def test_sideways_cells_point_into_the_page_as_stored():
    doc = extract.read(SCANS / "sideways_002.pdf")
    turned = {int(n.split(":")[0].split()[1]) for n in doc.notes if "turned" in n}
    assert turned == {2, 3, 4, 5}  # the table pages; page 1 (title, the table's head) is stored as printed
    assert not misplaced_cells(doc, SCANS / "sideways_002.pdf", slack=1)
    for table in doc.tables:
        if table.loc.page in turned:
            x0, top, x1, bottom = table.loc.bbox
            assert bottom - top > x1 - x0  # a landscape table, turned: taller than wide on the stored page


def test_counters_travel_on_the_document():
    doc = extract.read(SCANS / "pages_001_p2-3.tif")
    c = doc.counters
    assert c["pages_screened"] == 2 and c["pages_ocr"] == 2
    assert c["ocr_lines"] == c["ocr_lines_page_1"] + c["ocr_lines_page_2"] > 40
    assert c["seconds_ocr"] > 0
