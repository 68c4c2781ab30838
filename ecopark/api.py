"""The Python API: `ecopark.read(...)` -> a `Dataset` of typed pandas DataFrames.

Three ways in, one result:

- `read("reports/")` reads every report below the folder in memory and writes
  nothing; decisions of `corrections=` (a corrections.csv or review.xlsx) are
  applied.
- `read("reports/", out="out")` is `ecopark ingest reports/ --out out`: the
  store in out/ remembers every file, so a second call reads only new or changed
  files; the decisions of `corrections=` join the store's first. Every output is
  rebuilt from the store, then loaded.
- `read("out")` loads an output folder written before, re-reading nothing.

Either way the frames are typed by the column dictionary (`ecopark.columns`,
also `OUT_DIR/columns.csv`): booleans are booleans, years nullable integers,
small code sets categoricals, and the flag column is `flag_codes` (records.csv
keeps the contract's name `flags`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ecopark import columns

RECORDS_FILE = "records.parquet"
DOCUMENTS_FILE = "documents.csv"


@dataclass
class Dataset:
    """What ecopark knows about a set of reports, as pandas DataFrames.

    records:       one row per value cell of an indicator table (records.csv, `flags` as `flag_codes`)
    panel:         one row per park_id × data_year × indicator_id (a unique key)
    panel_wide:    one row per park_id × data_year, one column per indicator id
    panel_undated: the readings whose year the report masks, per park × report × indicator
    documents:     one row per input file (documents.csv)
    out:           the output folder, when there is one
    """

    records: pd.DataFrame
    panel: pd.DataFrame
    panel_wide: pd.DataFrame
    documents: pd.DataFrame
    panel_undated: pd.DataFrame = field(default_factory=pd.DataFrame)
    out: Path | None = None

    def __repr__(self) -> str:
        parks = self.panel["park_id"].nunique() if "park_id" in self.panel else 0
        return (f"<ecopark.Dataset: {len(self.documents)} files, {len(self.records)} records "
                f"({int(self.records['needs_review'].sum()) if len(self.records) else 0} to review), "
                f"panel {self.panel.shape} over {parks} parks>")

    @classmethod
    def load(cls, out_dir: str | Path) -> "Dataset":
        """The dataset an earlier `ecopark ingest` (or `read(..., out=)`) wrote to `out_dir`."""
        out = Path(out_dir)
        if not (out / RECORDS_FILE).is_file():
            raise FileNotFoundError(f"{out} holds no {RECORDS_FILE}: not an ecopark output folder")
        records = columns.typed(pd.read_parquet(out / RECORDS_FILE), "records")
        frames = {}
        for name in ("panel", "panel_wide", "panel_undated"):
            path = out / f"{name}.parquet"
            frames[name] = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
        documents = pd.read_csv(out / DOCUMENTS_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig") \
            if (out / DOCUMENTS_FILE).is_file() else pd.DataFrame()
        return cls(api_records(records), frames["panel"], frames["panel_wide"],
                   columns.typed(documents, "documents"), frames["panel_undated"], out)


def api_records(frame: pd.DataFrame) -> pd.DataFrame:
    """records as the API shows them: `flags` renamed `flag_codes` (DataFrame.flags is pandas')."""
    return frame.rename(columns={"flags": "flag_codes"})


def is_output_dir(path: Path) -> bool:
    return path.is_dir() and (path / RECORDS_FILE).is_file() and (path / DOCUMENTS_FILE).is_file()


def read(path_or_dir: str | Path, out: str | Path | None = None, corrections: str | Path | None = None,
         jobs: int = 1) -> Dataset:
    """Read reports (a file or a folder, recursively) into a Dataset; or load an output folder.

    path_or_dir: a report, a folder of reports, or an OUT_DIR written before (then loaded as is).
    out:         keep the results in this OUT_DIR's store and write every output there, as
                 `ecopark ingest PATH --out OUT` does (a re-read only reads new or changed files).
    corrections: a corrections.csv or review.xlsx whose decisions are applied (with `out`, they are
                 added to the store's decisions).
    jobs:        worker processes reading files (1: in this process).

        >>> import ecopark
        >>> d = ecopark.read("fixtures/text")
        >>> d.panel.set_index(["park_id", "data_year", "indicator_id"]).index.is_unique
        True
    """
    source = Path(path_or_dir)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist")
    if out is None and corrections is None and is_output_dir(source):
        return Dataset.load(source)
    if out is not None:
        return _read_into(source, Path(out), corrections, jobs)
    return _read_in_memory(source, corrections, jobs)


def _read_in_memory(source: Path, corrections, jobs: int) -> Dataset:
    """Every file read now, keyed by content as the CLI keys it (so decisions of an OUT_DIR apply)."""
    from ecopark import outputs, panel, review
    from ecopark.executors import make_executor
    from ecopark.ingest import FileResult, Task
    from ecopark.inputs import sha256_of, walk

    files, _ = walk(source)
    results: dict[int, FileResult] = {}
    tasks = []
    for i, f in enumerate(files):
        if not f.skipped:
            try:
                tasks.append(Task(i, str(f.path), f.source_file, sha256_of(f.path)))
                continue
            except OSError as e:
                f.skipped = f"a file that cannot be opened ({e.strerror}); not read"
        results[i] = FileResult(source_file=f.source_file, status="skipped", error=f.skipped)
    with make_executor(jobs=jobs, in_process=jobs <= 1) as executor:
        for task, res in executor.run(tasks):
            results[task.index] = res
    documents = [results[i] for i in sorted(results)]
    records = [r for res in documents for r in res.records]
    if corrections is not None:
        sha_of = {t.source_file: t.sha256 for t in tasks}
        review.apply_decisions(records, _decisions(Path(corrections), sha_of))
    check_across_reports(records)
    built = panel.build(records)
    frame = outputs.records_frame(records)
    docs = outputs.documents_frame([res.as_row() for res in documents])
    return Dataset(api_records(frame), built.long, built.wide, docs, built.undated)


def _decisions(path: Path, sha_of: dict[str, str]) -> dict:
    """The decided rows of a corrections file, keyed as the records are (old path keys migrated)."""
    from ecopark import review
    from ecopark.store import Decision

    if not path.is_file():
        raise FileNotFoundError(f"corrections file {path} does not exist")
    found = review.read_corrections_file(path)
    out = {}
    for row in found.rows:
        if row["decision"]:
            key = review.migrate_key(row["record_key"], sha_of)
            out[key] = Decision(key, row["decision"], row["corrected_value"], row["note"], row.get("_extra"),
                                found.decimal_comma, origin=path.name)
    return out


def _read_into(source: Path, out: Path, corrections, jobs: int) -> Dataset:
    from ecopark.batch import BatchError, Options, run_batch

    if corrections is not None:
        _add_decisions(Path(corrections), out)
    try:
        run_batch(source, out, Options(jobs=jobs, in_process=jobs <= 1, quiet=True))
    except BatchError as e:
        raise RuntimeError(str(e)) from None
    return Dataset.load(out)


def _add_decisions(path: Path, out: Path) -> None:
    """The decisions of a corrections file into OUT_DIR's store (those it does not hold already)."""
    from ecopark.batch import Lock
    from ecopark.store import Store

    out.mkdir(parents=True, exist_ok=True)
    with Lock(out), Store.open(out) as store:
        current = store.decisions()
        for key, made in _decisions(path, store.sha_of_source_file()).items():
            if key not in current or current[key].typed() != made.typed():
                store.decide(key, made.decision, made.corrected_value, made.note, made.extra,
                             made.decimal_comma, origin=made.origin)


def check_across_reports(records) -> None:
    """The dataset-wide step between the decisions and the outputs: the checks across reports."""
    from ecopark import panel
    from ecopark.normalize.across import check_across

    check_across(records, panel.park_ids(records))


def write_extras(out: str | Path, records: pd.DataFrame, built, documents: pd.DataFrame | None = None,
                 stage=None) -> None:
    """The analyst's files beside the contract's: columns.csv, review.xlsx (the rows of
    corrections.csv, with a decision drop-down), panel.xlsx and report.html; into `stage` (an
    outputs.Staging) when given, so they are put in place with the other outputs.

    `records` is the records frame as written (outputs.records_frame), `built` the
    ecopark.panel.Panel of this run; corrections.csv must be written already."""
    from ecopark import excel, report_html, review

    out = Path(out)
    where = stage.path if stage else (lambda name: out / name)
    corrections = (stage.dir if stage else out) / review.FILE_NAME
    columns.write_dictionary(where("columns.csv"))
    excel.write_review_from_corrections(corrections, where(excel.REVIEW_FILE), where(excel.STAMP_FILE))
    excel.write_panel({"panel": built.long, "panel_wide": built.wide, "panel_undated": built.undated,
                       "columns": columns.frame()}, where(excel.PANEL_FILE))
    report_html.write(records, built.long, out, documents, path=where(report_html.FILE_NAME))
