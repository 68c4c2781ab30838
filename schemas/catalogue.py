"""The HJ 274-2015 indicator catalogue as data.

The spec CSV is copied unchanged into `data/`; aliases (name variants seen in
real reports) and unit conversions live beside it as CSV so that adding a
variant is a data change, not a code change.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

import regex
from rapidfuzz import fuzz, process

from .text import fold, is_dash

YEAR_PLACEHOLDER = "{year}"


@dataclass(frozen=True)
class Entry:
    id: str
    number: int
    category: str
    kind: str                 # "indicator" or "component"
    name_zh: str
    unit: str
    requirement: str
    mandatory: bool
    name_en: str
    aliases: tuple[str, ...] = field(default=())

    @property
    def is_indicator(self) -> bool:
        return self.kind == "indicator"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_zh, *self.aliases)


def _flat_label(label: str) -> str:
    """A label as names are compared: folded, a printed year as {year}, no trailing footnote letter."""
    return regex.sub(r"^(?:\d{4}|\*{4})年", YEAR_PLACEHOLDER + "年", regex.sub(r"[a-z]$", "", fold(label)))


class Catalogue:
    """All catalogue rows, in the spec's order, with lookups the matcher needs."""

    def __init__(self, entries: list[Entry], conversions: dict[tuple[str, str], float]):
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.conversions = conversions

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.by_id[entry_id]

    def closest(self, label: str, cutoff: float = 80) -> Entry | None:
        """The entry whose name (or an alias) a label most likely is, or None below `cutoff`.

        Approximate on purpose, for text that may be misread (OCR): the label is folded
        (NFKC, no spaces, simplified characters), a printed year stands for the
        catalogue's {year} and a trailing footnote letter is dropped, and names are compared by edit ratio."""
        flat = _flat_label(label)
        if len(flat) < 3:
            return None
        names, owners = self._flat_names
        hit = process.extractOne(flat, names, scorer=fuzz.ratio, score_cutoff=cutoff)
        return owners[hit[2]] if hit else None

    def ratios(self, label: str) -> list[tuple[float, Entry]]:
        """(edit ratio of the closest of its names, entry) for every entry, the label flattened as
        `closest` does; [] for a label under three characters."""
        flat = _flat_label(label)
        if len(flat) < 3:
            return []
        names, owners = self._flat_names
        best: dict[str, tuple[float, Entry]] = {}
        for score, entry in zip(process.cdist([flat], names, scorer=fuzz.ratio)[0], owners):
            if score > best.get(entry.id, (-1.0, entry))[0]:
                best[entry.id] = (float(score), entry)
        return list(best.values())

    @cached_property
    def _flat_names(self) -> tuple[list[str], list[Entry]]:
        pairs = [(fold(n), e) for e in self.entries for n in e.names]
        return [n for n, _ in pairs], [e for _, e in pairs]

    def conversion(self, catalogue_unit: str, report_unit: str) -> float | None:
        """Factor that turns a value in `report_unit` into `catalogue_unit`; 1.0 when they agree."""
        a, b = normalize_unit(catalogue_unit), normalize_unit(report_unit)
        if a == b:
            return 1.0
        return self.conversions.get((a, b))


_UNIT_SPELLINGS = [
    (regex.compile(r"m3|m³|M3"), "立方米"),
    (regex.compile(r"km2|km²|Km2|KM2"), "平方公里"),
    (regex.compile(r"平方千米"), "平方公里"),
    (regex.compile(r"吨标准煤|tce"), "吨标煤"),
    (regex.compile(r"(?<![a-zA-Z])kg(?![a-zA-Z])"), "千克"),
    (regex.compile(r"(?<![a-zA-Z])t(?![a-zA-Z])"), "吨"),
    (regex.compile(r"人次"), "人"),
]

DIMENSIONLESS = {"", "/", "无", "—/—"}


@lru_cache(maxsize=1024)
def normalize_unit(text: str) -> str:
    """One spelling per unit: NFKC, no spaces, simplified characters, common Latin abbreviations in Chinese."""
    u = fold(text)
    for pattern, repl in _UNIT_SPELLINGS:
        u = pattern.sub(repl, u)
    if u in DIMENSIONLESS or is_dash(u):
        return "—"
    return u


def _data(name: str):
    return resources.files("ecopark.schemas").joinpath("data", name).open(encoding="utf-8")


@lru_cache(maxsize=1)
def load() -> Catalogue:
    aliases: dict[str, list[str]] = {}
    with _data("aliases.csv") as f:
        for row in csv.DictReader(f):
            aliases.setdefault(row["id"], []).append(row["alias"])
    entries = []
    with _data("hj274_2015_indicators.csv") as f:
        for row in csv.DictReader(f):
            entries.append(
                Entry(
                    id=row["id"],
                    number=int(row["number"]),
                    category=row["category"],
                    kind=row["kind"],
                    name_zh=row["name_zh"],
                    unit=row["unit"],
                    requirement=row["requirement"],
                    mandatory=row["mandatory"] == "必选",
                    name_en=row["name_en"],
                    aliases=tuple(aliases.pop(row["id"], [])),
                )
            )
    if aliases:
        raise ValueError(f"aliases.csv names ids not in the catalogue: {sorted(aliases)}")
    conversions = {}
    with _data("units.csv") as f:
        for row in csv.DictReader(f):
            key = (normalize_unit(row["catalogue_unit"]), normalize_unit(row["report_unit"]))
            conversions[key] = float(row["factor"])
    return Catalogue(entries, conversions)
