"""The scanned fixtures rebuilt from other random streams, read and measured: how the scan path does
on scans it was not tuned on.

Every committed kind of fixtures/make_scans.py (its noise, turns, JPEG quality and, for the sealed
ones, where the seals fall) is made again with `--seed`, into a directory of its own, keeping the
fixture names so that tests/scan_measure.py compares them with their sources. Scans of the text-PDF
layouts that have no committed scan are added (`--layouts`). One line per file as in
bench/scan_review.py, then the totals and, under each line, what went wrong: values wrong without a
flag, values missing without a flag, anomalies not flagged.

    .venv/bin/python bench/scan_sweep.py --seed 5001 [--layouts] [--out DIR] [NAME ...]

Building needs what the fixtures need (poppler-utils; pip install img2pdf reportlab pypdf), which
CI does not have: this is a bench, run by hand. A failure it shows is made a fixture of its own
(make_scans.SEPARATE names the stream it came from), never tuned away inside the sweep.
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT))

import scan_measure as sm  # noqa: E402

# text-PDF layouts scanned here as well: (layout, dpi, JPEG quality, seed, table kinds)
LAYOUTS = {
    "lay_001_borderless_top.pdf": ("001_borderless_top.pdf", 130, 40, "001", ("assessment",)),
    "lay_002_three_line.pdf": ("002_three_line.pdf", 150, 40, "002", ("assessment", "compliance")),
    "lay_003_three_line.pdf": ("003_three_line.pdf", 120, 35, "003", ("assessment",)),
    "lay_000_group_rules.pdf": ("000_group_rules.pdf", 130, 40, "000", ("compliance",)),
    "lay_002_borderless_11pt.pdf": ("002_borderless_11pt.pdf", 140, 40, "002", ("assessment", "compliance")),
    "lay_004_value_first.pdf": ("004_value_first.pdf", 130, 45, "004", ("assessment", "compliance")),
}


def _make_scans():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "fixtures" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(out: Path, seed: int, layouts: bool, names: list[str]) -> list[str]:
    """Make each scan kind with `seed` into `out`; the names made."""
    ms = _make_scans()
    rng = random.Random(seed)

    def moved(x: float, y: float) -> tuple[float, float]:  # a seal elsewhere on the page
        return x + rng.uniform(-40, 40), y + rng.uniform(-60, 60)

    makers = {
        "sideways_002.pdf": lambda: ms.sideways(out, random.Random(seed)),
        "photo_001_p2.jpg": lambda: ms.photo(out, random.Random(seed)),
        "seal_001.pdf": lambda: ms.sealed(out, random.Random(seed), "001_changchun_2022.pdf", (1, 4),
                                          {2: moved(505, 225), 4: moved(505, 255)}, "seal_001.pdf"),
        "compliance_000.pdf": lambda: ms.sealed(out, random.Random(seed), "000_changchun_2018.pdf", (1, 3),
                                                {3: moved(470, 330)}, "compliance_000.pdf"),
        "textlayer_003.pdf": lambda: ms.text_layer(out, random.Random(seed)),
        "page_003_p2.png": lambda: ms.png(out, random.Random(seed)),
        "pages_001_p2-3.tif": lambda: ms.tiff(out, random.Random(seed)),
    }
    for name, make in ms.SEPARATE.items():
        makers.setdefault(name, lambda make=make: make(out, seed))
    if layouts:
        for name, (source, dpi, quality, _, _) in LAYOUTS.items():
            makers[name] = lambda name=name, source=source, dpi=dpi, quality=quality: ms.layout_scan(
                source, str(out / name), seed, dpi=dpi, quality=quality)
    made = []
    for name, make in makers.items():
        if names and name not in names:
            continue
        try:
            make()
            made.append(name)
        except Exception as e:  # a kind whose tools are missing here (LibreOffice) is reported, not fatal
            print(f"{name}: not built ({e})", file=sys.stderr)
    return made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="only these fixture names")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--layouts", action="store_true", help="also scan the text-PDF layouts (LAYOUTS)")
    ap.add_argument("--out", type=Path, help="keep the scans here (default: a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        made = build(out, args.seed, args.layouts, args.names)
        sm.SCANS = out
        sm.ALL.update({name: (seed, None, kinds) for name, (_, _, _, seed, kinds) in LAYOUTS.items()})
        measures = []
        for name in made:
            try:
                m = sm.measure(name)
            except AssertionError as e:
                print(f"{name:30s} not read: {e}")
                continue
            measures.append(m)
            print(m.line(), flush=True)
            for key, want, got in m.silent:
                print(f"    wrong without a flag: {key[2]} {key[1]}: {want!r} read {got!r}")
            for key in m.unflagged:
                print(f"    missing without a flag: {key[2]} {key[1]}")
            for key in (k for k in m.anomalies if k not in m.flagged):
                print(f"    anomaly not flagged: {key[2]} {key[1]}")
        total = sm.total(measures)
        print(total.line())
        print(f"coverage {len(total.found) / max(1, total.printed):.3f}")


if __name__ == "__main__":
    main()
