"""Flag codes written to the `flags` column.

Each flag says in one line what it means and whether it alone sends the record
to review. Codes are the contract with the people reviewing, so they never
change meaning; new doubts get new codes.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    code: str
    meaning: str
    forces_review: bool


FLAGS: dict[str, Flag] = {
    f.code: f
    for f in [
        # matching the row label
        Flag("UNMATCHED", "the row label matches no catalogue entry; the record is kept with indicator_id empty", True),
        Flag("FUZZY_MATCH", "the row label matched a catalogue name only approximately (see match_score)", False),
        Flag("LOW_MATCH_SCORE", "the row label matched a catalogue name with a low score; check indicator_id", True),
        Flag("MATCHED_BY_POSITION", "the label was masked or ambiguous; indicator_id was chosen by 序号 and row order", False),
        Flag("DUPLICATE_ROW", "the same indicator and year occurs more than once in one table", True),
        # the value cell
        Flag("MISSING", "an assessed indicator (是/必选) has no value ('-', '/', empty)", True),
        Flag("TRUNCATED", "the table is cut off: this row or its value is missing at the end of the document", True),
        Flag("NOT_READ", "the table gives most of the standard's indicators but no row of this one: its row was lost in reading or not printed; no value, check the source", True),
        Flag("NO_VALUE_COLUMN", "the assessment table's header names no value column (数值, a year): no value was read for this row; check the source", True),
        Flag("MASKED", "digits of the value are masked ('*'); masked_digits says how many", True),
        Flag("MALFORMED", "the value looks numeric but is not a number (e.g. '-0.4.85'); value left empty", True),
        Flag("TEXT_VALUE", "the value is text where a number was expected; kept in value_text", True),
        Flag("COMPLIANT_TEXT", "the 是否达标 cell holds neither yes nor no nor a dash; kept in compliant_raw", True),
        Flag("UNIT_CONVERTED", "the report's unit (or a 万/亿 in the cell) differed from the catalogue unit; value was converted, the factor is in reasons", False),
        Flag("UNIT_UNKNOWN", "the report's unit could not be converted into the catalogue unit; value kept as printed", True),
        Flag("YEAR_MASKED", "the document masks the data year; data_year left empty", False),
        Flag("YEAR_INFERRED", "no data year is printed; it was inferred from label years, the file name or the filing date (填报时间) minus one; reasons name the source", False),
        Flag("YEAR_UNKNOWN", "no data year is printed and none can be inferred; data_year left empty", True),
        # cross-checks (normalize/checks, normalize/compliance)
        Flag("INCONSISTENT", "the printed value disagrees with the value recomputed from its components", True),
        Flag("FITS_DOUBTED_INPUT", "the value disagrees with a component OCR doubted as it was read, and agrees with the one reading of that component the formulas point to; that component is in review with the reading as its suggestion", False),
        Flag("COMPLIANCE_MISMATCH", "the reported 是否达标 disagrees with the value and the requirement", True),
        Flag("TABLES_DISAGREE", "the assessment and compliance tables of one document disagree", True),
        Flag("SPAN_UNKNOWN", "the years since the planning base year could not be inferred; checks needing it skipped", False),
        Flag("REQUIREMENT_DIFFERS", "the report prints a requirement other than HJ 274-2015's; compliance uses the standard's", False),
        Flag("REQUIREMENT_ASSUMED", "the requirement depends on what the report does not state (region, sign of growth); compliance computed under the assumption in reasons", False),
        # across reports (normalize/across, over the whole dataset)
        Flag("REPORTS_DISAGREE", "another report of the same park prints a different value for this year and indicator, or for this planning base-year value; reasons name it", True),
        Flag("PARK_UNKNOWN", "the report gives no park name; the value cannot be lined up with the park's other reports (panel park_id unknown:FILE)", False),
        Flag("CORRECTION_INVALID", "corrections.csv says correct but corrected_value is not a usable value; the record stays in review", True),
        # damaged source bytes
        Flag("UNDECODED_BYTES", "bytes of the source file could not be decoded where this row is printed and show as \ufffd; check it against the source", True),
        # spreadsheets
        Flag("DISPLAY_DIFFERS", "the spreadsheet cell shows a value other than the one it stores, beyond rounding (a date or scaling format, a formula without its result); the shown text was used, the stored value is in reasons", True),
        # scanned pages
        Flag("OCR_LOW_CONFIDENCE", "OCR read this cell with low confidence or a known confusion; check against the scan", True),
        Flag("OCR_SETTLED", "OCR doubted this cell, but the row's unit and the standard's formulas settle it: the value read, or the one other reading of its glyphs that fits (e.g. 37,807 for 37.807), is confirmed; reasons give the evidence", False),
    ]
}


def forces_review(codes) -> bool:
    return any(FLAGS[c].forces_review for c in codes)


def join(codes) -> str:
    """Flags in a stable order (the order of FLAGS), no duplicates."""
    wanted = set(codes)
    unknown = wanted - FLAGS.keys()
    if unknown:
        raise KeyError(f"unknown flag codes: {sorted(unknown)}")
    return ";".join(c for c in FLAGS if c in wanted)
