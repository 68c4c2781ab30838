"""A report gives the same records whether it arrives as text, DOCX or PDF.

The DOCX fixtures hold the seed's tables cell for cell and the PDFs are
LibreOffice renderings of them, so the whole pipeline must turn each into the
records it makes of the seed text itself.
"""
from pathlib import Path

import pytest

from ecopark.ingest import ingest_file
from fixture_seeds import BAD, DOCX, FIXTURES, PDF, ROOT, TEXT

FIXTURE_ROOT = ROOT / "fixtures"


def _records(path: Path, ignore=frozenset()):
    result = ingest_file(path, root=FIXTURE_ROOT)
    assert result.status == "ok", result.error
    return [(r.table_kind, r.indicator_id, r.data_year, r.value, r.value_text, set(r.flags) - ignore)
            for r in result.records]


@pytest.mark.parametrize("path", [DOCX / f"{n}.docx" for n in FIXTURES] + [PDF / f"{n}.pdf" for n in FIXTURES],
                         ids=lambda p: p.name)
def test_fixture_gives_the_seed_records(path):
    seed = TEXT / FIXTURES[path.stem].seed
    if not seed.exists():
        pytest.skip(f"{seed} is not there")
    # Seed 003's text export lost the last row's (empty) value cell, which the text
    # reader rightly flags TRUNCATED; the Word file has that cell, empty.
    expected = _records(seed, ignore=frozenset({"TRUNCATED"}))
    assert _records(path) == expected


@pytest.mark.parametrize("name, words", [
    ("corrupt.docx", "Word file is damaged"),
    ("password_protected.pdf", "password-protected"),
    ("truncated.pdf", "truncated"),
])
def test_bad_files_are_errors_a_person_can_read(name, words):
    result = ingest_file(BAD / name, root=FIXTURE_ROOT)
    assert result.status == "error"
    assert words in result.error
    assert result.records == []


@pytest.mark.parametrize("path", [PDF / "no_table_narrative.pdf", DOCX / "no_table_narrative.docx"],
                         ids=lambda p: p.suffix)
def test_narrative_without_table_is_no_table(path):
    result = ingest_file(path, root=FIXTURE_ROOT)
    assert result.status == "no_table"
    assert result.records == []
