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
from .metadata import Facts, YearFact, table_base_year, title_year
from .rows import RawRow, read_rows
from .tables import LocatedTable, ValueColumn

OCR_CONFIDENCE_FLOOR = OCR_REVIEW_BELOW


_FILENAME_YEAR = regex.compile(r"(?<![0-9A-Za-z])(20[0-4]\d)(?![0-9A-Za-z])")
# labels that carry a year a fixed distance before the data year ("2019年工业增加值" in a 2022 table)
LABEL_YEAR_OFFSETS = {"I03.iva_three_years_earlier": 3, "I09.industrial_land_area_three_years_earlier": 3}


def _label_years(rows: list[tuple[RawRow, matcher.Match]]) -> tuple[int | None, str]:
    """The data year the rows' label years point to, and the labels that say so."""
    found: dict[int, list[str]] = {}
    for raw, m in rows:
        offset = LABEL_YEAR_OFFSETS.get(m.entry.id) if m.entry else None
        year = matcher.normalize_label(raw.label).year
        if offset and year:
            found.setdefault(year + offset, []).append("".join(raw.name.split()))
    if len(found) != 1:
        return None, ""
    (year, labels), = found.items()
    return year, "、".join(labels)


def _table_year(table: LocatedTable, facts: Facts, source_file: str,
                label_year: tuple[int | None, str]) -> tuple[YearFact, str]:
    """The year of a table's value columns without a year of their own, and why, when inferred.

    Printed first: the table's title, 数据基准年 (above the table, then anywhere), the report's
    year. Inferred after: label years, the file name, the filing date. Nothing: an empty year
    with a reason that sends the records to review."""
    for fact in (title_year(table.context), table_base_year(table.context), facts.base_year, facts.report_year):
        if fact.known:
            return fact, ""
    year, labels = label_year
    if year:
        return YearFact(year), f"no data year printed; {year} from the label years ({labels}: three years before the data year)"
    named = _FILENAME_YEAR.findall(PurePosixPath(source_file).name)
    if len(set(named)) == 1:
        return YearFact(int(named[0])), f"no data year printed; {named[0]} is taken from the file name"
    if facts.filed_year.value:
        year = facts.filed_year.value - 1
        return YearFact(year), f"no data year printed; {year} is the filing year (填报时间) minus one"
    return YearFact(), ""


def _planned(column: ValueColumn, facts: Facts) -> bool:
    """A year column later than the filing year holds targets, not data ('2025年' in a report filed
    in 2023): no data of that year can exist yet."""
    filed = facts.filed_year.value
    return bool(filed and column.year.value and column.year.value > filed)


def _masks_digits(rows: list[RawRow]) -> bool:
    """Whether a table hides digits with '*' (then a '*' after a number is masking, not a note)."""
    for raw in rows:
        if "*" in raw.name or "*" in raw.number:
            return True
        for _, cell in raw.values:
            text = numbers.split_mark(cell.text, star_is_mark=True)[0] if cell is not None else ""
            if "*" in text:
                return True
    return False


def records(tables: list[LocatedTable], facts: Facts, source_file: str, fmt: str = "") -> list[Record]:
    out: list[Record] = []
    keys: Counter = Counter()
    read = []
    for table in tables:
        used: set[str] = set()
        rows = []
        for raw in read_rows(table):
            m = matcher.match(raw.label, number=raw.number, unit=raw.unit, requirement=raw.requirement,
                              assessed=raw.assessed, indicators_only=table.kind == "compliance", used=used)
            if m.entry:
                used.add(m.entry.id)
            rows.append((raw, m))
        read.append((table, rows))
    label_year = _label_years([pair for _, rows in read for pair in rows])
    for table, rows in read:
        year, inferred = _table_year(table, facts, source_file, label_year)
        star_is_mark = not _masks_digits([raw for raw, _ in rows])
        columns = [(k, c) for k, c in enumerate(table.values) if not _planned(c, facts)]
        if not table.values:
            columns = [(None, None)]
        for raw, m in rows:
            for k, column in columns:
                cell = raw.values[k][1] if k is not None else None
                rec = _record(table, raw, m, column, cell, year, inferred, facts, source_file, fmt, star_is_mark)
                key = f"{source_file}|{table.kind}|{rec.indicator_id or 'name:' + rec.name_raw}|{rec.column_label}"
                rec.record_key = f"{key}|{keys[key]}"
                if keys[key] and rec.indicator_id:
                    rec.flag("DUPLICATE_ROW", f"{rec.indicator_id} appears more than once for {rec.column_label}")
                keys[key] += 1
                out.append(rec)
    return out


