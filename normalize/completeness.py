"""Indicators a table should list but whose rows were not read: a flagged record each.

Both tables of HJ 274-2015, the 对照考核表 and the 标准达标情况 table, list all 32
indicators. When a document's table gives most of them for a year but not some,
those rows were lost on the way (a row the page layout cut open, a line OCR
missed, a label no name matches) or were not printed. Either way the dataset
would be missing values without saying so; instead each absent indicator gets a
record with no value, flagged NOT_READ, with the table and the neighbouring
rows in its reason, so that a person looks at the source. The long form's inputs
(工业增加值, COD排放量 …) are treated the same way among themselves.

Only tables that read at least READ_MOST of the indicators count: a table that
gave a handful of rows is something else (an excerpt, a table of another
standard), and its absences say nothing.

A whole table can be lost too (printed as a picture, or in a layout no reader
follows): when a report heads a table of one kind ("三、国家生态工业示范园区标准达标情况")
and gives the other kind's table but not this one, each of its indicators gets
such a record (`lost_tables`).
"""
from __future__ import annotations

from collections import Counter

from ecopark.schemas import catalogue
from ecopark.schemas.grid import Document, Location, Paragraph
from ecopark.schemas.records import Record
from ecopark.schemas.vocabulary import heading_kind

READ_MOST = 0.5    # share of the standard's indicators a table must have given for a year
YEAR_FLAGS = ("YEAR_MASKED", "YEAR_INFERRED", "YEAR_UNKNOWN")   # the year's doubt, shared by its rows


def not_read(records: list[Record], source_file: str, headed: set[str] = frozenset()) -> list[Record]:
    """A NOT_READ record for each indicator absent from a table kind and year that gave most of them
    (or any of them, when the report heads a table of that kind: then it is no excerpt), and for each
    input (component) absent from a long-form table that gave most of its inputs."""
    entries = list(catalogue.load())
    populations = ([e for e in entries if e.is_indicator], [e for e in entries if not e.is_indicator])
    groups: dict[tuple[str, int | None], list[Record]] = {}
    for rec in records:
        groups.setdefault((rec.table_kind, rec.data_year), []).append(rec)
    out = []
    for (kind, year), group in groups.items():
        present = {r.indicator_id for r in group}
        unmatched = [r.name_raw for r in group if not r.indicator_id]
        for population in populations:
            read = sum(1 for e in population if e.id in present)
            least = 1 if kind in headed and population is populations[0] else READ_MOST * len(population)
            if read < least or read == len(population):
                continue
            for entry in population:
                if entry.id not in present:
                    out.append(_placeholder(entry, kind, year, group, unmatched, source_file, read, len(population)))
    return out


def _placeholder(entry, kind: str, year: int | None, group: list[Record], unmatched: list[str],
                 source_file: str, read: int, total: int) -> Record:
    order = {e.id: i for i, e in enumerate(catalogue.load())}
    # the row printed just before this one (by the standard's order), to say where to look
    before = max((r for r in group if r.indicator_id and order.get(r.indicator_id, -1) < order[entry.id]),
                 key=lambda r: order[r.indicator_id], default=None)
    model = before or group[0]
    label = Counter(r.column_label for r in group).most_common(1)[0][0]
    rec = Record(source_file=source_file, table_kind=kind, name_raw="", value_raw="", park_name=model.park_name,
                 data_year=year, indicator_id=entry.id, indicator_name=entry.name_zh, unit=entry.unit,
                 column_label=label, table_index=model.table_index, format=model.format,
                 planning_base_year=model.planning_base_year, planning_base_source=model.planning_base_source)
    rec.record_key = f"{source_file}|{kind}|{entry.id}|{label}|0"
    where = model.loc
    rec.loc = Location(page=where.page, table=where.table, sheet=where.sheet, part=where.part) if where else None
    rec.location = rec.loc.describe() if rec.loc else ""
    for code in YEAR_FLAGS:
        if code in model.flags:
            rec.flag(code, next((x.split(": ", 1)[1] for x in model.reasons if x.startswith(code + ":")), ""))
    after = f" after {before.indicator_id} {before.indicator_name}" if before else " at its start"
    what = "indicators" if entry.is_indicator else "indicator inputs"
    reason = (f"the {kind} table gives {read} of the standard's {total} {what} for this year but no row of "
              f"{entry.id} {entry.name_zh}: it should stand{after} ({model.location or 'see the table'})")
    if unmatched:
        reason += "; rows whose label matched no indicator: " + ", ".join(f"'{n}'" for n in unmatched[:3])
    rec.flag("NOT_READ", reason)
    return rec


def headings(doc: Document) -> dict[str, tuple[str, Location]]:
    """Table kind -> the first short line heading a table of that kind, and where it is."""
    out: dict[str, tuple[str, Location]] = {}
    for block in doc.blocks:   # headings are lines of text; a title row inside a table heads a table read
        if not isinstance(block, Paragraph):
            continue
        text, loc = block.text, block.loc
        kind = heading_kind(text)
        if kind and kind not in out:
            out[kind] = (text.strip(), loc)
    return out


def lost_tables(headed: dict[str, tuple[str, Location]], records: list[Record], data_year: int | None,
                park_name: str, source_file: str, fmt: str) -> list[Record]:
    """NOT_READ records for every indicator of a table kind the report heads (`headings`) but gave no
    table of, when it gave a table of the other kind (so it is a report whose tables are read)."""
    read = {r.table_kind for r in records}
    if not read:
        return []
    out = []
    for kind, (text, loc) in headed.items():
        if kind in read:
            continue
        label = "是否达标" if kind == "compliance" else "数值"
        for entry in (e for e in catalogue.load() if e.is_indicator):
            rec = Record(source_file=source_file, table_kind=kind, name_raw="", value_raw="", park_name=park_name,
                         data_year=data_year, indicator_id=entry.id, indicator_name=entry.name_zh,
                         unit=entry.unit, column_label=label, format=fmt)
            rec.record_key = f"{source_file}|{kind}|{entry.id}|{label}|0"
            rec.loc = loc
            rec.location = loc.describe()
            if data_year is None:
                rec.flag("YEAR_UNKNOWN", "the table was not read, and the report prints no data year")
            rec.flag("NOT_READ", f"the report heads a {kind} table (“{text[:40]}”, {loc.describe() or 'in the text'}) "
                                 f"but no such table was read: {entry.id} {entry.name_zh} has no value")
            out.append(rec)
    return out
