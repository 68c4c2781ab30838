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


# ---------------------------------------------------------------- damaged files: the project's own sentences

DOCX_REPORT = Path(__file__).resolve().parents[1] / "fixtures" / "docx" / "001_changchun_2022.docx"


def _error(tmp_path, name: str, data: bytes) -> str:
    result = _ingest(tmp_path, name, data)
    assert result.status == "error"
    assert not hostile.BARE_EXCEPTION.search(result.error), result.error
    return result.error


def test_a_gridspan_bomb_is_refused_by_the_column_limit_before_it_is_laid_out(tmp_path):
    data = hostile.docx_gridspan_bomb(3_000_000)
    assert len(data) < 2000
    result = _ingest(tmp_path, "bomb.docx", data)
    assert result.error == ("too large to read: a table of 3,000,000 columns "
                            "(limit 1,000 columns, set by ECOPARK_TABLE_COLUMNS)")
    assert result.seconds < 5


def test_gridbefore_and_real_wide_rows_hit_the_same_limit(tmp_path, monkeypatch):
    assert "3,000,000 columns" in _error(tmp_path, "before.docx", hostile.docx_gridbefore_bomb(3_000_000))
    monkeypatch.setenv("ECOPARK_TABLE_COLUMNS", "100")
    assert "a table of 200 columns (limit 100 columns" in _error(tmp_path, "wide.docx",
                                                                  hostile.docx_many_cells_in_row(200))


def test_table_rows_limit_names_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPARK_TABLE_ROWS", "500")
    assert "(limit 500 rows, set by ECOPARK_TABLE_ROWS)" in _error(tmp_path, "rows.docx", hostile.docx_table(600))


