"""Values of the scanned fixtures against their sources: found, right, silent, false alarms, anomalies.

One line per fixture and the totals (tests/scan_measure.py is the measurement; the tests assert
on the same numbers). Issue 18's targets over scans: coverage >= 0.97 of the printed values, at most
8 values wrong or missing without a flag, >= 0.9 of the anomalies flagged, <= 5 % of the right
values sent to review.

    .venv/bin/python bench/scan_review.py [NAME ...] [--why] [--cache DIR]

--why prints each right value sent to review with its flags and reasons. --cache DIR keeps the
OCR'd Documents (pickled) and reuses them on the next run: for work on normalize/ only, since a
change to extract/ is not seen through it.
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import scan_measure as sm  # noqa: E402
from ecopark import extract  # noqa: E402
from ecopark.normalize.pipeline import read_document  # noqa: E402


def records_of(name: str, cache: Path | None):
    if cache is None:
        return sm.ingested(name).records
    cache.mkdir(parents=True, exist_ok=True)
    kept = cache / f"{name}.pickle"
    if kept.exists():
        doc = pickle.loads(kept.read_bytes())
    else:
        doc = extract.read(sm.SCANS / name)
        kept.write_bytes(pickle.dumps(doc))
    return read_document(doc, name).records


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="fixtures to measure (default: all)")
    ap.add_argument("--why", action="store_true", help="print every false alarm and silent error")
    ap.add_argument("--cache", type=Path, help="keep the OCR'd Documents here and reuse them")
    args = ap.parse_args()
    names = args.names or list(sm.ALL)
    measures = []
    for name in names:
        started = time.perf_counter()
        m = sm.measure(name, records_of(name, args.cache))
        measures.append(m)
        print(f"{m.line()}  {time.perf_counter() - started:.0f} s", flush=True)
        if args.why:
            for key, want, got in m.silent:
                print(f"    SILENT {key}: printed {want!r}, read {got!r}")
            for key in m.missing:
                print(f"    MISSING {key}")
            for key, flags, reasons in m.reviewed:
                print(f"    review {key} {';'.join(flags)}: {' | '.join(reasons)}")
    t = sm.total(measures)
    print(f"total: printed {t.printed}, found {len(t.found)} ({sm.share(len(t.found), t.printed)}), right "
          f"{len(t.right)} ({sm.share(len(t.right), len(t.found))} of found), wrong without a flag {len(t.silent)}, "
          f"missing {len(t.missing)} ({len(t.unflagged)} without a flag), right sent to review {len(t.reviewed)} ({sm.share(len(t.reviewed), len(t.right))}), "
          f"anomalies flagged {len(t.flagged)}/{len(t.anomalies)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
