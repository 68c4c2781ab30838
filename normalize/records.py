"""Build the records of one document from its located tables.

One record per value cell: per row and per value column of an assessment table,
per row of a compliance table (its 是否达标 cell, and its 数值 cell if it has
one). Every doubt becomes a flag with a reason; nothing is dropped.
"""
from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

import regex

from ecopark.schemas import catalogue
from ecopark.schemas.catalogue import normalize_unit
from ecopark.schemas.grid import Location
from ecopark.schemas.records import Record
from ecopark.schemas.review import OCR_REVIEW_BELOW

from . import match as matcher
from . import numbers
from .metadata import Facts, YearFact, heading_year, table_base_year
from .rows import RawRow, read_rows
from .tables import LocatedTable, ValueColumn

OCR_CONFIDENCE_FLOOR = OCR_REVIEW_BELOW


_FILENAME_YEAR = regex.compile(r"(?<![0-9A-Za-z])(20[0-4]\d)(?![0-9A-Za-z])")


def _table_year(table: LocatedTable, facts: Facts, source_file: str) -> tuple[YearFact, str]:
    """The year a table's single value column belongs to, and why, when it had to be inferred."""
    for fact in (table_base_year(table.context), heading_year(table.context), facts.base_year, facts.report_year):
        if fact.known:
            return fact, ""
    named = _FILENAME_YEAR.findall(PurePosixPath(source_file).name)
    if len(set(named)) == 1:
        return YearFact(int(named[0])), f"no data year printed; {named[0]} is taken from the file name"
    if facts.filed_year.value:
        year = facts.filed_year.value - 1
        return YearFact(year), f"no data year printed; {year} is the filing year (填报时间) minus one"
    return YearFact(), ""


def records(tables: list[LocatedTable], facts: Facts, source_file: str, fmt: str = "") -> list[Record]:
    out: list[Record] = []
    keys: Counter = Counter()
    for table in tables:
        year, inferred = _table_year(table, facts, source_file)
        used: dict[int, set[str]] = {}
        for raw in read_rows(table):
            m = matcher.match(raw.name, number=raw.number, unit=raw.unit, requirement=raw.requirement,
                              assessed=raw.assessed, indicators_only=table.kind == "compliance",
                              used=used.setdefault(0, set()))
            if m.entry:
                used[0].add(m.entry.id)
            columns = list(enumerate(table.values)) or [(None, None)]
            for k, column in columns:
                cell = raw.values[k][1] if k is not None else None
                rec = _record(table, raw, m, column, cell, year, inferred, facts, source_file, fmt)
                key = f"{source_file}|{table.kind}|{rec.indicator_id or 'name:' + rec.name_raw}|{rec.column_label}"
                rec.record_key = f"{key}|{keys[key]}"
                if keys[key] and rec.indicator_id:
                    rec.flag("DUPLICATE_ROW", f"{rec.indicator_id} appears more than once for {rec.column_label}")
                keys[key] += 1
                out.append(rec)
    return out


