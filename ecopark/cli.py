"""The `ecopark` command."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecopark import __version__
from ecopark.extract import limits as file_limits
from ecopark.schemas.flags import FLAGS

from .batch import EXIT_INTERRUPTED, BatchError, Options, apply_only, run_batch
from .ingest import default_jobs

EXIT_CODES = """exit codes:
  0    every file was read (damaged files and files without a table have their documents.csv rows)
  2    usage error: INPUT_DIR does not exist, --out names a file, OUT_DIR holds no store (apply)
  3    no report file found in INPUT_DIR: the dataset in OUT_DIR is left as it was
  4    INPUT_DIR shares no file with the dataset in OUT_DIR: left as it was (--replace replaces it)
  5    another ecopark run holds OUT_DIR (--wait waits for it)
  6    with --strict: at least one file ended in error
  7    the Dask scheduler of --scheduler cannot be used (unreachable, or workers of another version)
  8    the outputs could not be written (disk full, no permission); the last run's stay, reads are kept
  130  interrupted: files finished so far are kept in the store, outputs are the last run's
"""


def _report(summary, out: Path) -> None:
    for note in summary.notes:
        print(f"ecopark: {note}", file=sys.stderr)
    print(summary.line(out), file=sys.stderr)


def cmd_ingest(args) -> int:
    overrides = {}
    if args.time_limit:
        overrides["seconds_per_file"] = args.time_limit
    if args.memory_limit:
        overrides["memory_mb"] = int(args.memory_limit * 1024)
    limits = file_limits.set_limits(**overrides)      # through the environment: workers inherit it
    options = Options(jobs=args.jobs, limits=limits,
                      scheduler=args.scheduler, shared_paths=args.shared_paths, in_process=args.jobs == 0, strict=args.strict,
                      replace=args.replace, wait=args.wait, quiet=args.quiet)
    out = Path(args.out)
    try:
        code, summary = run_batch(Path(args.input_dir), out, options)
    except BatchError as e:
        print(f"ecopark: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("ecopark: interrupted; the files finished so far are kept in the store, run again to go on",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    _report(summary, out)
    if code:
        print(f"ecopark: {summary.failed} files ended in error (--strict)", file=sys.stderr)
    return code


def cmd_apply(args) -> int:
    out = Path(args.out_dir)
    try:
        summary = apply_only(out, Options(wait=args.wait))
    except BatchError as e:
        print(f"ecopark: {e}", file=sys.stderr)
        return e.code
    _report(summary, out)
    return 0


def cmd_flags(args) -> int:
    for flag in FLAGS.values():
        print(f"{flag.code:22} {'review' if flag.forces_review else '      '}  {flag.meaning}")
    return 0


def cmd_review(args) -> int:
    from .app.run import serve

    return serve(Path(args.out_dir), port=args.port, open_browser=not args.no_browser)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecopark", description=(
        "Extract the HJ 274-2015 indicator tables of eco-industrial park evaluation reports "
        "into a reviewable dataset."), epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ecopark {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="read every new or changed report under INPUT_DIR into OUT_DIR",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Read every report under INPUT_DIR. Results are kept in OUT_DIR/ecopark.db: "
                                   "a re-run reads only files that are new or changed, and a killed run goes on "
                                   "where it stopped.")
    p.add_argument("input_dir", metavar="INPUT_DIR")
    p.add_argument("--out", default="out", metavar="OUT_DIR", help="output directory (default: out)")
    p.add_argument("--quiet", action="store_true", help="no per-file progress")
    p.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                   help=f"worker processes reading files (default: {default_jobs()}, the number of cores; "
                        f"0 reads in this process, without limits)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help=f"per file, OCR included (default: {file_limits.current().seconds_per_file:g}; "
                        f"also ECOPARK_SECONDS_PER_FILE); a file over it gets an error row")
    p.add_argument("--memory-limit", type=float, metavar="GB",
                   help=f"per file (default: {file_limits.current().memory_mb / 1024:g}; also "
                        f"ECOPARK_MEMORY_MB); a file over it gets an error row")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run each file's extraction on this Dask distributed cluster")
    p.add_argument("--shared-paths", action="store_true",
                   help="with --scheduler: workers open the files at the same path (a shared mount) "
                        "instead of receiving their bytes")
    p.add_argument("--strict", action="store_true", help="exit 6 when any file ends in error")
    p.add_argument("--replace", action="store_true",
                   help="allow an INPUT_DIR that shares no file with the dataset in OUT_DIR to replace it")
    p.add_argument("--wait", action="store_true", help="wait for another run holding OUT_DIR instead of exiting 5")
    p.set_defaults(func=cmd_ingest)
    a = sub.add_parser("apply", help="apply the decisions of OUT_DIR/corrections.csv and rebuild the outputs "
                                     "(no file is read again)", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("out_dir", metavar="OUT_DIR")
    a.add_argument("--wait", action="store_true", help="wait for another run holding OUT_DIR instead of exiting 5")
    a.set_defaults(func=cmd_apply)
    f = sub.add_parser("flags", help="list the flag codes, what they mean and which send a record to review")
    f.set_defaults(func=cmd_flags)
    r = sub.add_parser("review", help="review the values in OUT_DIR in the browser (a local app on 127.0.0.1)")
    r.add_argument("out_dir", metavar="OUT_DIR", help="an output directory written by ingest")
    r.add_argument("--port", type=int, default=None, metavar="N", help="port on 127.0.0.1 (default: 8750 or the next free)")
    r.add_argument("--no-browser", action="store_true", help="print the link instead of opening a browser")
    r.set_defaults(func=cmd_review)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
