"""The seed tables the DOCX/PDF fixtures were built from, read straight off the seed text.

Expected values in test_docx/test_pdf come from here (the seed documents),
never from what a reader computes.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "fixtures" / "text"
DOCX = ROOT / "fixtures" / "docx"
PDF = ROOT / "fixtures" / "pdf"
BAD = ROOT / "fixtures" / "bad"
EXPECTED = ROOT / "tests" / "expected"
# seed number -> the seed's file stem ("002" -> "002_4a25218a541a50f3"), one expected CSV per seed
SEEDS = {p.stem[:3]: p.stem for p in EXPECTED.glob("*.csv")}

_spec = importlib.util.spec_from_file_location("make_docx", ROOT / "fixtures" / "make_docx.py")
make_docx = importlib.util.module_from_spec(_spec)
sys.modules["make_docx"] = make_docx  # dataclasses look their module up there
_spec.loader.exec_module(make_docx)

# fixture name -> seed file it was built from
FIXTURES = {f.name: f for f in make_docx.FIXTURES}


def seed_tables(name: str) -> list[list[list[str]]]:
    """Rows of each indicator table of the fixture's seed, header row first."""
    fixture = FIXTURES[name]
    seed = fixture.parse((TEXT / fixture.seed).read_text(encoding="utf-8"), 0)
    out = []
    for table in seed.tables:
        top = make_docx.header_index(table.rows)
        out.append([[make_docx.plain(c) for c in row] for row in table.rows[top:]])
    return out


def labels(rows: list[list[str]], column: int = 2) -> list[str]:
    """The non-empty 指标 cells below the header, whitespace removed."""
    return [squeeze(r[column]) for r in rows[1:] if column < len(r) and r[column].strip()]


def squeeze(text: str) -> str:
    return "".join(text.split())


def body_rows(table) -> list[list[str]]:
    """A read table's rows from its header row (the one with 序号) down, as texts."""
    start = next(i for i, r in enumerate(table.rows) if any(squeeze(t) == "序号" for t in r.texts))
    return [r.texts for r in table.rows[start:]]
