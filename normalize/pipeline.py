"""The one way into normalize: a `Document` in, its facts, tables and checked records out.

Orchestration (`ecopark.ingest`) calls `read_document` and nothing else of this
package, so the order of the steps lives here once: facts outside the cells,
the indicator tables and their column roles, one record per value cell, then the
document passes — OCR doubts weighed by the unit and the formulas first (`ocr`: a
reading taken there is what the checks see), consistency (it writes repair
suggestions), compliance after (it reads the values the person will see; a 是否达标
cell OCR doubts is weighed against it right after), and last a record for each
indicator a table should list but gave no row of (`completeness`). The year
pools both passes look values up in are built once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ecopark.schemas.grid import Document
from ecopark.schemas.records import Record

from . import metadata, tables
from .checks import base_year, check_consistency
from .compliance import check_compliance
from .completeness import headings, lost_tables, not_read
from .metadata import Facts
from .ocr import settle_compliance_doubts, settle_ocr_doubts
from .pools import pools_by_year
from .records import records as build_records
from .tables import LocatedTable


@dataclass
class DocumentResult:
    facts: Facts
    tables: list[LocatedTable] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


def read_document(doc: Document, source_file: str) -> DocumentResult:
    """Everything normalize knows about one document; `source_file` is the path shown in outputs."""
    facts = metadata.find(doc)
    found = tables.locate(doc)
    result = DocumentResult(facts, found)
    if not found:
        return result
    result.records = build_records(found, facts, source_file=source_file, fmt=doc.format)
    pools = pools_by_year(result.records)
    facts.planning_base = base_year(result.records, facts, pools)
    for record in result.records:   # carried on each record for the checks across reports
        record.planning_base_year = facts.planning_base.year
        record.planning_base_source = facts.planning_base.source
    settle_ocr_doubts(result.records, pools, facts.planning_base)   # before the checks read the values
    check_consistency(result.records, facts, pools)
    check_compliance(result.records, facts, pools)
    settle_compliance_doubts(result.records)   # after compliance is computed
    # after the checks: these have no value
    headed = headings(doc)
    result.records += not_read(result.records, source_file, set(headed))
    result.records += lost_tables(headed, result.records, facts.data_year, facts.park_name, source_file, doc.format)
    return result
