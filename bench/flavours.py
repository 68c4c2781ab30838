"""Grid-less table finders side by side, in one run: seconds per document, printed values found.

Ours (`extract.pdf.gridless` on the words pdfium gives) against camelot's
`network` and `hybrid` flavours and pdfplumber's text strategy, on the
grid-less fixtures (fixtures/pdf_layouts). "Found" is the share of the values
printed in the seed (tests/expected) that come back as the whole text of some
cell: an upper bound for camelot and pdfplumber, whose rows (one per text line)
would still have to be assembled. camelot-py is not a dependency (this bench is
why): install it to compare (`pip install camelot-py`), else it is skipped.

    .venv/bin/python bench/flavours.py
"""
from __future__ import annotations

import csv
import sys
import time
import warnings
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecopark.extract import pdf as ours  # noqa: E402

try:
    import camelot
except ImportError:
    camelot = None

warnings.filterwarnings("ignore")
SEEDS = {p.stem[:3]: p for p in (ROOT / "tests" / "expected").glob("*.csv")}
DOCS = [ROOT / "fixtures" / "pdf_layouts" / f"{n}.pdf" for n in
        ["001_three_line", "003_borderless", "000_group_rules", "004_value_first", "002_year_header", "002_rotate270"]]


def values(path):
    rows = list(csv.DictReader(open(SEEDS[path.stem[:3]], encoding="utf-8")))
    out = []
    for r in rows:
        v = r["value_raw"] if r["table_kind"] == "assessment" else r["compliant_raw"]
        if v.strip() not in ("", "-", "/"):
            out.append("".join(v.split()))
    return out


def found_share(cells, want):
    pool = {}
    for c in cells:
        k = "".join(c.split())
        pool[k] = pool.get(k, 0) + 1
    hit = 0
    for v in want:
        if pool.get(v, 0) > 0:
            pool[v] -= 1
            hit += 1
    return hit / len(want)


def run_camelot(flavor):
    def f(path):
        return [c for t in camelot.read_pdf(str(path), pages="all", flavor=flavor) for row in t.df.values.tolist() for c in row]
    return f


def run_plumber(path):
    with pdfplumber.open(path) as pdf:
        return [c or "" for p in pdf.pages for t in p.extract_tables({"vertical_strategy": "text", "horizontal_strategy": "text"}) for row in t for c in row]


def run_ours(path):
    return [c.text for t in ours.read(path).tables for r in t.rows for c in r.cells]


def main() -> None:
    flavours = [("ours (pdfium words)", run_ours), ("pdfplumber text", run_plumber)]
    if camelot is not None:
        flavours[1:1] = [("camelot network", run_camelot("network")), ("camelot hybrid", run_camelot("hybrid"))]
    else:
        print("camelot-py not installed: skipped")
    for name, fn in flavours:
        measure(name, fn)


def measure(name, fn) -> None:
    fn(DOCS[0])  # warm-up: imports, fonts
    total, shares = 0.0, []
    for d in DOCS:
        started = time.perf_counter()
        cells = fn(d)
        total += time.perf_counter() - started
        shares.append(found_share(cells, values(d)))
    print(f"{name:22} {total / len(DOCS):6.3f} s/doc  printed values found as a cell: "
          + " ".join(f"{s:.2f}" for s in shares) + f"  (mean {sum(shares)/len(shares):.3f})")


if __name__ == "__main__":
    main()
