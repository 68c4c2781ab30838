"""Turn a located table's body into raw rows: one per indicator or component.

What the grid cannot say by itself is put back here: merged 分类/序号 cells are
carried down, requirement or unit text that spills into an extra row (or a lone
unaligned cell) is joined to the row above, a label split over two rows is
joined, so is the rest of a row a page break cut, and repeated headers, empty
page-break rows and note lines are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from ecopark.schemas import vocabulary
from ecopark.schemas.catalogue import normalize_unit
from ecopark.schemas.grid import Cell, Location, Row
from ecopark.schemas.text import simplify

from .numbers import known_units
from .tables import LocatedTable, header_roles

_REQUIREMENT_TEXT = regex.compile(r"当园区|达到|以上|以下|[≥≤<>＞＜]|缺水|京津冀|其他地区")


_BRACKETED = regex.compile(r"^(.*?\S)\s*[(（]([^()（）]{1,12})[)）]\s*$", regex.S)


def split_unit(name: str) -> tuple[str, str]:
    """(label, unit) of a name cell that carries the unit too: '工业增加值（万元）', or
    '人均工业增加值' with '万元/人' wrapped onto a line of its own. The unit is "" when there is none."""
    lines = [ln for ln in name.split("\n") if ln.strip()]
    if len(lines) > 1 and is_unit(lines[-1]):
        return "\n".join(lines[:-1]), lines[-1].strip()
    m = _BRACKETED.match(name)
    if m and is_unit(m.group(2)):
        return m.group(1), m.group(2).strip()
    return name, ""


def is_unit(text: str) -> bool:
    """A unit the catalogue uses or converts from ('万元', '万元/人', '吨标煤/万元', '%')."""
    unit = normalize_unit(simplify(text))
    return unit == "%" or unit in known_units()


@dataclass
class RawRow:
    category: str
    number: str
    name: str                              # as printed, a unit in it included
    unit: str
    requirement: str
    assessed: str
    compliant: str
    values: list[tuple[int, Cell | None]]  # (index into table.values, cell or None if the row is cut short)
    loc: Location
    compliant_loc: Location | None = None
    position: int = 0                      # 0-based order within the table
    truncated: bool = False

    @property
    def label(self) -> str:
        """The name without a unit printed inside it: what is matched against the catalogue."""
        return split_unit(self.name)[0]


def _text(row: Row, index: int | None) -> str:
    cell = row.cell(index)
    return cell.text.strip() if cell else ""


def _append(old: str, new: str, sep: str = "\n") -> str:
    return f"{old}{sep}{new}" if old else new


def read_rows(table: LocatedTable) -> list[RawRow]:
    roles = table.roles
    out: list[RawRow] = []
    category = number = ""
    body = table.body
    for i, row in enumerate(body):
        if not row.filled or header_roles(row) is not None:
            continue
        if vocabulary.is_title("".join(c.text for c in row.filled)):
            continue  # the table's title lines, repeated on a continuation page
        prev = out[-1] if out else None
        if not row.aligned:
            text = " ".join(c.text for c in row.filled)
            if prev and _REQUIREMENT_TEXT.search(simplify(text)):
                prev.requirement = _append(prev.requirement, text)
            continue
        name = _text(row, roles.get("name"))
        num = _text(row, roles.get("number"))
        values = [(k, row.cell(v.index)) for k, v in enumerate(table.values)]
        has_value = any(c is not None and not c.empty for _, c in values)
        assessed = _text(row, roles.get("assessed"))
        compliant = _text(row, roles.get("compliant"))
        unit = _text(row, roles.get("unit"))
        requirement = _text(row, roles.get("requirement"))
        if not num and not has_value and not assessed and not compliant:
            # no row of its own: spill-over of unit / requirement text, a label cut in two by a
            # page or line break, or the rest of a row a page break cut (any of its cells' last
            # lines). With no row above it, such a row is the rest of a label begun before the
            # table was found: an indicator read from it would have no value, and no flag to say so
            broke = prev is not None and None not in (row.loc.page, prev.loc.page) and row.loc.page > prev.loc.page
            if prev and (broke or not name or not (unit or requirement)):
                for attr, text, sep in (("name", name, ""), ("unit", unit, ""), ("requirement", requirement, "\n")):
                    if text:
                        setattr(prev, attr, _append(getattr(prev, attr), text, sep))
                continue
            if not prev and name and not unit and not requirement:
                continue
        category = _text(row, roles.get("category")) or category
        number = num or number
        if not unit or not unit.strip("-—–/ "):
            unit = split_unit(name)[1] or unit
        compliant_cell = row.cell(roles.get("compliant"))
        raw = RawRow(
            category=category, number=number, name=name, unit=unit, requirement=requirement,
            assessed=assessed, compliant=compliant, values=values, loc=row.loc,
            compliant_loc=compliant_cell.loc if compliant_cell else None,
            position=len(out),
        )
        if i == len(body) - 1 and table.reaches_end and any(c is None for _, c in values):
            raw.truncated = True
        out.append(raw)
    return out