def test_a_zip_bomb_is_refused_by_the_part_limit_before_inflating(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPARK_PART_MB", "8")
    error = _error(tmp_path, "bomb.docx", hostile.docx_zip_bomb(32))
    assert error.startswith("too large to read: a DOCX part (word/document.xml) of 32 MB inflated")
    assert "ECOPARK_PART_MB" in error


def test_a_docx_with_a_flipped_bit_in_its_compressed_xml_is_said_damaged(tmp_path):
    data = bytearray(DOCX_REPORT.read_bytes())
    import zipfile
    with zipfile.ZipFile(DOCX_REPORT) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    errors = set()
    for k in range(8):  # flips at several places of the deflate stream: every one gets a sentence
        damaged = bytearray(data)
        damaged[start + 40 + 97 * k] ^= 0x10
        result = _ingest(tmp_path, f"flip{k}.docx", bytes(damaged))
        if result.status == "error":
            assert result.error.startswith("the Word file is damaged ("), result.error
            assert not hostile.BARE_EXCEPTION.search(result.error), result.error
            errors.add(result.error)
    assert errors


@pytest.mark.parametrize("name, expected", [
    ("billion_laughs", "the Word file is damaged (its document XML is malformed"),
    ("deep_tables", "too deeply nested to read"),
    ("encrypted_zip", "the Word file is password-protected"),
    ("unsupported_method", "ZIP compression method that cannot be read"),
    ("missing_target", "its document part is missing (word/nothere.xml)"),
    ("empty_part", "the Word file is damaged (its document XML is malformed"),
])
def test_broken_packages_get_sentences(tmp_path, name, expected):
    makers = {**hostile.docx_variants(), "billion_laughs": hostile.docx_billion_laughs,
              "deep_tables": hostile.docx_deep_tables}
    assert expected in _error(tmp_path, f"{name}.docx", makers[name]())


def test_xxe_does_not_read_local_files(tmp_path):
    result = _ingest(tmp_path, "xxe.docx", hostile.docx_xxe())
    assert "root:" not in " ".join(r.name_raw for r in result.records) + " ".join(result.notes)


def test_a_page_tree_cycle_is_said_to_loop(tmp_path):
    assert _error(tmp_path, "cycle.pdf", hostile.pdf_page_tree_cycle()) == \
        "the PDF is damaged: its page tree loops (a page list contains itself)"
    assert "page tree loops" in _error(tmp_path, "self.pdf", hostile.pdf_page_tree_self_loop())


def test_pdf_page_count_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPARK_PAGES", "100")
    assert _error(tmp_path, "pages.pdf", hostile.pdf_many_pages(150)) == \
        "too large to read: a PDF of 150 pages (limit 100 pages, set by ECOPARK_PAGES)"


def test_a_200_inch_scanned_page_is_not_rendered(tmp_path):
    """14400 pt at the OCR resolution is 1.6 gigapixels: the page is left out with a note."""
    result = _ingest(tmp_path, "huge.pdf", hostile.pdf_huge_scanned_page(14400))
    assert result.status == "no_table"
    assert any("page 1 is a scan of 14,400 x 14,400 pt, too large to render" in n for n in result.notes)
    assert result.seconds < 10


def test_padding_after_the_end_of_a_pdf_is_not_truncation(tmp_path):
    good = hostile.pdf_huge_text_page(595)
    assert _ingest(tmp_path, "padded.pdf", good + b"\0" * 5000).status == "no_table"
    assert "incomplete" in _error(tmp_path, "cut.pdf", good[: len(good) // 2])


def test_an_html_span_bomb_is_refused(tmp_path):
    assert "ECOPARK_TABLE_COLUMNS" in _error(tmp_path, "bomb.html", hostile.html_span_bomb(2000))


def test_an_unforeseen_exception_becomes_a_sentence():
    from ecopark import extract
    for error in (ValueError("invalid literal for int()"), IndexError("list index out of range"),
                  RecursionError("maximum recursion depth exceeded"), TypeError("NoneType"), OSError(5, "I/O")):
        sentence = extract.failure(error, "the Word file")
        assert sentence.startswith(("the Word file", "too deeply nested")), sentence
        assert not hostile.BARE_EXCEPTION.search(sentence)


# ---------------------------------------------------------------- output sizes

def test_review_pages_stay_small_and_hold_every_value_once(tmp_path, monkeypatch):
    """A table repeating one indicator: every row in review, each with its indicator's other rows."""
    from ecopark import review_html
    result = _ingest(tmp_path, "rows.docx", hostile.docx_table(1500))
    pending = [r for r in result.records if r.needs_review]
    assert len(pending) >= 1400
    monkeypatch.setattr(review_html, "PAGE_BYTES", 300_000)
    out = tmp_path / "out"
    out.mkdir()
    (out / "review-99.html").write_text("a page of an earlier run")
    review_html.write(result.records, out)
    pages = sorted(out.glob("review-*.html"))
    assert len(pages) >= 3 and not (out / "review-99.html").exists()
    seen = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert len(text.encode()) <= 300_000 + 20_000  # a page's frame on top of its values
        seen += [r.record_key for r in pending if f'id="{r.record_key}"' in text]
    assert sorted(seen) == sorted(r.record_key for r in pending)
    contents = (out / "review.html").read_text(encoding="utf-8")
    assert all(f'href="{p.name}' in contents for p in pages)
    assert "more rows of this indicator" in pages[0].read_text(encoding="utf-8")


def test_a_small_review_stays_one_page(tmp_path):
    from ecopark import review_html
    result = _ingest(tmp_path, "report.txt", REPORT.read_bytes())
    review_html.write(result.records, tmp_path)
    text = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("review-*.html"))
    assert all(f'id="{r.record_key}"' in text for r in result.records if r.needs_review)


def test_a_long_line_after_the_park_label_is_no_park_name(tmp_path):
    result = _ingest(tmp_path, "long.txt", hostile.long_park_name(200_000))
    assert len(result.park_name) <= 60
    clean = _ingest(tmp_path, "clean.txt", REPORT.read_bytes())
    assert clean.park_name == "长春经济技术开发区"  # the seed's own name is kept


def test_a_conversion_over_the_time_limit_is_killed_with_what_it_started(tmp_path):
    """LibreOffice's launcher starts the office process: both go when the limit is reached."""
    import time
    from ecopark.extract.office import convert
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    assert not convert._run(["sh", "-c", f"sleep 60 & echo $! > {pid_file}; wait"], 1.0)
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    time.sleep(0.2)
    status = Path(f"/proc/{child}/status")
    if status.exists():  # killed but not yet reaped by init: a zombie is dead
        assert "State:\tZ" in status.read_text()
