"""The store in OUT_DIR (`ecopark.db`, SQLite): what every input file gave, and every decision.

Why SQLite (through the standard library) and not DuckDB: the store's work is
many small transactions — one per finished file, one per decision — from one
writer, each of which must survive a SIGKILL the moment it is committed. That
is what SQLite's journal is made for, it needs no dependency, and every
language (and the `sqlite3` shell) can open the file. The analytical side
(panel, Parquet) is rebuilt by pandas from a few thousand rows, where a
column store would gain nothing.

API summary (for the review app, `ecopark.read()` and the CLI)

    from ecopark.store import Store
    with Store.open(out_dir) as store:            # creates OUT_DIR/ecopark.db when absent
        store.records()                           # list[Record] of the current dataset, decisions applied
        store.records(decided=False)              # ... as extracted, no decision applied
        store.review_items()                      # list[Record] still needing review (flags, reasons,
                                                  #   suggestion, location, park, year: the context)
        store.documents()                         # list[FileResult] in dataset order (documents.csv rows)
        store.decide(key, "correct", "-4.85", note="", origin="app")   # appends one decision
        store.decisions()                         # {record_key: Decision}, the latest per key
        store.history(key)                        # list[Decision], oldest first: every decision ever made

    ecopark.review.decide(out_dir, key, decision, corrected_value, note)   # store + corrections.csv at once

What is kept
- `results`: one row per input file's bytes, keyed by (SHA-256 of the bytes,
  pipeline version, the years in the file name — the one thing the pipeline reads
  from a name, for a report that prints no year); the documents.csv fields, the
  Document.counters, and the limits it was read under.
- `records`: that file's records, as extracted (JSON per record), in order.
- `paths`: what each path last looked like (size, mtime, inode → SHA-256), so a
  re-run hashes only files that changed on disk.
- `dataset`: the files of the last finished run, in output order, as raw path
  bytes (any name round-trips, UTF-8 or not) plus the escaped name shown.
- `decisions`: append-only; a decision is never updated or deleted.
- `snapshot`: what the last written corrections.csv said per key, so that only
  what a person changed since is taken as their decision.
- `meta`: schema version, input root of the last run, outputs state.

A record_key is "{first 16 hex of the file's SHA-256}|{table kind}|{indicator or
name:label}|{column}|{occurrence}", so decisions survive moving, renaming and
re-rooting a file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterable

from ecopark.schemas.grid import Location
from ecopark.schemas.records import LOCATION_FIELDS, Record

FILE_NAME = "ecopark.db"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL, pipeline_version TEXT NOT NULL, name_years TEXT NOT NULL,
    status TEXT NOT NULL, error TEXT NOT NULL, format TEXT, layout TEXT, park_name TEXT,
    data_year INTEGER, tables INTEGER, seconds REAL, notes TEXT, counters TEXT,
    limit_hit TEXT NOT NULL DEFAULT '', limits TEXT, finished_at REAL,
    PRIMARY KEY (sha256, pipeline_version, name_years));
CREATE TABLE IF NOT EXISTS records (
    sha256 TEXT NOT NULL, pipeline_version TEXT NOT NULL, name_years TEXT NOT NULL, ord INTEGER NOT NULL,
    record_key TEXT NOT NULL, indicator_id TEXT, data TEXT NOT NULL,
    PRIMARY KEY (sha256, pipeline_version, name_years, ord));
CREATE INDEX IF NOT EXISTS records_key ON records (record_key);
CREATE TABLE IF NOT EXISTS paths (
    path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER, inode INTEGER, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dataset (
    ord INTEGER PRIMARY KEY, path BLOB NOT NULL, source_file TEXT NOT NULL, sha256 TEXT,
    name_years TEXT, skipped TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, record_key TEXT NOT NULL, decision TEXT NOT NULL,
    corrected_value TEXT NOT NULL, note TEXT NOT NULL, extra TEXT NOT NULL, decimal_comma INTEGER NOT NULL,
    origin TEXT NOT NULL, made_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (record_key);
CREATE TABLE IF NOT EXISTS snapshot (
    record_key TEXT PRIMARY KEY, decision TEXT, corrected_value TEXT, note TEXT, extra TEXT);
"""

