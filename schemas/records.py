"""The record type of OUTPUT.md: one value cell of an indicator table.

`CONTRACT_COLUMNS` are fixed by the output contract, in its order; the rest are
extra columns the contract welcomes (they help a reviewer and the checks).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ecopark.schemas import flags as flagcodes
from ecopark.schemas.grid import Location

CONTRACT_COLUMNS = [
    "source_file", "table_kind", "park_name", "data_year", "indicator_id", "name_raw",
    "value_raw", "value", "value_text", "unit", "assessed", "compliant_reported",
    "flags", "needs_review", "location",
]

EXTRA_COLUMNS = [
    "record_key", "indicator_name", "column_label", "label_year", "match_score",
    "category_raw", "number_raw", "unit_raw", "requirement_raw", "assessed_raw",
    "compliant_raw", "masked_digits", "compliant_computed", "suggestion", "suggested_value", "reasons",
    "reviewed", "decision", "table_index", "row_index", "format", "planning_base_year", "planning_base_source",
    "location_json", "header_location_json",
    "name_mark", "value_mark", "value_decimals", "value_percent", "value_scale",
]

COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS


@dataclass
class Record:
    source_file: str
    table_kind: str
    name_raw: str
    value_raw: str
    park_name: str = ""
    data_year: int | None = None
    indicator_id: str = ""
    value: float | None = None
    value_text: str = ""
    unit: str = ""
    assessed: str = ""             # yes / no / mandatory / ""
    compliant_reported: str = ""   # yes / no / ""
    flags: set[str] = field(default_factory=set)
    location: str = ""
    # extras
    record_key: str = ""
    indicator_name: str = ""
    column_label: str = ""         # "数值", "2016年", "是否达标"
    label_year: int | None = None  # a year printed in the row label ("2019年工业增加值")
    match_score: float | None = None
    category_raw: str = ""
    number_raw: str = ""
    unit_raw: str = ""
    requirement_raw: str = ""
    assessed_raw: str = ""
    compliant_raw: str = ""
    masked_digits: int | None = None
    compliant_computed: str = ""   # yes / no / "" from the requirement and the value
    suggestion: str = ""           # a ranked repair suggestion for a malformed/masked value
    suggested_value: float | None = None  # the suggestion's first reading as a number, in `unit`
    reasons: list[str] = field(default_factory=list)  # one sentence per flag that needs explaining
    reviewed: bool = False
    decision: str = ""             # accept / correct / reject, from the corrections file
    table_index: int = 0
    row_index: int = 0
    format: str = ""
    # where the value cell and its column's header cell sit, structured (`location` is the text of `loc`):
    # crops and the review app read page and bbox from these, never from the text
    loc: Location | None = None
    header_loc: Location | None = None
    crop: str = ""                 # an image of the row under OUT_DIR (ecopark.crops), for review; no column
    # the value cell's OCR doubts and other readings (grid.Cell.doubts/readings), weighed by
    # normalize.ocr against the unit and the formulas; no column (reasons say what became of them)
    ocr_doubts: tuple[str, ...] = ()
    ocr_readings: tuple[str, ...] = ()
    name_mark: str = ""            # a footnote mark printed after the name ("ᵃ", "a", "※"), taken off for matching
    value_mark: str = ""           # a footnote mark printed after the number ("8※" → "※")
    value_decimals: int | None = None  # decimals printed, as numbers.parse read them (precision of the checks)
    value_percent: bool = False    # the value was printed with '%'
    value_scale: float = 1.0       # value = printed number × value_scale (万/亿 in the cell, unit conversion)
    planning_base_year: int | None = None  # the document's planning base year, when known
    planning_base_source: str = ""         # "text" (stated) or "data" (fitted to the printed values)

    def flag(self, code: str, reason: str = "") -> None:
        if code not in flagcodes.FLAGS:
            raise KeyError(code)
        self.flags.add(code)
        if reason:
            self.reasons.append(f"{code}: {reason}")

    @property
    def needs_review(self) -> bool:
        if self.reviewed:
            return False
        return flagcodes.forces_review(self.flags)

    def as_row(self) -> dict:
        """A flat dict in COLUMNS order; `needs_review` and `reviewed` are real booleans (CSV
        writes them `true`/`false`, as the contract says)."""
        row = {}
        for name in COLUMNS:
            if name == "flags":
                row[name] = flagcodes.join(self.flags)
            elif name == "needs_review":
                row[name] = self.needs_review
            elif name == "reasons":
                row[name] = " | ".join(self.reasons)
            elif name in _LOCATION_COLUMNS:
                loc = getattr(self, _LOCATION_COLUMNS[name])
                row[name] = loc.as_json() if loc is not None else ""
            else:
                row[name] = getattr(self, name)
        return row


_LOCATION_COLUMNS = {"location_json": "loc", "header_location_json": "header_loc"}
LOCATION_FIELDS = tuple(_LOCATION_COLUMNS.values())   # Record fields that hold a Location