def _record(table: LocatedTable, raw: RawRow, m: matcher.Match, column: ValueColumn | None, cell,
            year: YearFact, inferred: str, facts: Facts, source_file: str, fmt: str,
            star_is_mark: bool) -> Record:
    label = matcher.normalize_label(raw.label)
    rec = Record(
        source_file=source_file, table_kind=table.kind, name_raw=raw.name,
        value_raw=cell.text if cell is not None else "", park_name=facts.park_name,
        category_raw=raw.category, number_raw=raw.number, unit_raw=raw.unit,
        requirement_raw=raw.requirement, assessed_raw=raw.assessed, compliant_raw=raw.compliant,
        assessed=numbers.yes_no(raw.assessed), compliant_reported=numbers.yes_no(raw.compliant),
        label_year=label.year, table_index=table.number, row_index=raw.position + 1, format=fmt,
        column_label=column.label if column else "是否达标", name_mark=label.mark,
    )
    if rec.compliant_reported not in ("yes", "no") and numbers.parse(raw.compliant).kind not in ("missing", "empty"):
        # read as nothing, the cell would look unprinted (a glyph OCR took from the label beside it)
        rec.flag("COMPLIANT_TEXT", f"是否达标 printed as '{raw.compliant.strip()}': neither yes nor no")
    loc: Location = cell.loc if cell is not None else (raw.compliant_loc or raw.loc)
    rec.loc, rec.location = loc, loc.describe()
    header = table.header.cell(column.index if column else table.roles.get("compliant"))
    rec.header_loc = header.loc if header is not None else None
    _set_year(rec, column, year, inferred)
    _set_indicator(rec, m, label)
    if column is not None:
        _set_value(rec, raw, cell, star_is_mark)
    elif table.kind == "assessment":  # a header misread or of words we do not know: every value would be empty
        rec.flag("NO_VALUE_COLUMN", "the table's header names no value column (数值, a year), so no value was read")
    if cell is not None and cell.stored is not None and not numbers.shows_stored(cell.text, cell.stored):
        rec.flag("DISPLAY_DIFFERS", f"the cell shows '{cell.text}' but stores {cell.stored}")
    if loc.confidence is not None and loc.confidence < OCR_CONFIDENCE_FLOOR:
        if cell is not None:
            rec.ocr_doubts, rec.ocr_readings = tuple(cell.doubts), tuple(cell.readings)
        rec.flag("OCR_LOW_CONFIDENCE", ocr_reason(rec, loc.confidence))
    touched = [name for name, text in (("label", raw.name), ("value", rec.value_raw), ("unit", raw.unit),
                                       ("requirement", raw.requirement)) if "\ufffd" in (text or "")]
    if touched:
        rec.flag("UNDECODED_BYTES", f"undecodable bytes (\ufffd) in the {' and '.join(touched)} of this row")
    return rec


def ocr_reason(rec: Record, confidence: float) -> str:
    """Why OCR doubts the value cell, and what else it may say."""
    said = list(rec.ocr_doubts)
    if rec.ocr_readings:
        others = " or ".join(f"'{t}'" for t in rec.ocr_readings)
        said.append(f"the scan may also read {others} for '{rec.value_raw.strip()}'")
    if not said:
        return f"OCR confidence {confidence:.2f} for this cell"
    return f"OCR confidence {confidence:.2f}: " + "; ".join(said)