_RECORD_FIELDS = [f.name for f in fields(Record)]


@dataclass
class Decision:
    """One decision as the person typed it (`decision` is their word: "更正", "accept" …)."""

    record_key: str
    decision: str
    corrected_value: str = ""
    note: str = ""
    extra: dict | None = None      # columns a person added to corrections.csv, kept as typed
    decimal_comma: bool = False    # typed where `;` separates, so "4,85" means 4.85
    origin: str = "corrections.csv"
    made_at: float = 0.0

    def typed(self) -> tuple:
        return (self.decision, self.corrected_value, self.note, json.dumps(self.extra or {}, sort_keys=True,
                                                                             ensure_ascii=False))


@dataclass
class DatasetEntry:
    """One input file of the current dataset (a documents.csv row), read or skipped."""

    path: bytes             # relative to the input root, raw bytes (os.fsencode)
    source_file: str        # the name shown in outputs: escaped where not valid UTF-8
    sha256: str = ""
    name_years: str = ""
    skipped: str = ""       # the reason when the file was not read


def record_to_json(record: Record) -> str:
    data = {name: getattr(record, name) for name in _RECORD_FIELDS}
    data["flags"] = sorted(record.flags)
    for name in LOCATION_FIELDS:   # the structured provenance, kept to the end (crops, review app)
        data[name] = data[name].as_dict() if data[name] is not None else None
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def record_from_json(text: str) -> Record:
    data = json.loads(text)
    data["flags"] = set(data.get("flags") or ())
    for name in LOCATION_FIELDS:
        data[name] = Location.from_dict(data.get(name))
    return Record(**{k: v for k, v in data.items() if k in _RECORD_FIELDS})


_PIPELINE_PACKAGES = ("extract", "normalize", "schemas")
RESULT_FORMAT = 1   # raise when ingest changes what a stored result holds
_version_cache: list[str] = []


def current_pipeline_version() -> str:
    """What produced a file's results: ecopark's version plus a digest of the code and data that turn
    bytes into records (extract/, normalize/, schemas/). Any change there reads every file again;
    orchestration, outputs and review changes do not. ECOPARK_PIPELINE_VERSION overrides it."""
    if os.environ.get("ECOPARK_PIPELINE_VERSION"):
        return os.environ["ECOPARK_PIPELINE_VERSION"]
    if not _version_cache:
        import hashlib
        from importlib import metadata

        digest = hashlib.sha256()
        for name in _PIPELINE_PACKAGES:
            package = __import__(f"ecopark.{name}", fromlist=["_"])
            root = Path(package.__file__).resolve().parent
            for path in sorted(root.rglob("*")):
                if path.suffix in (".py", ".csv") and "__pycache__" not in path.parts:
                    digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        try:
            release = metadata.version("ecopark")
        except metadata.PackageNotFoundError:
            release = "0"
        _version_cache.append(f"{release}+r{RESULT_FORMAT}+{digest.hexdigest()[:12]}")
    return _version_cache[0]


