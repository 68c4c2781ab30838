"""The column dictionary: every column of records, panel and documents, its type and meaning.

One table drives both, so they cannot drift apart: the dtypes the frames get
(`typed`), hence what Parquet stores (booleans as booleans, years as nullable
integers, small code sets as categoricals), and `OUT_DIR/columns.csv` (also a
sheet of panel.xlsx).
CSV files write booleans as `true`/`false`, as the output contract says.

The contract fixes the column name `flags` in records.csv / records.parquet. A
column of that name shadows `DataFrame.flags`, so the frames of the Python API
(`ecopark.read`) and the panel call it `flag_codes`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TYPES = {  # dictionary type -> pandas dtype
    "text": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "bool",
    "code": "category",
}


@dataclass(frozen=True)
class Column:
    table: str      # records / panel / panel_wide / documents
    name: str
    type: str       # a key of TYPES
    meaning: str


def _cols(table: str, rows: str) -> list[Column]:
    out = []
    for line in rows.strip().splitlines():
        name, type_, meaning = (part.strip() for part in line.split("|", 2))
        out.append(Column(table, name, type_, meaning))
    return out


RECORDS = _cols("records", """
source_file | text | path of the report relative to INPUT_DIR
table_kind | code | assessment (对照考核表) or compliance (标准达标情况 table)
park_name | text | the park's name as the report gives it, spacing normalised
data_year | integer | year the value belongs to; empty only where the document masks it
indicator_id | text | id in the HJ 274-2015 catalogue (I02, I02.employees, …); empty when no entry matched
name_raw | text | the row label exactly as extracted
value_raw | text | the value cell exactly as extracted
value | number | the number in the catalogue unit, or empty
value_text | text | categorical value (达标, 全部完成, 具备 …), or empty
unit | text | catalogue unit of value
assessed | code | yes (是) / no (否) / mandatory (必选) / empty
compliant_reported | code | yes / no from the report's 是否达标 column, empty when not printed
flags | text | ;-separated flag codes (`ecopark flags` lists them); called flag_codes in the Python API
needs_review | boolean | a flag sends this value to a person and no decision has been made
location | text | where the value sits: page and row (PDF), table and row (DOCX), line (text)
record_key | text | stable key of the value cell; decisions are keyed by it
indicator_name | text | catalogue name (Chinese) of indicator_id
column_label | text | the header of the value column (数值, 2016年 …)
label_year | integer | a year printed inside the row label (2019年工业增加值)
match_score | number | how well the row label matched the catalogue name (0-100)
category_raw | text | the 分类 cell as printed
number_raw | text | the 序号 cell as printed
unit_raw | text | the unit cell as printed
requirement_raw | text | the 要求 cell as printed
assessed_raw | text | the 是否选为考核指标 cell as printed
compliant_raw | text | the 是否达标 cell as printed
masked_digits | integer | how many digits of the value are masked (*)
compliant_computed | code | yes / no computed from the value and HJ 274-2015's requirement
suggestion | text | a ranked repair suggestion for a masked or malformed value
suggested_value | number | the suggestion's value, when it has one
reasons | text | one sentence per flag that needs explaining, ' | '-separated
reviewed | boolean | a person decided on this value (corrections.csv / review.xlsx)
decision | code | accept / correct / reject, or empty
table_index | integer | which indicator table of the document (0-based)
row_index | integer | row of that table (0-based)
format | code | the format the file was read as (text, html, docx, pdf, scan …)
planning_base_year | integer | the report's planning base year (规划基准年), when the text or the numbers give it
planning_base_source | code | text (the report states it) or data (fitted to the printed values), empty when unknown
location_json | text | location as structured data (page, bbox, table, row …), JSON
header_location_json | text | where the value column's header cell sits, JSON
name_mark | text | a footnote mark printed after the row label (ᵃ, a, ※ …), taken off for matching
value_mark | text | a footnote mark printed after the value (8※ → ※)
value_decimals | integer | decimals printed in the value: the precision the consistency checks allow
value_percent | boolean | the value was printed with %
value_scale | number | value = printed number × value_scale (万/亿 in the cell, unit conversion)
""")

PANEL = _cols("panel", """
park_id | text | the park: its full official name (aliases in schemas/data/parks.csv); unknown:FILE when the report names none
data_year | integer | year of the value (rows whose year the report masks are in panel_undated)
indicator_id | text | id in the HJ 274-2015 catalogue
indicator_zh | text | catalogue name in Chinese
indicator_en | text | catalogue name in English
category | code | 经济发展 / 产业共生 / 资源节约 / 环境保护 / 信息公开
kind | code | indicator, or component (an input of an indicator's formula)
unit | text | catalogue unit of value
requirement | text | HJ 274-2015's requirement (≥30, ≤0.5, 达标 …)
value | number | the chosen reading, in the catalogue unit
value_text | text | the chosen categorical reading
chosen_because | code | reviewed (a person accepted or corrected it) > clean (no doubt) > flagged (still in review); rejected when a person rejected every reading
needs_review | boolean | the chosen reading is still waiting for a person
reviewed | boolean | a person decided on the chosen reading
decision | code | that person's decision: accept / correct (empty when not reviewed)
flag_codes | text | flags of the chosen reading
assessed | code | yes / no / mandatory: whether the park chose it as an assessed indicator
compliant_reported | code | yes / no as the report's 是否达标 says
compliant_computed | code | yes / no from the chosen value and the requirement
source_file | text | report the chosen reading comes from
location | text | where in that report
table_kind | code | the table the chosen reading comes from
record_key | text | record_key of the chosen reading (records.csv)
readings | integer | how many readings of this park, year and indicator the reports print (the chosen one included)
readings_agree | boolean | every other reading with a value agrees with the chosen one (within printing precision)
other_values | text | the readings that differ: value (file, table)
rejected | integer | readings a person rejected
park_names_printed | text | the park names the readings' reports print
""")

PANEL_UNDATED = [Column("panel_undated", c.name, c.type, c.meaning) for c in PANEL]

PANEL_WIDE = _cols("panel_wide", """
park_id | text | as in panel
data_year | integer | as in panel
I01 … | number | one column per indicator or component id present: the panel's value (value_text for categorical indicators)
""")

DOCUMENTS = _cols("documents", """
source_file | text | path of the report relative to INPUT_DIR
status | code | ok / no_table / error (/ skipped)
error | text | why the file gave no table or could not be read, in a sentence
format | code | the format the file was read as
layout | text | the layout of the format (for text exports)
park_name | text | the park's name as the report gives it
data_year | integer | the report's data year
tables | integer | indicator tables found
records | integer | records extracted
needs_review | integer | of which in review
seconds | number | time spent reading the file
notes | text | what the reader noticed, ' | '-separated
sha256 | text | SHA-256 of the file's bytes
counters | text | per-document tallies (pages screened, OCR calls …)
""")

ALL = RECORDS + PANEL + PANEL_UNDATED + PANEL_WIDE + DOCUMENTS
BY_TABLE: dict[str, dict[str, Column]] = {}
for _c in ALL:
    BY_TABLE.setdefault(_c.table, {})[_c.name] = _c


def typed(frame, table: str):
    """`frame` with the dtypes the dictionary gives its columns (others left as they are)."""
    import pandas as pd

    columns = BY_TABLE[table]
    for name in frame.columns:
        column = columns.get(name)
        if column is None:
            continue
        dtype = TYPES[column.type]
        if dtype == "Int64":
            frame[name] = pd.array(pd.to_numeric(frame[name]), dtype="Int64")
        elif dtype == "float64":
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
        elif dtype == "bool":
            frame[name] = frame[name].map(_boolean).astype("bool")
        else:
            frame[name] = frame[name].fillna("").astype(str).astype(dtype)
    return frame


def _boolean(v) -> bool:
    """True/False from a bool, or from the text CSV holds ("true"); missing is False."""
    import pandas as pd

    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return False if pd.isna(v) else bool(v)


def csv_ready(frame):
    """A copy to write as CSV: booleans as `true`/`false` (the contract's spelling)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == bool:
            out[name] = out[name].map({True: "true", False: "false"})
    return out


def write_dictionary(path: str | Path) -> None:
    """columns.csv: table, column, type, pandas dtype, meaning (UTF-8 with BOM, for Excel)."""
    from ecopark.outputs import atomic_write

    atomic_write(Path(path), lambda tmp: frame().to_csv(tmp, index=False, encoding="utf-8-sig"))


def frame():
    """The dictionary as a DataFrame (table, column, type, dtype, meaning)."""
    import pandas as pd

    return pd.DataFrame([(c.table, c.name, c.type, TYPES[c.type], c.meaning) for c in ALL
                         if c.table != "panel_undated"], columns=["table", "column", "type", "dtype", "meaning"])
