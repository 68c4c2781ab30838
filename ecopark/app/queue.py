"""The review queue over one OUT_DIR: which records, in which order, and the decisions made on them.

A decision made here is written at once to corrections.csv (merged, as a run
merges it), so the Excel path keeps working both ways: a decision typed in
Excel shows here after the next ingest, one made here is in the file. The
records come from `RecordsSource`, the one place that knows where they are
kept; when the records on disk change (another ingest), the queue reloads.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, fields
from pathlib import Path

from ecopark import review
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record

ACTIONS = ("accept", "suggestion", "correct", "reject")
STATUSES = ("all", "left", "reviewed")


class DecisionError(ValueError):
    """A decision that cannot be taken; the message is shown to the reviewer and nothing changed."""


class RecordsSource:
    """Records of the last run, read from OUT_DIR/records.parquet (written by every ingest)."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / "records.parquet"

    def stamp(self) -> float:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return 0

    def load(self) -> list[Record]:
        import pandas as pd

        if not self.path.exists():
            raise FileNotFoundError(f"{self.out_dir} holds no records.parquet: run `ecopark ingest INPUT_DIR "
                                    f"--out {self.out_dir}` first")
        frame = pd.read_parquet(self.path)
        return [Record.from_row(row) for row in frame.to_dict("records")]

    def write(self, records: list[Record], decisions: dict[str, dict]) -> None:
        review.record_decisions(records, self.out_dir, decisions)


@dataclass(frozen=True)
class Filter:
    flag: str = ""
    park: str = ""
    file: str = ""
    indicator: str = ""       # "I10" takes I10 and its components I10.*
    year: str = ""
    status: str = "all"       # all / left / reviewed

    @classmethod
    def of(cls, params) -> "Filter":
        """From query or JSON parameters; unknown names ignored, a bad status taken as all."""
        values = {f.name: str(params.get(f.name) or "").strip() for f in fields(cls)}
        if values["status"] not in STATUSES:
            values["status"] = "all"
        return cls(**values)

    def matches(self, r: Record) -> bool:
        return ((not self.flag or self.flag in r.flags)
                and (not self.park or r.park_name == self.park)
                and (not self.file or r.source_file == self.file)
                and (not self.indicator or r.indicator_id == self.indicator
                     or r.indicator_id.startswith(self.indicator + "."))
                and (not self.year or str(r.data_year or "") == self.year)
                and (self.status == "all" or (self.status == "left") == r.needs_review))

    @property
    def narrowed(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "status") or self.status != "all"

    def query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def in_review(r: Record) -> bool:
    """Is or was in review: flagged for a person, or already decided by one."""
    return r.needs_review or r.reviewed


def priority(r: Record) -> int:
    """What matters most first: assessed indicators, then formula contradictions, then the rest."""
    if r.assessed in ("yes", "mandatory"):
        return 0
    if "INCONSISTENT" in r.flags:
        return 1
    return 2


@dataclass
class _Undo:
    key: str
    record: Record       # the record as it was before
    decision: dict       # its decision columns in corrections.csv before


