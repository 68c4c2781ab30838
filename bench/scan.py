"""OCR speed of scanned reports: seconds per table page and per whole report.

Targets (2-core machine): at most 1.2 s per table page (issue 18: orientation,
seal removal and grid-less tables included, the probes of the pages around the
table counted in), and a 12-page scanned report with a 3-page table in at most 30 s. The 12-page report is assembled
from the committed scans (seven narrative pages, the page where the table
starts, the three table pages, one narrative page after), so the bench needs
nothing that CI lacks.

Seconds depend on the machine as much as on the code: the code of the day issue
18 was filed gave 0.8-1.0 s per table page on the machine it was measured on,
and 2.3-2.7 s on another machine of the same nominal size (two cores). So each
round also times a reference on the same machine: RapidOCR's own pipeline as
shipped (detect, classify and recognise every line of the page) on one table
page of each scan at the reader's 200 dpi, which is what reading the page
without this reader costs. This reader's seconds per table page over the
reference's seconds per page is the figure that travels between machines, and
the bench's pass/fail: RATIO_TARGET is the issue's 1.2 s put that way. The code
of the issue's day (b6ce497) measures 0.34 and 0.37 of the reference here, for
its 0.8-1.0 s there, so 1.2 s is 0.43-0.53 of the reference; the target takes
the strict end, 0.42. The 1.2 s itself is printed beside it.

Wall time counts whatever else the machine is doing, so CPU seconds of this
process and the load average are printed beside it, per table page too (OCR
runs on two threads: CPU near twice the wall means the machine was free); the
best of `--rounds` counts. The first round after the engine is built is slower (onnxruntime
prepares every new input width once) and is reported as "cold".

    .venv/bin/python bench/scan.py [--rounds 2]

Exits non-zero when the ratio target or the 12-page target is missed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecopark.extract import scan  # noqa: E402
from ecopark.extract.scan import engine as ocr_engine  # noqa: E402
from ecopark.extract.scan.page import READ_DPI  # noqa: E402
from ecopark.schemas.grid import Document  # noqa: E402

SCANS = ROOT / "fixtures" / "scanned"
PAGE_TARGET, REPORT_TARGET = 1.2, 30.0
RATIO_TARGET = 0.42
REFERENCE_PAGE = {"001_changchun_2022": 3, "003_wujin_2018": 3}  # a full table page of each


@lru_cache(maxsize=1)
def plain_rapidocr():
    """RapidOCR with its shipped settings (models from the wheel, nothing fetched)."""
    import rapidocr
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "error",
                            "Global.model_root_dir": str(Path(rapidocr.__file__).parent / "models")})


def reference(path: Path, page: int) -> int:
    """The reference reading of one page: every line detected and recognised; the lines found."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[page - 1].render(scale=READ_DPI / 72, grayscale=True).to_numpy()
    finally:
        pdf.close()
    return len(plain_rapidocr()(np.repeat(image[:, :, None], 3, axis=2)).txts or ())


def timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def twelve_pages(target: Path) -> Path:
    """Narrative x7, table head page, 3 table pages, narrative: from the 001 scan."""
    src = pdfium.PdfDocument(str(SCANS / "001_changchun_2022.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [4] * 7 + [0, 1, 2, 3, 4])
    out.save(str(target))
    return target


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    _, build, _ = timed(lambda: (ocr_engine.engine(), ocr_engine.recogniser(), plain_rapidocr()))
    print(f"engine built in {build:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    failed = False
    for name in ("001_changchun_2022", "003_wujin_2018"):
        path = SCANS / f"{name}.pdf"
        pages = scan.scanned_pages(path)
        reference(path, REFERENCE_PAGE[name])  # its widths prepared once, as the reader's are by its cold round
        rounds, plain = [], []
        for _ in range(args.rounds):  # the reader and the reference in turn, so both meet the same machine
            doc = Document(source=str(path), format="scanned-pdf")
            blocks, wall, cpu = timed(scan.read_pages, path, pages, doc)
            lines = {k.rsplit("_", 1)[1]: int(v) for k, v in doc.counters.items() if k.startswith("ocr_lines_page_")}
            rounds.append((wall, cpu, lines, blocks))
            plain.append(timed(reference, path, REFERENCE_PAGE[name]))
        wall, cpu, lines, blocks = min(rounds, key=lambda r: r[0])
        found, ref_wall, ref_cpu = min(plain, key=lambda r: r[1])
        table_pages = sorted({b.loc.page for b in blocks if hasattr(b, "rows")})
        per_page = wall / len(table_pages)
        ratio = per_page / ref_wall
        failed |= ratio > RATIO_TARGET
        print(f"{name}: {per_page:.2f} s per table page ({cpu / len(table_pages):.2f} s CPU), "
              f"{ratio:.2f} of plain RapidOCR's {ref_wall:.2f} s ({ref_cpu:.2f} s CPU, {found} lines) on page "
              f"{REFERENCE_PAGE[name]} (target {RATIO_TARGET}; {PAGE_TARGET} s on the issue's machine): "
              f"{len(pages)} pages, table on {table_pages}, best {wall:.1f} s wall ({cpu:.1f} s CPU), "
              f"cold {rounds[0][0]:.1f} s; lines recognised per page {dict(sorted(lines.items()))}")
    with tempfile.TemporaryDirectory() as tmp:
        path = twelve_pages(Path(tmp) / "twelve.pdf")
        pages = scan.scanned_pages(path)
        doc = Document(source=str(path), format="scanned-pdf")
        best, cpu = min(timed(scan.read_pages, path, pages, doc)[1:] for _ in range(args.rounds))
    failed |= best > REPORT_TARGET
    print(f"12-page scanned report, 3-page table: {best:.1f} s ({cpu:.1f} s CPU; target {REPORT_TARGET:.0f} s)")
    print(f"counters of the last read: {dict((k, round(v, 2)) for k, v in doc.counters.items())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
