"""The `ecopark` command."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecopark.schemas.flags import FLAGS

from . import outputs, panel
from . import review as review_loop
from .ingest import default_jobs, ingest, stderr_progress


def cmd_ingest(args) -> int:
    source = Path(args.input_dir)
    if not source.exists():
        print(f"ecopark: {source} does not exist", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = ingest(source, progress=None if args.quiet else stderr_progress, jobs=args.jobs)
    records = [r for res in results for r in res.records]
    # decisions from earlier runs are applied first, so every output shows them
    review_loop.apply_corrections(records, out)
    review_loop.write_review_files(records, out, source if source.is_dir() else source.parent)
    panel.write_panel(records, out)
    frame = outputs.write_records(records, out)
    review = outputs.write_review(frame, out)
    outputs.write_documents([res.as_row() for res in results], out)
    statuses = {s: sum(res.status == s for res in results) for s in ("ok", "no_table", "error")}
    print(f"{len(results)} files ({statuses['ok']} ok, {statuses['no_table']} without table, "
          f"{statuses['error']} errors), {len(records)} records, {sum(r.reviewed for r in records)} reviewed, "
          f"{len(review)} to review -> {out}/",
          file=sys.stderr)
    if not results:
        print(f"ecopark: no report files found under {source}", file=sys.stderr)
    return 0


def cmd_flags(args) -> int:
    for flag in FLAGS.values():
        print(f"{flag.code:22} {'review' if flag.forces_review else '      '}  {flag.meaning}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecopark", description=(
        "Extract the HJ 274-2015 indicator tables of eco-industrial park evaluation reports "
        "into a reviewable dataset."))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="read every report under INPUT_DIR and write the outputs to OUT_DIR")
    p.add_argument("input_dir", metavar="INPUT_DIR")
    p.add_argument("--out", default="out", metavar="OUT_DIR", help="output directory (default: out)")
    p.add_argument("--quiet", action="store_true", help="no per-file progress lines")
    p.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                   help=f"files read in parallel (default: {default_jobs()}, the number of cores)")
    p.set_defaults(func=cmd_ingest)
    f = sub.add_parser("flags", help="list the flag codes, what they mean and which send a record to review")
    f.set_defaults(func=cmd_flags)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
