"""One small hostile input per class of issue 12, made in the test: what one bad file can do to a batch.

Each input comes from tests/hostile.py (which also makes the ~500-file batch of
bench/hostile.py); expected values come from the clean fixture read the same way.
"""
from pathlib import Path

import pytest

from ecopark.ingest import ingest_file
from ecopark.schemas.grid import ReadError

import hostile

TEXT = Path(__file__).resolve().parents[1] / "fixtures" / "text"
REPORT = TEXT / "001_98bb576f2842cd57.txt"


def _values(result) -> dict:
    """Values by record key without the file name (the copies have other names)."""
    return {r.record_key.split("|", 1)[1]: (r.value, r.value_raw) for r in result.records}


def _ingest(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return ingest_file(path, tmp_path)


def test_a_stray_latin1_byte_costs_one_character_not_the_report(tmp_path):
    clean = _ingest(tmp_path, "clean.txt", REPORT.read_bytes())
    damaged = REPORT.read_bytes().replace(b"56.50", b"56.\xb050", 1)  # one byte typed in another editor
    result = _ingest(tmp_path, "stray.txt", damaged)
    assert result.status == "ok", result.error
    assert any("1 byte(s) are not UTF-8" in note for note in result.notes)
    (hit,) = [r for r in result.records if "\ufffd" in r.value_raw]
    assert hit.value_raw == "56.\ufffd50" and hit.value is None
    assert "UNDECODED_BYTES" in hit.flags and hit.needs_review
    # every other value is read as in the clean copy
    key = hit.record_key.split("|", 1)[1]
    assert _values(clean)[key] == (56.5, "56.50")
    assert {k: v for k, v in _values(result).items() if k != key} == \
        {k: v for k, v in _values(clean).items() if k != key}


def test_a_single_nul_byte_is_damage_not_binary(tmp_path):
    clean = _ingest(tmp_path, "clean.txt", REPORT.read_bytes())
    result = _ingest(tmp_path, "nul.txt", hostile.nul_byte(REPORT.read_bytes().decode("utf-8")))
    assert result.status == "ok", result.error
    assert any("1 byte(s)" in note for note in result.notes)
    assert _values(result) == _values(clean)


@pytest.mark.parametrize("variant", ["utf16le_bom", "utf16be_bom", "utf16le_nobom", "gb18030", "utf8_bom",
                                     "mixed_gbk_utf8"])
def test_other_encodings_read_the_same_values(tmp_path, variant):
    clean = _ingest(tmp_path, "clean.txt", REPORT.read_bytes())
    data = hostile.encodings(REPORT.read_bytes().decode("utf-8"))[variant]
    result = _ingest(tmp_path, f"{variant}.txt", data)
    assert result.status == "ok", result.error
    assert len(result.records) == len(clean.records)
    same = sum(v == clean_v for v, clean_v in zip(_values(result).values(), _values(clean).values()))
    # the mixed file loses at most the line where GBK meets UTF-8
    assert same >= len(clean.records) - (2 if variant == "mixed_gbk_utf8" else 0)


def test_truncated_copies_are_read_up_to_the_cut(tmp_path):
    data = REPORT.read_bytes()
    for share in (0.3, 0.5, 0.7, 0.9):
        cut = data[: int(len(data) * share)]
        result = _ingest(tmp_path, f"cut_{share}.txt", cut)
        assert result.status in ("ok", "no_table"), (share, result.error)


def test_real_binaries_are_still_refused(tmp_path):
    from ecopark import extract
    for name, data in (("zeros.txt", b"\0" * 10000), ("random.txt", hostile.random_bytes(20000)),
                       ("gzip.txt", hostile.gzip_bytes(REPORT.read_bytes()))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ReadError, match="not a report: binary content"):
            extract.read(path)
