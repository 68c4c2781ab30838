"""The records of one document grouped by data year: what every document pass looks values up in.

Built once per document by `normalize.pipeline` and handed to the consistency
and the compliance pass alike.
"""
from __future__ import annotations

from collections import defaultdict

from ecopark.normalize.precision import Quantity, quantity
from ecopark.schemas.records import Record


class YearPool:
    """The records of one data year of one document, looked up by indicator id.

    Components are read from the assessment table first: that is where the
    standard's form puts them; a compliance table only repeats indicators."""

    def __init__(self, records: list[Record]):
        self.by_id: dict[str, list[Record]] = defaultdict(list)
        for r in sorted(records, key=lambda r: r.table_kind != "assessment"):
            if r.indicator_id:
                self.by_id[r.indicator_id].append(r)

    def inputs(self) -> dict[str, Quantity]:
        found = {}
        for indicator_id, recs in self.by_id.items():
            for r in recs:
                q = quantity(r, as_input=True)
                if q is not None:
                    found[indicator_id] = q
                    break
        return found

    def printed(self, indicator_id: str) -> list[Record]:
        return self.by_id.get(indicator_id, [])

    def printed_value(self, indicator_id: str) -> Quantity | None:
        """The first printed value of this indicator, as a formula's result is compared with it."""
        return next((q for r in self.printed(indicator_id) if (q := quantity(r, as_input=False)) is not None), None)


def pools_by_year(records: list[Record]) -> dict[int | None, YearPool]:
    by_year: dict[int | None, list[Record]] = defaultdict(list)
    for r in records:
        by_year[r.data_year].append(r)
    return {year: YearPool(recs) for year, recs in by_year.items()}
