"""The review queue over one OUT_DIR: which records, in which order, and the decisions made on them.

The records and decisions live in the store of OUT_DIR (`ecopark.store`): the
records as extracted, and every decision ever made. A decision made here goes
at once into the store and into corrections.csv (`review.decide_many`), so the
Excel path keeps working both ways: a decision typed in Excel shows here after
the next ingest or `ecopark apply`, and one made here is in the file. What the
queue shows of a record is always its extracted state with its latest
decision applied, so an undo (a new decision restoring the one before) is exact.
"""
from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass, fields
from pathlib import Path

from ecopark import review
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record
from ecopark.store import Decision, Store

ACTIONS = ("accept", "suggestion", "correct", "reject")
STATUSES = ("all", "left", "reviewed")
BLANK = ("", "", "")   # decision, corrected_value, note: a decision taken back


class DecisionError(ValueError):
    """A decision that cannot be taken; the message is shown to the reviewer and nothing changed."""


class StoreSource:
    """The store of OUT_DIR, opened for each read or write (short transactions, any thread)."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        if not Store.exists(self.out_dir):
            raise FileNotFoundError(f"{self.out_dir} holds no ecopark store: run `ecopark ingest INPUT_DIR "
                                    f"--out {self.out_dir}` first")

    def stamp(self) -> tuple:
        """Changes whenever a run or `ecopark apply` rebuilt the outputs (records.csv is put in place
        anew each time; the store's own mark has a one-second grain)."""
        with Store.open(self.out_dir) as store:
            mark = store.meta("outputs") or ""
        try:
            st = (self.out_dir / "records.csv").stat()
            return mark, st.st_ino, st.st_mtime_ns
        except OSError:
            return mark, None, None

    def load(self) -> tuple[list[Record], dict[str, Decision], dict[str, Path]]:
        """The records as extracted, the latest decision per key, and where each source file is."""
        with Store.open(self.out_dir) as store:
            records = store.records(decided=False)
            root = store.meta("input_root") or ""
            sources = {e.source_file: Path(root) / os.fsdecode(e.path) for e in store.dataset() if not e.skipped}
            return records, store.decisions(), sources

    def write(self, decisions: dict[str, tuple[str, str, str]]) -> tuple[dict[str, Decision], bool]:
        made, written = review.decide_many(self.out_dir, [(k,) + v for k, v in decisions.items()], origin="app")
        return {d.record_key: d for d in made}, written


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
    before: tuple[str, str, str]    # the decision, corrected value and note it had ("" when none)


LOCKED = ("saved in the store; corrections.csv is open in another program (Excel?) and will show it "
          "after you close it and run `ecopark apply`")


class ReviewQueue:
    def __init__(self, out_dir: str | Path, source: StoreSource | None = None):
        self.out_dir = Path(out_dir)
        self.source = source or StoreSource(self.out_dir)
        self.lock = threading.RLock()
        self.warning = ""
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        self.stamp = self.source.stamp()
        extracted, self.decided, self.sources = self.source.load()
        self.extracted = {r.record_key: r for r in extracted if r.record_key}
        self.records = [copy.deepcopy(r) for r in extracted]
        review.apply_decisions(self.records, self.decided)
        self.by_key = {r.record_key: r for r in self.records if r.record_key}
        self.order = {r.record_key: i for i, r in enumerate(self.records)}
        self.history: list[list[_Undo]] = []

    def refresh(self) -> bool:
        """Reload when another run (or `ecopark apply`) rebuilt the outputs; True when it did."""
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

    def options(self) -> dict[str, list]:
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

    def _decision(self, record: Record, action: str, value: str, note: str) -> tuple[str, str, str]:
        """(decision, corrected_value, note) for an action, or DecisionError."""
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
            problem = review.correction_problem(self.extracted[record.record_key], value)
            if problem:
                raise DecisionError(f"not changed: {problem}")
        else:
            value = ""
        return action, value, note or ""

    def _show(self, key: str) -> None:
        """The record as extracted with its latest decision, in place (the queue's objects stay)."""
        fresh = copy.deepcopy(self.extracted[key])
        review.apply_decisions([fresh], {key: self.decided[key]} if key in self.decided else {})
        record = self.by_key[key]
        for f in fields(Record):
            setattr(record, f.name, getattr(fresh, f.name))

    def _write(self, decisions: dict[str, tuple[str, str, str]]) -> None:
        made, written = self.source.write(decisions)
        self.decided.update(made)
        for key in decisions:
            self._show(key)
        self.warning = "" if written else LOCKED

    def _typed(self, key: str) -> tuple[str, str, str]:
        d = self.decided.get(key)
        return (d.decision, d.corrected_value, d.note) if d else BLANK

    def _apply(self, decisions: dict[str, tuple[str, str, str]]) -> list[Record]:
        undo = [_Undo(key, self._typed(key)) for key in decisions]
        self._write(decisions)
        self.history.append(undo)
        return [self.by_key[k] for k in decisions]

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
                raise DecisionError(f"none of the {len(left)} values left here has a usable suggested value")
            self._apply(decisions)
            return len(decisions), len(left) - len(decisions)

    def undo(self) -> list[str]:
        """Take back the last decision (or bulk action) made here: each record gets the decision it had
        before, as a new decision in the store (nothing is deleted) and in corrections.csv."""
        with self.lock:
            if not self.history:
                raise DecisionError("nothing to undo")
            undo = self.history.pop()
            self._write({step.key: step.before for step in undo})
            return [step.key for step in undo]
