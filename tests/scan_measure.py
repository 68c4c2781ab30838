"""One measurement of the scanned fixtures against their sources, for the tests and bench/scan_review.py.

Every scanned fixture (fixtures/scanned: the three upright scans of whole reports, the scans as they
arrive of issue 18, the images and the DOCX with its table as pictures) is compared value by value
with tests/expected/<seed>.csv, which was transcribed from the seed it was made from. Per fixture:

- printed: the values the fixture prints (a fixture of some pages: the rows printed on them, found
  from the text PDF it was rendered from, never from what the reader returned);
- found / missing: printed values with / without a record holding what was read (a NOT_READ record,
  which normalize/completeness writes for a row the table lost, is missing but flagged;
  `unflagged` are the missing values without even that);
- right: the record holds the printed value (value_raw as printed, or the same number);
- silent: wrong and not sent to review (the prime rule says there are none);
- reviewed: right, sent to review, and not an anomaly of the printed report (a false alarm; the
  flags and reasons are kept so the cause can be read off);
- anomalies / flagged: values the report itself prints as doubtful (an assessed indicator without a
  value, a value its components contradict, a malformed or masked number: what reading the clean
  text export of the seed, fixtures/text, flags as such), and how many of them the scan sends to review.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pdfplumber

from ecopark.ingest import ingest_file
from fixture_seeds import SEEDS

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "fixtures" / "scanned"
EXPECTED = ROOT / "tests" / "expected"
TEXT = ROOT / "fixtures" / "text"
SOURCES = {"000": "000_changchun_2018.pdf", "001": "001_changchun_2022.pdf", "002": "002_changchun_auto_2018.pdf",
           "003": "003_wujin_2018.pdf"}

# upright scans of whole reports (tests/test_scan.py): fixture -> (seed, pages or None, table kinds)
UPRIGHT = {
    "001_changchun_2022.pdf": ("001", None, ("assessment",)),
    "002_changchun_auto_2018.pdf": ("002", None, ("assessment", "compliance")),
    "003_wujin_2018.pdf": ("003", None, ("assessment",)),
    "threeline_002_q35.pdf": ("002", None, ("assessment",)),
    "threeline_001_q40.pdf": ("001", None, ("assessment",)),  # header words wrapped, dashes for values
    "yearheader_002_q40.pdf": ("002", None, ("assessment",)),  # a page ends the table and begins the next
    # borderless, cells centred vertically, the header (and the title over it) repeated on each page
    "borderless_003_q40.pdf": ("003", None, ("assessment",)),  # values wrapped over two lines
    "borderless_001_q35.pdf": ("001", None, ("assessment",)),  # 120 dpi, JPEG q35
    "borderless_002_q45.pdf": ("002", None, ("assessment", "compliance")),  # two years, units wrapped,
}                                                                           # the compliance table after it
UPRIGHT["borderless_002_q35_110dpi.pdf"] = ("002", None, ("assessment", "compliance"))  # small, blurred, turned ~1°
# the last page's requirement column short, so the white inside the spaced header 要    求 reads as a channel
UPRIGHT["borderless_001_q35_b.pdf"] = ("001", None, ("assessment",))
# a 三线表 opening at the foot of page 1 under justified narrative, wider text on the next page
UPRIGHT["threeline_002_narrow_q40.pdf"] = ("002", None, ("assessment", "compliance"))
# no rules, top-aligned; its first part prints only dashes under 是否选为考核指标 and 数值
UPRIGHT["borderless_top_001_q40.pdf"] = ("001", None, ("assessment",))
# scans as they arrive (tests/test_scan_inputs.py)
KINDS = {
    "sideways_002.pdf": ("002", None, ("assessment", "compliance")),
    "seal_001.pdf": ("001", None, ("assessment",)),
    "seal_001_b.pdf": ("001", None, ("assessment",)),  # a seal's ring over the rule between 是否考核 and 数值
    "seal_orange_003.pdf": ("003", (2, 3), ("assessment",)),  # orange ink, over a page's last rows
    "compliance_000.pdf": ("000", None, ("compliance",)),
    "textlayer_003.pdf": ("003", (2, 3, 4, 5), ("assessment",)),  # the table opens on page 1, not scanned
    "picture_001.docx": ("001", None, ("assessment",)),
    "picture_pdf_001.pdf": ("001", None, ("assessment",)),  # a text PDF, the table pasted as pictures
    "pages_001_p2-3.tif": ("001", (2, 3), ("assessment",)),
    "pages_001_p2-3_b.tif": ("001", (2, 3), ("assessment",)),  # its 数值 header reads 教值
    "page_003_p2.png": ("003", (2,), ("assessment",)),
    "photo_001_p2.jpg": ("001", (2,), ("assessment",)),
}
ALL = {**UPRIGHT, **KINDS}

# flags that describe the printed value itself (a person must look whatever the OCR did)
ANOMALIES = {"MALFORMED", "MASKED", "INCONSISTENT", "MISSING", "TEXT_VALUE", "OUT_OF_RANGE"}

Key = tuple  # (table_kind, data_year, indicator_id)


def flat(text: str) -> str:
    return "".join((text or "").split())


@lru_cache(maxsize=None)
def ingested(name: str):
    result = ingest_file(SCANS / name, root=SCANS)
    assert result.status == "ok", (result.status, result.error, result.notes)
    return result


def expected(name: str) -> list[dict]:
    seed, pages, kinds = ALL[name]
    with open(EXPECTED / f"{SEEDS[seed]}.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["table_kind"] in kinds]
    if pages is None:
        return rows
    return [r for r in rows if _printed_on(seed, pages, r)]


@lru_cache(maxsize=None)
def _table_rows(seed: str, pages: tuple) -> list[list[str]]:
    """The ruled table rows the source PDF prints on these pages, each as its cells' flat text."""
    with pdfplumber.open(ROOT / "fixtures" / "pdf" / SOURCES[seed]) as pdf:
        return [[flat(c) for c in row if c is not None]
                for p in pages for table in pdf.pages[p - 1].extract_tables() for row in table]


