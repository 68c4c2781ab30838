"""A row lost from a table never means a value missing without a flag (normalize/completeness.py)."""
from __future__ import annotations

from pathlib import Path

from ecopark.ingest import ingest_file

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
SEED = "002_4a25218a541a50f3"   # both tables, two years in the assessment table


def _ingest(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    result = ingest_file(path, tmp_path)
    assert result.status == "ok", result.error
    return result.records


def _without_row(text: str, label: str, table: int) -> str:
    """The seed with the `table`-th (0-based) row labelled `label` taken out, as a reader losing it would."""
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if f"\t{label}" in line]
    del lines[hits[table]]
    return "\n".join(lines)


def test_a_whole_table_gives_no_placeholders():
    result = ingest_file(TEXT / f"{SEED}.txt", TEXT)
    assert not [r for r in result.records if "NOT_READ" in r.flags]


def test_a_lost_row_is_a_flagged_record_for_each_year(tmp_path):
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    records = _ingest(tmp_path, _without_row(text, "绿化覆盖率", 0))       # the assessment table's row
    lost = [r for r in records if r.indicator_id == "I29" and r.table_kind == "assessment"]
    assert sorted(r.data_year for r in lost) == [2016, 2018]               # the two year columns
    for r in lost:
        assert r.flags == {"NOT_READ"} and r.needs_review and r.value is None and r.value_raw == ""
        assert "after I28" in r.reasons[0] and r.column_label in ("2016年", "2018年")
    # the compliance table still has its row: nothing added there
    assert [r.value_text or r.compliant_reported for r in records
            if r.indicator_id == "I29" and r.table_kind == "compliance"] == ["yes"]


def test_a_lost_row_in_the_compliance_table(tmp_path):
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    records = _ingest(tmp_path, _without_row(text, "人均工业增加值", 1))
    (lost,) = [r for r in records if r.indicator_id == "I02" and r.table_kind == "compliance"]
    assert "NOT_READ" in lost.flags and lost.data_year == 2018 and lost.compliant_reported == ""
    assert "at its start" not in lost.reasons[-1] and "after I01" in lost.reasons[-1]


def test_a_short_excerpt_is_not_padded(tmp_path):
    """A table that gave a handful of indicators (an excerpt quoted in the text) is no full
    table: its absences say nothing, and no placeholder is made for them."""
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("分类\t序号"))
    body = [i for i in range(header + 1, len(lines)) if lines[i].count("\t") >= 6][:5]
    excerpt = "\n".join(["数据基准年为2018年", lines[header]] + [lines[i] for i in body])
    records = _ingest(tmp_path, excerpt)
    assert {r.indicator_id for r in records} == {"I01", "I02", "I03", "I04", "I05"}
    assert not [r for r in records if "NOT_READ" in r.flags]


def test_a_table_the_report_heads_but_that_was_not_read(tmp_path):
    """The compliance table lost whole (here: its rows gone, as when it is printed as a picture)
    while its heading and the assessment table are there: every indicator of it is flagged."""
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = next(i for i, line in enumerate(lines) if "标准达标情况" in line)
    kept = lines[:heading + 1] + [line for line in lines[heading + 1:] if line.count("\t") < 5]
    records = _ingest(tmp_path, "\n".join(kept))
    lost = [r for r in records if r.table_kind == "compliance"]
    assert len(lost) == 32 and all(r.flags == {"NOT_READ"} and r.needs_review for r in lost)
    assert {r.data_year for r in lost} == {2018} and "标准达标情况" in lost[0].reasons[0]
    assert not [r for r in records if r.table_kind == "assessment" and "NOT_READ" in r.flags]


def test_a_mention_in_a_long_paragraph_is_no_heading(tmp_path):
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = next(i for i, line in enumerate(lines) if "标准达标情况" in line)
    cut = lines[:heading] + ["园区对照标准逐项核对，" * 6 + "国家生态工业示范园区标准达标情况见上文说明。"]
    assert not [r for r in _ingest(tmp_path, "\n".join(cut)) if r.table_kind == "compliance"]


def test_a_lost_input_row_of_the_long_form(tmp_path):
    """Seed 001 lists each indicator's inputs (工业增加值, 年末从业人口 …): a lost input row is flagged too.
    Its text export prints a row as a block of one-cell lines ended by an empty line."""
    text = (TEXT / "001_98bb576f2842cd57.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    label = next(i for i, line in enumerate(lines) if line == "\t工业增加值")
    first = max(i for i in range(label) if lines[i] == "") + 1
    end = next(i for i in range(label, len(lines)) if lines[i] == "")
    del lines[first:end + 1]
    records = _ingest(tmp_path, "\n".join(lines))
    lost = [r for r in records if "NOT_READ" in r.flags]
    assert [r.indicator_id for r in lost] == ["I02.industrial_value_added"]
    assert "indicator inputs" in lost[0].reasons[0] and lost[0].value is None and lost[0].data_year == 2022


def test_a_headed_table_that_gave_a_few_rows_is_padded(tmp_path):
    """Under its heading a table gave only its first rows (the rest lost on the next page): with
    the heading there it is no excerpt, and every indicator it did not give is flagged."""
    text = (TEXT / f"{SEED}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = next(i for i, line in enumerate(lines) if "标准达标情况" in line)
    rows = [i for i in range(heading + 1, len(lines)) if lines[i].count("\t") >= 5]
    kept = lines[:rows[6]] + [line for line in lines[rows[6]:] if line.count("\t") < 5]
    records = [r for r in _ingest(tmp_path, "\n".join(kept)) if r.table_kind == "compliance"]
    read = [r for r in records if "NOT_READ" not in r.flags]
    assert [r.indicator_id for r in read] == ["I01", "I02", "I03", "I04", "I05"]
    assert len(records) == 32 and all(r.needs_review for r in records if r not in read)


def test_a_header_without_a_value_column_flags_every_row(tmp_path):
    """The assessment table's 数值 header read as a word we do not know ('教值', a scan's slip):
    no value can be read, and every row says so rather than giving an empty value unflagged."""
    text = (TEXT / "004_ab0b14322d25fbd5.txt").read_text(encoding="utf-8")
    header = next(line for line in text.split("\n") if line.startswith("分类 |") and "是否达标" not in line)
    records = _ingest(tmp_path, text.replace(header, header.replace("数值", "教值"), 1))
    assessment = [r for r in records if r.table_kind == "assessment"]
    assert len(assessment) >= 32
    assert all("NO_VALUE_COLUMN" in r.flags and r.needs_review and r.value is None for r in assessment)
    assert not any("NO_VALUE_COLUMN" in r.flags for r in records if r.table_kind == "compliance")
    clean = _ingest(tmp_path, text)
    assert not any("NO_VALUE_COLUMN" in r.flags for r in clean)