class ReviewQueue:
    def __init__(self, out_dir: str | Path, source: RecordsSource | None = None):
        self.out_dir = Path(out_dir)
        self.source = source or RecordsSource(self.out_dir)
        self.lock = threading.RLock()
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        self.stamp = self.source.stamp()
        self.records = self.source.load()
        self.by_key = {r.record_key: r for r in self.records if r.record_key}
        self.order = {r.record_key: i for i, r in enumerate(self.records)}
        self.decided = {row["record_key"]: {c: row[c] for c in review.DECISION_COLUMNS[1:]}
                        for row in review.read_corrections(review.corrections_path(self.out_dir))}
        self.history: list[list[_Undo]] = []

    def refresh(self) -> bool:
        """Reload when another run rewrote the records; True when it did."""
        with self.lock:
            if self.source.stamp() != self.stamp:
                self._load()
                return True
            return False

    # ------------------------------------------------------------ reading

    def items(self, filt: Filter = Filter()) -> list[Record]:
        with self.lock:
            chosen = [r for r in self.records if in_review(r) and r.record_key and filt.matches(r)]
        return sorted(chosen, key=lambda r: (priority(r), self.order[r.record_key]))

    def counts(self, filt: Filter = Filter()) -> dict[str, int]:
        items = self.items(Filter(**(filt.query() | {"status": "all"})))
        left = sum(r.needs_review for r in items)
        return {"left": left, "reviewed": len(items) - left, "total": len(items)}

    def options(self) -> dict[str, list[str]]:
        """The values each filter can take, from the records in review."""
        items = self.items()
        cat = catalogue.load()
        indicators = sorted({r.indicator_id.split(".")[0] for r in items if r.indicator_id})
        return {
            "flag": sorted({f for r in items for f in r.flags}),
            "park": sorted({r.park_name for r in items if r.park_name}),
            "file": sorted({r.source_file for r in items}),
            "indicator": [(i, cat.by_id[i].name_zh if i in cat.by_id else "") for i in indicators],
            "year": sorted({str(r.data_year) for r in items if r.data_year}),
        }

    def get(self, key: str) -> Record:
        record = self.by_key.get(key)
        if record is None or not in_review(record):
            raise DecisionError(f"no record with key “{key}” is in this review")
        return record

    # ------------------------------------------------------------ deciding

    def _decision(self, record: Record, action: str, value: str, note: str) -> dict:
        """The corrections.csv columns for an action, or DecisionError."""
        if action not in ACTIONS:
            raise DecisionError(f"“{action}” is not an action; use one of {', '.join(ACTIONS)}")
        if action == "suggestion":
            if record.suggested_value is None:
                raise DecisionError(f"{record.record_key} has no suggested value to use")
            action, value = "correct", f"{record.suggested_value:.12g}"
            note = note or "the suggestion, taken in the review app"
        if action == "correct":
            value = (value or "").strip()
            if not value:
                raise DecisionError("type the corrected value first")
            problem = review.correction_problem(record, value)
            if problem:
                raise DecisionError(f"not changed: {problem}")
        else:
            value = ""
        return {"decision": action, "corrected_value": value, "note": note or ""}

    def _apply(self, decisions: dict[str, dict]) -> list[Record]:
        """Take the decisions in memory and in corrections.csv; all or nothing."""
        undo = []
        for key, decided in decisions.items():
            record = self.by_key[key]
            undo.append(_Undo(key, copy.deepcopy(record), dict(self.decided.get(key, {}))))
            review.apply_decision(record, decided["decision"], decided["corrected_value"], decided["note"])
        try:
            self.source.write(self.records, decisions)
        except PermissionError:
            self._restore(undo)
            raise DecisionError("corrections.csv is open in another program (Excel?) and cannot be written: "
                                "close it and try again; nothing was changed") from None
        for key, decided in decisions.items():
            self.decided[key] = decided
        self.history.append(undo)
        return [self.by_key[k] for k in decisions]

    def _restore(self, undo: list[_Undo]) -> None:
        for step in undo:
            state = step.record
            record = self.by_key[step.key]
            for f in fields(Record):
                setattr(record, f.name, copy.deepcopy(getattr(state, f.name)))

    def decide(self, key: str, action: str, value: str = "", note: str = "") -> Record:
        with self.lock:
            record = self.get(key)
            return self._apply({key: self._decision(record, action, value, note)})[0]

    def bulk(self, filt: Filter, action: str) -> tuple[int, int]:
        """One action on every value still left under `filt`: (done, skipped as not applicable)."""
        if action not in ("accept", "suggestion", "reject"):
            raise DecisionError(f"“{action}” cannot be applied in bulk; use accept, suggestion or reject")
        with self.lock:
            left = [r for r in self.items(filt) if r.needs_review]
            if not left:
                raise DecisionError("no value left to decide under this filter")
            decisions = {}
            for r in left:
                try:
                    decisions[r.record_key] = self._decision(r, action, "", "")
                except DecisionError:
                    continue
            if not decisions:
                raise DecisionError(f"none of the {len(left)} values left here has a suggested value")
            self._apply(decisions)
            return len(decisions), len(left) - len(decisions)

    def undo(self) -> list[str]:
        """Take back the last decision (or bulk action): the record and corrections.csv as they were."""
        with self.lock:
            if not self.history:
                raise DecisionError("nothing to undo")
            undo = self.history[-1]
            before = {step.key: step.decision or {c: "" for c in review.DECISION_COLUMNS[1:]} for step in undo}
            current = [copy.deepcopy(self.by_key[step.key]) for step in undo]
            self._restore(undo)
            try:
                self.source.write(self.records, before)
            except PermissionError:
                self._restore([_Undo(r.record_key, r, {}) for r in current])
                raise DecisionError("corrections.csv is open in another program (Excel?) and cannot be "
                                    "written: close it and try again; nothing was changed") from None
            self.history.pop()
            self.decided.update(before)
            return [step.key for step in undo]