def _record(table: LocatedTable, raw: RawRow, m: matcher.Match, column: ValueColumn | None, cell,
            year: YearFact, inferred: str, facts: Facts, source_file: str, fmt: str) -> Record:
    label = matcher.normalize_label(raw.name)
    rec = Record(
        source_file=source_file, table_kind=table.kind, name_raw=raw.name,
        value_raw=cell.text if cell is not None else "", park_name=facts.park_name,
        category_raw=raw.category, number_raw=raw.number, unit_raw=raw.unit,
        requirement_raw=raw.requirement, assessed_raw=raw.assessed, compliant_raw=raw.compliant,
        assessed=numbers.yes_no(raw.assessed), compliant_reported=numbers.yes_no(raw.compliant),
        label_year=label.year, table_index=table.number, row_index=raw.position + 1, format=fmt,
        column_label=column.label if column else "是否达标",
    )
    loc: Location = cell.loc if cell is not None else (raw.compliant_loc or raw.loc)
    rec.loc, rec.location = loc, loc.describe()
    header = table.header.cell(column.index if column else table.roles.get("compliant"))
    rec.header_loc = header.loc if header is not None else None
    _set_year(rec, column, year, inferred)
    _set_indicator(rec, m, label)
    if column is not None:
        _set_value(rec, raw, cell)
    if cell is not None and cell.stored is not None and not numbers.shows_stored(cell.text, cell.stored):
        rec.flag("DISPLAY_DIFFERS", f"the cell shows '{cell.text}' but stores {cell.stored}")
    if loc.confidence is not None and loc.confidence < OCR_CONFIDENCE_FLOOR:
        rec.flag("OCR_LOW_CONFIDENCE", f"OCR confidence {loc.confidence:.2f} for this cell")
    touched = [name for name, text in (("label", raw.name), ("value", rec.value_raw), ("unit", raw.unit),
                                       ("requirement", raw.requirement)) if "\ufffd" in (text or "")]
    if touched:
        rec.flag("UNDECODED_BYTES", f"undecodable bytes (\ufffd) in the {' and '.join(touched)} of this row")
    return rec


def _set_year(rec: Record, column: ValueColumn | None, year: YearFact, inferred: str) -> None:
    fact = column.year if column is not None and column.year.known else year
    if column is not None and column.year.known:
        inferred = ""
    rec.data_year = fact.value
    if fact.masked:
        rec.flag("YEAR_MASKED")
    elif inferred:
        rec.flag("YEAR_INFERRED", inferred)


def _set_indicator(rec: Record, m: matcher.Match, label: matcher.Label) -> None:
    rec.match_score = m.score
    if m.entry is None:
        rec.flag("UNMATCHED", f"'{rec.name_raw}' matches no catalogue name (best score {m.score:.0f})")
        rec.unit = normalize_unit(rec.unit_raw)
        return
    rec.indicator_id, rec.indicator_name, rec.unit = m.entry.id, m.entry.name_zh, m.entry.unit
    if m.how == "fuzzy":
        if m.score < matcher.FUZZY_ACCEPT:
            rec.flag("LOW_MATCH_SCORE", f"'{rec.name_raw}' taken as {m.entry.id} {m.entry.name_zh} (score {m.score:.0f})")
        else:
            rec.flag("FUZZY_MATCH")
    if m.ambiguous:
        rec.flag("MATCHED_BY_POSITION")


def _set_value(rec: Record, raw: RawRow, cell) -> None:
    value = numbers.parse(rec.value_raw)
    assessed = rec.assessed in ("yes", "mandatory")
    if cell is None and raw.truncated:
        rec.flag("TRUNCATED", "the document ends before this row's value")
    if value.kind in ("missing", "empty"):
        if assessed or (cell is None and raw.truncated):
            rec.flag("MISSING", f"assessed ({raw.assessed}) but no value is printed" if assessed
                     else "the value cell is missing")
        return
    if value.kind == "masked":
        rec.masked_digits = value.masked_digits
        rec.flag("MASKED", f"{value.masked_digits} digit(s) hidden in '{rec.value_raw}'")
        return
    if value.kind == "malformed":
        rec.flag("MALFORMED", f"'{rec.value_raw}' is not a number")
        return
    if value.kind == "text":
        rec.value_text = value.text
        if not numbers.is_category(value):
            rec.flag("TEXT_VALUE", f"'{rec.value_raw}' is text where a value was expected")
        return
    number = value.number
    unit = value.unit or raw.unit
    if rec.indicator_id:
        factor = catalogue.load().conversion(rec.unit, unit) if unit else 1.0
        if factor is None:
            if normalize_unit(unit) != "—" and normalize_unit(rec.unit) != "—":
                rec.flag("UNIT_UNKNOWN", f"unit '{unit}' cannot be converted to '{rec.unit}'")
        elif factor != 1.0:
            number *= factor
            rec.flag("UNIT_CONVERTED", f"{rec.value_raw} {unit} = {number:g} {rec.unit}")
    rec.value = round(number, 10)
