"""The Python API, typed outputs, the check across reports, report.html and the Excel round trip.

Real files: seed 001 (长春经济技术开发区, 2022) and fixtures/across/001_changchun_2023.txt, the
park's next report, which prints 规划基准年COD排放量 4250 where 001 prints 4190 (made by
fixtures/across/make_across.py; every other base-year value is the same).
"""
from __future__ import annotations

import csv
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import ecopark
from ecopark import columns, report_html
from ecopark.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "fixtures" / "text"
S001 = "001_98bb576f2842cd57.txt"
S2023 = "001_changchun_2023.txt"
PANDAS_ATTRIBUTES = set(dir(pd.DataFrame))
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    src = tmp_path_factory.mktemp("pair")
    shutil.copy(TEXT / S001, src / S001)
    shutil.copy(ROOT / "fixtures" / "across" / S2023, src / S2023)
    return src


@pytest.fixture(scope="module")
def written(pair, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return ecopark.read(pair, out=out), out


def test_version_is_the_distribution_version(capsys):
    assert ecopark.__version__ == importlib.metadata.version("ecopark")
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"ecopark {ecopark.__version__}"


def test_import_ecopark_stays_light():
    code = "import sys, ecopark; print('pandas' in sys.modules, callable(ecopark.read), 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]


def test_read_in_memory_gives_typed_frames():
    d = ecopark.read(TEXT)
    assert isinstance(d, ecopark.Dataset)
    assert len(d.documents) == 5 and set(d.documents["status"]) == {"ok"}
    r = d.records
    assert r["needs_review"].dtype == bool and r["reviewed"].dtype == bool
    assert str(r["data_year"].dtype) == "Int64" and str(r["table_kind"].dtype) == "category"
    assert "flags" not in r.columns and "flag_codes" in r.columns
    for frame in (d.records, d.panel, d.panel_wide, d.documents, d.panel_undated):
        assert not PANDAS_ATTRIBUTES & set(frame.columns)
    # values as the seed prints them (tests/expected/001_98bb576f2842cd57.csv)
    p = d.panel.set_index(["park_id", "data_year", "indicator_id"])
    assert p.index.is_unique
    row = p.loc[("长春经济技术开发区", 2022, "I02")]
    assert row["value"] == 56.5 and row["source_file"] == S001 and row["location"]
    assert p.loc[("长春经济技术开发区", 2022, "I25.cod_base_year"), "value"] == 4190
    i10 = p.loc[("长春经济技术开发区", 2022, "I10")]
    assert pd.isna(i10["value"]) and i10["chosen_because"] == "flagged" and "MALFORMED" in i10["flag_codes"]
    wide = d.panel_wide.set_index(["park_id", "data_year"])
    assert wide.index.is_unique and wide.loc[("长春经济技术开发区", 2022), "I02"] == 56.5
    assert len(wide) == d.panel[["park_id", "data_year"]].drop_duplicates().shape[0]
    # 004 masks its years: its readings are in panel_undated, not in the panel
    assert set(d.panel_undated["park_id"]) == {"张家港经济技术开发区"}
    assert "张家港经济技术开发区" not in set(d.panel["park_id"])


def test_corrections_are_applied(tmp_path):
    before = ecopark.read(TEXT / S001).records
    key = before.loc[before["indicator_id"] == "I10", "record_key"].item()
    path = tmp_path / "decisions.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["record_key", "decision", "corrected_value", "note"])
        w.writerow([key, "correct", "-0.485", "typo in the report"])
    d = ecopark.read(TEXT / S001, corrections=path)
    i10 = d.records[(d.records["indicator_id"] == "I10")].iloc[0]
    assert i10["reviewed"] and i10["decision"] == "correct" and i10["value"] == -0.485
    p = d.panel.set_index(["park_id", "data_year", "indicator_id"]).loc[("长春经济技术开发区", 2022, "I10")]
    assert p["value"] == -0.485 and p["chosen_because"] == "reviewed"


def test_two_reports_disagreeing_on_a_base_year_value(written):
    d, _ = written
    r = d.records
    flagged = r[r["flag_codes"].str.contains("REPORTS_DISAGREE")]
    assert sorted(flagged["source_file"]) == [S001, S2023]
    assert set(flagged["indicator_id"]) == {"I25.cod_base_year"}
    assert flagged["needs_review"].all()
    mine = flagged[flagged["source_file"] == S001].iloc[0]
    assert "4190 here; 4250 in 001_changchun_2023.txt" in mine["reasons"]
    other = flagged[flagged["source_file"] == S2023].iloc[0]
    assert "4250 here; 4190 in 001_98bb576f2842cd57.txt" in other["reasons"]
    # the base-year values both reports print alike raise nothing
    agree = r[r["indicator_id"].isin(["I03.iva_base_year", "I25.so2_base_year"])]
    assert len(agree) == 4 and not agree["flag_codes"].str.contains("REPORTS_DISAGREE").any()


def test_outputs_are_typed_and_documented(written):
    d, out = written
    records = pd.read_parquet(out / "records.parquet")
    assert records["needs_review"].dtype == bool and records["reviewed"].dtype == bool
    assert "flags" in records.columns                     # the contract's name in the files
    raw = pd.read_csv(out / "records.csv", dtype=str, keep_default_na=False)
    assert set(raw["needs_review"]) == {"true", "false"}
    dictionary = pd.read_csv(out / "columns.csv", encoding="utf-8-sig")
    for table, frame in (("records", records), ("panel", pd.read_parquet(out / "panel.parquet"))):
        documented = set(dictionary.loc[dictionary["table"] == table, "column"])
        assert set(frame.columns) <= documented
    loaded = ecopark.read(out)          # an output folder: loaded, not re-read
    assert loaded.out == out and loaded.panel.shape == d.panel.shape
    assert loaded.records["needs_review"].sum() == d.records["needs_review"].sum()


def test_report_html_is_self_contained(written):
    d, out = written
    page = (out / "report.html").read_text(encoding="utf-8")
    lowered = page.lower()
    for attr in ("src=", "href="):
        for quote in ("'", '"'):
            assert f"{attr}{quote}http" not in lowered
    assert "<script" not in lowered and "@import" not in lowered and "url(http" not in lowered
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= SVG_NAMESPACES   # names, never fetched
    assert page.count("<svg") == 2      # coverage + the one park
    assert "长春经济技术开发区" in page


def test_coverage_states_come_from_the_seed():
    d = ecopark.read(TEXT / S001)
    grid = report_html.coverage(d.records)
    states = dict(zip(report_html.STATES, range(3)))
    assert grid.loc[S001, "I02"] == states["found"]        # 56.50
    assert grid.loc[S001, "I10"] == states["flagged"]      # -0.4.85, MALFORMED
    assert grid.loc[S001, "I01"] == states["missing"]      # '-'


def test_charts_are_drawn_once_per_change(pair, tmp_path):
    out = tmp_path / "out"
    main(["ingest", str(pair), "--out", str(out), "--quiet"])
    first = {p.name: p.stat().st_mtime_ns for p in (out / "charts").glob("*.svg")}
    main(["ingest", str(pair), "--out", str(out), "--quiet"])
    assert {p.name: p.stat().st_mtime_ns for p in (out / "charts").glob("*.svg")} == first


def test_review_xlsx_round_trip(pair, tmp_path):
    out = tmp_path / "out"
    main(["ingest", str(pair), "--out", str(out), "--quiet"])
    path = out / "review.xlsx"
    wb = load_workbook(path)
    ws = wb["review"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["record_key", "decision", "corrected_value", "note"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"accept,correct,reject"'
    assert str(validation.sqref).startswith("B2:B")
    keys = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
    with open(out / "corrections.csv", encoding="utf-8-sig") as f:
        queue = {(row["source_file"], row["indicator_id"]): row["record_key"] for row in csv.DictReader(f)}
    assert sorted(keys) == sorted(queue.values())
    base_cod, i10 = queue[(S2023, "I25.cod_base_year")], queue[(S001, "I10")]
    ws.cell(row=keys[base_cod], column=2, value="reject")
    ws.cell(row=keys[i10], column=2, value="correct")
    ws.cell(row=keys[i10], column=3, value=-0.485)
    wb.save(path)

    d = ecopark.read(pair, out=out)
    r = d.records.set_index("record_key")
    assert r.loc[base_cod, "decision"] == "reject" and r.loc[base_cod, "reviewed"]
    assert r.loc[i10, "decision"] == "correct" and r.loc[i10, "value"] == -0.485
    # with the 2023 reading rejected, 001's base-year COD no longer disagrees with anything
    cod_2022 = d.records[(d.records["source_file"] == S001) & (d.records["indicator_id"] == "I25.cod_base_year")]
    assert not cod_2022["flag_codes"].str.contains("REPORTS_DISAGREE").any()
    with open(out / "corrections.csv", encoding="utf-8-sig") as f:
        decided = {row["record_key"]: row["decision"] for row in csv.DictReader(f) if row["decision"]}
    assert decided == {base_cod: "reject", i10: "correct"}
    wb = load_workbook(out / "review.xlsx")       # rewritten, keeping the decisions
    values = {row[0].value: row[1].value for row in wb["review"].iter_rows(min_row=2)}
    assert values[base_cod] == "reject" and values[i10] == "correct"


def test_panel_xlsx_holds_long_and_wide(written):
    d, out = written
    wb = load_workbook(out / "panel.xlsx", read_only=True)
    assert wb.sheetnames == ["panel", "panel_wide", "panel_undated", "columns"]
    assert wb["panel"].max_row == len(d.panel) + 1 and wb["panel_wide"].max_row == len(d.panel_wide) + 1
    header = next(wb["panel_wide"].iter_rows(max_row=1, values_only=True))
    assert list(header) == list(d.panel_wide.columns)


def test_the_column_dictionary_names_every_column_once():
    from ecopark.outputs import DOCUMENT_COLUMNS
    from ecopark.panel import COLUMNS as PANEL_COLUMNS
    from ecopark.schemas.records import COLUMNS as RECORD_COLUMNS

    for table, names in (("records", RECORD_COLUMNS), ("panel", PANEL_COLUMNS),
                         ("documents", DOCUMENT_COLUMNS)):
        documented = [c.name for c in columns.ALL if c.table == table]
        assert documented == list(dict.fromkeys(documented)) and set(names) == set(documented)
        assert all(c.type in columns.TYPES and c.meaning for c in columns.ALL if c.table == table)