class Store:
    def __init__(self, path: Path, pipeline_version: str | None = None):
        self.path = Path(path)
        self.pipeline_version = pipeline_version or current_pipeline_version()
        self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        found = self.meta("schema_version")
        if found is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
        elif int(found) > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer ecopark (store schema {found}); "
                               f"upgrade ecopark to read it")

    @classmethod
    def open(cls, out_dir: str | Path, pipeline_version: str | None = None) -> "Store":
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        return cls(out_dir / FILE_NAME, pipeline_version)

    @staticmethod
    def exists(out_dir: str | Path) -> bool:
        return (Path(out_dir) / FILE_NAME).is_file()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ transactions

    def _tx(self):
        return _Transaction(self.db)

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------ file results

    def has_result(self, sha256: str, name_years: str = "", limits: dict | None = None) -> bool:
        row = self.db.execute("SELECT limit_hit, limits FROM results WHERE sha256=? AND pipeline_version=? "
                              "AND name_years=?", (sha256, self.pipeline_version, name_years)).fetchone()
        if row is None:
            return False
        limit_hit, used = row
        if limit_hit and limits is not None:
            # a file stopped by a limit is read again when that limit was raised since
            before = json.loads(used or "{}").get(limit_hit)
            now = limits.get(limit_hit)
            if before is None or now is None or now > before:
                return False
        return True

    def put_result(self, sha256: str, result, name_years: str = "", limits: dict | None = None) -> None:
        """Everything one file gave, committed at once (a kill leaves it whole or absent)."""
        key = (sha256, self.pipeline_version, name_years)
        with self._tx():
            self.db.execute("DELETE FROM records WHERE sha256=? AND pipeline_version=? AND name_years=?", key)
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                key + (result.status, result.error, result.format, result.layout, result.park_name,
                       result.data_year, result.tables, result.seconds, json.dumps(result.notes, ensure_ascii=False),
                       json.dumps(result.counters, sort_keys=True), result.limit_hit,
                       json.dumps(limits or {}, sort_keys=True), time.time()))
            self.db.executemany(
                "INSERT INTO records VALUES (?,?,?,?,?,?,?)",
                [key + (i, r.record_key, r.indicator_id, record_to_json(r)) for i, r in enumerate(result.records)])

    def result(self, sha256: str, name_years: str = "", source_file: str = "", latest: bool = False):
        """The FileResult stored for these bytes under this pipeline version, shown as `source_file`
        (with `latest`, else the one of the most recent pipeline that read them)."""
        from ecopark.ingest import FileResult

        key = (sha256, self.pipeline_version, name_years)
        columns = "status, error, format, layout, park_name, data_year, tables, seconds, notes, counters, limit_hit"
        row = self.db.execute(f"SELECT {columns} FROM results WHERE sha256=? AND pipeline_version=? "
                              "AND name_years=?", key).fetchone()
        if row is None and latest:
            # read by an earlier pipeline (ecopark was upgraded since): `apply` shows what was read then
            found = self.db.execute(f"SELECT {columns}, pipeline_version FROM results WHERE sha256=? AND "
                                    "name_years=? ORDER BY finished_at DESC LIMIT 1", (sha256, name_years)).fetchone()
            if found:
                row, key = found[:-1], (sha256, found[-1], name_years)
        if row is None:
            return None
        res = FileResult(source_file=source_file, status=row[0], error=row[1], format=row[2] or "",
                         layout=row[3] or "", park_name=row[4] or "", data_year=row[5], tables=row[6] or 0,
                         seconds=row[7] or 0.0, notes=json.loads(row[8] or "[]"),
                         counters=json.loads(row[9] or "{}"), limit_hit=row[10] or "", sha256=sha256)
        for (data,) in self.db.execute("SELECT data FROM records WHERE sha256=? AND pipeline_version=? AND "
                                       "name_years=? ORDER BY ord", key):
            record = record_from_json(data)
            if source_file:
                record.source_file = source_file
            res.records.append(record)
        return res

    # ------------------------------------------------------------ paths seen on disk

    def known_sha(self, path: bytes, size: int, mtime_ns: int, inode: int) -> str | None:
        row = self.db.execute("SELECT sha256 FROM paths WHERE path=? AND size=? AND mtime_ns=? AND inode=?",
                              (path, size, mtime_ns, inode)).fetchone()
        return row[0] if row else None

    def remember_paths(self, rows: Iterable[tuple[bytes, int, int, int, str]]) -> None:
        with self._tx():
            self.db.executemany("INSERT OR REPLACE INTO paths VALUES (?,?,?,?,?)", list(rows))

    # ------------------------------------------------------------ the dataset

    def set_dataset(self, entries: list[DatasetEntry], input_root: str = "") -> None:
        with self._tx():
            self.db.execute("DELETE FROM dataset")
            self.db.executemany("INSERT INTO dataset VALUES (?,?,?,?,?,?)",
                                [(i, e.path, e.source_file, e.sha256, e.name_years, e.skipped)
                                 for i, e in enumerate(entries)])
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('input_root', ?)", (input_root,))

    def dataset(self) -> list[DatasetEntry]:
        return [DatasetEntry(bytes(p), s, h or "", y or "", k or "") for p, s, h, y, k in self.db.execute(
            "SELECT path, source_file, sha256, name_years, skipped FROM dataset ORDER BY ord")]

    def dataset_hashes(self) -> set[str]:
        return {h for (h,) in self.db.execute("SELECT sha256 FROM dataset WHERE sha256 != ''")}

    def sha_of_source_file(self) -> dict[str, str]:
        """source_file → SHA-256 for every file of the dataset (to migrate path-keyed decisions)."""
        return {s: h for s, h in self.db.execute("SELECT source_file, sha256 FROM dataset WHERE sha256 != ''")}

    def documents(self) -> list:
        """documents.csv in dataset order: a FileResult per file (skipped files with their reason)."""
        from ecopark.ingest import FileResult

        out = []
        for entry in self.dataset():
            res = None if entry.skipped else self.result(entry.sha256, entry.name_years, entry.source_file,
                                                         latest=True)
            if res is None:
                res = FileResult(source_file=entry.source_file, status="skipped" if entry.skipped else "error",
                                 error=entry.skipped or "this file's result is missing from the store; run "
                                                        "ingest again", sha256=entry.sha256)
            out.append(res)
        return out

    def records(self, decided: bool = True) -> list[Record]:
        records = [r for res in self.documents() for r in res.records]
        if decided:
            from ecopark import review

            review.apply_decisions(records, self.decisions())
        return records

    def records_by_key(self, keys: Iterable[str]) -> dict[str, Record]:
        """The most recently read record under each key, wherever it is now (context for decisions
        about documents absent from this dataset)."""
        found = {}
        for key in keys:
            row = self.db.execute("SELECT r.data FROM records r JOIN results s USING (sha256, pipeline_version, "
                                  "name_years) WHERE r.record_key=? ORDER BY s.finished_at DESC LIMIT 1",
                                  (key,)).fetchone()
            if row:
                found[key] = record_from_json(row[0])
        return found

    def review_items(self) -> list[Record]:
        return [r for r in self.records() if r.needs_review]

    # ------------------------------------------------------------ decisions

    def decide(self, record_key: str, decision: str, corrected_value: str = "", note: str = "",
               extra: dict | None = None, decimal_comma: bool = False, origin: str = "app") -> Decision:
        made = Decision(record_key, decision, corrected_value, note, extra or {}, decimal_comma, origin, time.time())
        with self._tx():
            self.db.execute("INSERT INTO decisions (record_key, decision, corrected_value, note, extra, "
                            "decimal_comma, origin, made_at) VALUES (?,?,?,?,?,?,?,?)",
                            (record_key, decision, corrected_value, note,
                             json.dumps(made.extra, ensure_ascii=False, sort_keys=True), int(decimal_comma),
                             origin, made.made_at))
        return made

    def _decisions(self, where: str = "", args: tuple = ()) -> list[Decision]:
        return [Decision(k, d, c, n, json.loads(e or "{}"), bool(dc), o, t) for k, d, c, n, e, dc, o, t in
                self.db.execute("SELECT record_key, decision, corrected_value, note, extra, decimal_comma, "
                                f"origin, made_at FROM decisions {where} ORDER BY id", args)]

    def decisions(self) -> dict[str, Decision]:
        """The latest decision per record_key (a blank one means the person cleared it)."""
        return {d.record_key: d for d in self._decisions()}

    def history(self, record_key: str) -> list[Decision]:
        return self._decisions("WHERE record_key=?", (record_key,))

    def snapshot(self) -> dict[str, tuple]:
        return {k: (d or "", c or "", n or "", e or "{}") for k, d, c, n, e in
                self.db.execute("SELECT record_key, decision, corrected_value, note, extra FROM snapshot")}

    def set_snapshot(self, rows: dict[str, tuple]) -> None:
        with self._tx():
            self.db.execute("DELETE FROM snapshot")
            self.db.executemany("INSERT INTO snapshot VALUES (?,?,?,?,?)", [(k,) + tuple(v) for k, v in rows.items()])


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
