"""What a reviewer needs beside one value, taken from the other records of its document.

- the indicator's other rows (the other table, the other year columns);
- the components a formula check used (`normalize.formulas` knows which), with their values,
  or — for a component — the indicators whose formulas use it;
- the surrounding rows of its table, rebuilt from the records of that table (one record per
  value cell, each carrying its row's raw label, unit, requirement and 是否为考核指标 cells), for
  DOCX and text sources, which have no page image.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ecopark.normalize.formulas import BY_INDICATOR, formulas_using
from ecopark.schemas import catalogue
from ecopark.schemas.records import Record

AROUND = 3   # rows shown above and below the value's row


def _main(indicator_id: str) -> str:
    return indicator_id.split(".")[0]


def _same_document(record: Record, records: list[Record]) -> list[Record]:
    return [r for r in records if r.source_file == record.source_file]


def indicator_rows(record: Record, records: list[Record]) -> list[Record]:
    """The other records of the same indicator id in the same document (every table and year)."""
    if not record.indicator_id:
        return []
    return [r for r in _same_document(record, records)
            if r.indicator_id == record.indicator_id and r is not record]


@dataclass
class Component:
    indicator_id: str
    name: str
    record: Record | None      # the printed component, or None when the report does not print it


@dataclass
class FormulaUse:
    indicator: str             # the indicator the formula computes
    text: str                  # the standard's reading
    printed: Record | None     # the indicator as printed, for the same year
    components: list[Component] = field(default_factory=list)


def formula_uses(record: Record, records: list[Record]) -> list[FormulaUse]:
    """The formulas that involve this value, each with its components' values for the same year."""
    if not record.indicator_id:
        return []
    main = _main(record.indicator_id)
    formulas = [BY_INDICATOR[main]] if record.indicator_id == main and main in BY_INDICATOR \
        else formulas_using(record.indicator_id)
    year = [r for r in _same_document(record, records) if r.data_year == record.data_year]
    printed_by_id: dict[str, Record] = {}   # one record per id: the first with a number, else the first
    for r in year:
        have = printed_by_id.get(r.indicator_id)
        if r.indicator_id and (have is None or (have.value is None and r.value is not None)):
            printed_by_id[r.indicator_id] = r
    cat = catalogue.load()
    out = []
    for formula in formulas:
        names = sorted(formula.components)
        comps = [Component(c, cat.by_id[c].name_zh if c in cat.by_id else "", printed_by_id.get(c)) for c in names]
        out.append(FormulaUse(formula.indicator, formula.readings[0].text, printed_by_id.get(formula.indicator), comps))
    return out


@dataclass
class TableView:
    columns: list[str]                    # 序号, 指标, 单位, 要求, 是否为考核指标, then the value columns
    rows: list[tuple[bool, list[str]]]    # (is the value's row, cells)
    value_column: int                     # index into columns of the value's column


def surrounding_rows(record: Record, records: list[Record], around: int = AROUND) -> TableView | None:
    """The value's row and its neighbours, as the table printed them."""
    table = [r for r in _same_document(record, records)
             if r.table_index == record.table_index and r.table_kind == record.table_kind]
    if not table:
        return None
    value_labels: list[str] = []
    by_row: dict[int, dict] = {}
    for r in table:
        if r.column_label not in value_labels:
            value_labels.append(r.column_label)
        row = by_row.setdefault(r.row_index, {"first": r, "values": {}})
        row["values"][r.column_label] = r.value_raw
    wanted = [i for i in sorted(by_row) if abs(i - record.row_index) <= around]
    columns = ["序号", "指标", "单位", "要求", "是否为考核指标"] + value_labels
    rows = []
    for i in wanted:
        first = by_row[i]["first"]
        cells = [first.number_raw, first.name_raw, first.unit_raw, first.requirement_raw, first.assessed_raw]
        cells += [by_row[i]["values"].get(label, "") for label in value_labels]
        rows.append((i == record.row_index, cells))
    return TableView(columns, rows, 5 + value_labels.index(record.column_label))