def _set_year(rec: Record, column: ValueColumn | None, year: YearFact, inferred: str) -> None:
    fact = column.year if column is not None and column.year.known else year
    if column is not None and column.year.known:
        inferred = ""
    rec.data_year = fact.value
    if fact.masked:
        rec.flag("YEAR_MASKED")
    elif inferred:
        rec.flag("YEAR_INFERRED", inferred)
    elif fact.value is None:
        rec.flag("YEAR_UNKNOWN", "no data year is printed (column, table title, 数据基准年, report title) and none "
                                 "can be inferred (label years, file name, 填报时间)")


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
    elif m.how == "prefix":
        rec.flag("LOW_MATCH_SCORE", f"'{rec.name_raw}' is cut short; taken as {m.entry.id} {m.entry.name_zh}, the "
                                    "only entry it opens that fits the row's 序号, kind and unit")
    if m.ambiguous:
        rec.flag("MATCHED_BY_POSITION")


def _set_value(rec: Record, raw: RawRow, cell, star_is_mark: bool = True) -> None:
    value = numbers.parse(rec.value_raw, star_is_mark=star_is_mark)
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
    rec.value_mark, rec.value_decimals, rec.value_percent = value.mark, value.decimals, value.percent
    number, unit, why = _in_row_unit(value, raw.unit or rec.unit)
    if why:
        rec.flag("UNIT_UNKNOWN", why)
    elif rec.indicator_id and unit:
        factor = catalogue.load().conversion(rec.unit, unit)
        if factor is None:
            if normalize_unit(unit) != "—" and normalize_unit(rec.unit) != "—":
                rec.flag("UNIT_UNKNOWN", f"unit '{unit}' cannot be converted to '{rec.unit}'")
        else:
            number *= factor
    scale = number / value.number if value.number else 1.0
    if value.number and abs(scale - 1.0) > 1e-12:
        rec.value_scale = scale
        if "UNIT_UNKNOWN" not in rec.flags:
            rec.flag("UNIT_CONVERTED", f"{rec.value_raw.strip()} ({_printed_unit(value, raw.unit)}) = "
                                       f"{number:.10g} {rec.unit}: factor {scale:.10g}")
    rec.value = round(number, 10)


def _in_row_unit(value: numbers.Value, row_unit: str) -> tuple[float, str, str]:
    """(number, unit, doubt) of a parsed cell: a 万/亿 written into the cell is applied here.

    "21.73万" in a 吨 row is 217300 吨; "259.5亿" in a 万元 row is 2595000 万元; "21.73万" in a
    万吨 row repeats the row's 万 (21.73 万吨). A multiplier in a % or dimensionless row has no
    meaning the row can give: that is the doubt."""
    if value.multiplier == 1.0:
        return value.number, value.unit or row_unit, ""
    if value.unit:  # "5万个": the cell names its own unit after the multiplier
        return value.number * value.multiplier, value.unit, ""
    unit = normalize_unit(row_unit)
    if unit in ("%", "—", ""):
        return value.number * value.multiplier, "", (f"a multiplier ({_word(value.multiplier)}) in a value whose "
                                                      f"unit is '{row_unit or '—'}'")
    prefix = next((f for w, f in numbers.MULTIPLIERS.items() if unit.startswith(w)), 1.0)
    if prefix == value.multiplier:
        return value.number, row_unit, ""
    return value.number * value.multiplier / prefix, row_unit, ""


def _word(multiplier: float) -> str:
    return next(w for w, f in numbers.MULTIPLIERS.items() if f == multiplier)


def _printed_unit(value: numbers.Value, row_unit: str) -> str:
    words = (_word(value.multiplier) if value.multiplier != 1.0 else "") + (value.unit or "")
    return f"{words} in a {row_unit} row" if words and row_unit and not value.unit else (words or row_unit or "—")
