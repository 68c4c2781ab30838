"""The source behind a value, as the review app shows it: the row's crop and the page it sits on.

PDF and scanned pages, image files and pictures inside a document are rendered
(from the file the run read, as the store remembers it) with the value's cell outlined; a text source is shown
as its lines around the value's line; DOCX and HTML as the value's whole table
rebuilt from the records. Images are cached under OUT_DIR/crops.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ecopark import crops
from ecopark.schemas.records import Record

from . import context

PAGE_DIR = "pages"
TEXT_AROUND = 30          # lines shown above and below a value's line
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def _source(record: Record, sources: dict[str, Path]) -> Path | None:
    path = sources.get(record.source_file)
    return path if path is not None and path.is_file() else None


def available(record: Record, sources: dict[str, Path]) -> bool:
    """Is there anything to show beyond the record itself (a page, the text, or its table)?"""
    if crops.renderable(record) or (record.format == "text" and record.loc and record.loc.line):
        return _source(record, sources) is not None
    return True


def crop_image(record: Record, out_dir: Path, sources: dict[str, Path]) -> Path | None:
    """The row under its column header (rendered now when the run did not)."""
    if not crops.renderable(record):
        return None
    path = out_dir / crops.CROP_DIR / crops.crop_name(record)
    if path.exists():
        return path
    found = _source(record, sources)
    if found is None:
        return None
    try:
        source = crops.open_source(record, found)
    except Exception:
        return None
    try:
        return crops.render_row(source, record, path)
    except Exception:
        return None
    finally:
        source.close()


def page_image(record: Record, out_dir: Path, sources: dict[str, Path]) -> tuple[Path, tuple[float, float]] | None:
    """The value's whole page (or picture) with its cell outlined, and the page size in points."""
    if not crops.renderable(record):
        return None
    found = _source(record, sources)
    if found is None:
        return None
    name = hashlib.sha1(f"{record.record_key}|page".encode("utf-8")).hexdigest()[:16] + ".png"
    path = out_dir / crops.CROP_DIR / PAGE_DIR / name
    try:
        source = crops.open_source(record, found)
    except Exception:
        return None
    try:
        size = crops.render_page(source, record.loc, path, mark=record.loc.bbox) if not path.exists() \
            else source.size(record.loc)
    except Exception:
        return None
    finally:
        source.close()
    return path, size


@dataclass
class SourceView:
    kind: str                                  # page / text / table / none
    message: str = ""
    top_percent: float = 0.0                   # page: where the row starts, in % of the page height
    height_percent: float = 0.0
    lines: list[tuple[int, str]] | None = None  # text: (line number, text)
    line: int = 0
    table: context.TableView | None = None


def _read_text(path: Path) -> list[str]:
    raw = path.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace").splitlines()


def view(record: Record, out_dir: Path, sources: dict[str, Path], records: list[Record]) -> SourceView:
    missing = f"{record.source_file} is not where the run read it from, so its page cannot be shown"
    if crops.renderable(record):
        found = page_image(record, out_dir, sources)
        if found is None:
            return SourceView("none", missing)
        (_, height), (_, top, _, bottom) = found[1], record.loc.bbox
        return SourceView("page", top_percent=100 * top / height, height_percent=100 * (bottom - top) / height)
    if record.format == "text" and record.loc and record.loc.line:
        source = _source(record, sources)
        if source is None:
            return SourceView("none", missing)
        lines = _read_text(source)
        line = record.loc.line
        first, last = max(1, line - TEXT_AROUND), min(len(lines), line + TEXT_AROUND)
        return SourceView("text", lines=[(i, lines[i - 1]) for i in range(first, last + 1)], line=line)
    table = context.surrounding_rows(record, records, around=10 ** 6)
    return SourceView("table", table=table) if table else SourceView("none", "no table to show")