def _printed_on(seed: str, pages: tuple, row: dict) -> bool:
    """Whether one table row of these pages holds this row's name and value: the name whole (a
    footnote letter after it allowed), or its opening words where a page break cuts the row."""
    name, value = flat(re.sub(r"<[^>]+>", "", row["name_raw"])), flat(row["value_raw"])

    def named(cell: str) -> bool:
        return (cell.startswith(name) and len(cell) - len(name) <= 1) or (len(cell) >= 4 and name.startswith(cell))

    return any(value in cells and any(named(c) for c in cells) for cells in _table_rows(seed, pages))


def key_of(row: dict) -> Key:
    return row["table_kind"], int(row["data_year"]) if row["data_year"] else None, row["indicator_id"]


@lru_cache(maxsize=None)
def source_anomalies(seed: str) -> frozenset:
    """Keys of the values the seed itself prints as doubtful: what reading its clean text flags so."""
    result = ingest_file(TEXT / f"{SEEDS[seed]}.txt", root=TEXT)
    return frozenset((r.table_kind, r.data_year, r.indicator_id) for r in result.records if r.flags & ANOMALIES)


@dataclass
class Measure:
    name: str
    found: list = field(default_factory=list)
    right: list = field(default_factory=list)
    silent: list = field(default_factory=list)      # (key, printed, read)
    reviewed: list = field(default_factory=list)    # (key, flags, reasons): right values sent to review
    missing: list = field(default_factory=list)
    unflagged: list = field(default_factory=list)   # missing, and no NOT_READ record says so
    anomalies: list = field(default_factory=list)
    flagged: list = field(default_factory=list)     # anomalies sent to review

    @property
    def printed(self) -> int:
        return len(self.found) + len(self.missing)

    def line(self) -> str:
        causes = sorted({c for _, flags, _ in self.reviewed for c in flags if c in REVIEW_CAUSES})
        return (f"{self.name:30s} printed {self.printed:3d}  found {len(self.found):3d}  right {len(self.right):3d}  "
                f"silent {len(self.silent):2d}  missing {len(self.missing):2d} ({len(self.unflagged)} unflagged)  "
                f"reviewed {len(self.reviewed):2d} ({share(len(self.reviewed), len(self.right))})  "
                f"anomalies {len(self.flagged)}/{len(self.anomalies)}" + (f"  [{', '.join(causes)}]" if causes else ""))


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _review_causes() -> set[str]:
    from ecopark.schemas.flags import FLAGS

    return {c for c, f in FLAGS.items() if f.forces_review}


REVIEW_CAUSES = _review_causes()


def measure(name: str, records=None) -> Measure:
    """The measurement of one fixture; `records` when the caller has them already (else ingested)."""
    records = ingested(name).records if records is None else records
    by_key = {}
    for r in records:
        by_key.setdefault((r.table_kind, r.data_year, r.indicator_id), r)
    anomalies = source_anomalies(ALL[name][0])
    out = Measure(name)
    for e in expected(name):
        key = key_of(e)
        rec = by_key.get(key)
        if key in anomalies:
            out.anomalies.append(key)
            if rec is not None and rec.needs_review:
                out.flagged.append(key)
        if rec is None or "NOT_READ" in rec.flags:
            out.missing.append(key)
            if rec is None:
                out.unflagged.append(key)
            continue
        out.found.append(key)
        want = e["value_raw"] if e["table_kind"] == "assessment" else e["compliant_raw"]
        got = rec.value_raw if e["table_kind"] == "assessment" else rec.compliant_raw
        ok = flat(got) == flat(want) or (e["value"] != "" and rec.value is not None
                                           and abs(rec.value - float(e["value"])) <= 1e-6 * max(1.0, abs(rec.value)))
        if ok:
            out.right.append(key)
            if rec.needs_review and key not in anomalies:
                out.reviewed.append((key, sorted(rec.flags & REVIEW_CAUSES), rec.reasons))
        elif not rec.needs_review:
            out.silent.append((key, want, got))
    return out


def total(measures: list[Measure]) -> Measure:
    out = Measure("total")
    for m in measures:
        for name in ("found", "right", "silent", "reviewed", "missing", "unflagged", "anomalies", "flagged"):
            getattr(out, name).extend(getattr(m, name))
    return out
