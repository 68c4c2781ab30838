"""Images of the table row behind each PDF value in review, for review.html.

A reviewer deciding about "58.50" on a scanned page wants to see the page, not
our reading of it. PDF and scan readers record the value cell's page and bbox
(in PDF points) in `location`; the whole row strip at that height is rendered,
so that label, unit, requirement and value are seen together. Best effort: a
file that cannot be rendered simply gets no image.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import regex

from ecopark.extract.pdf.page import Frame
from ecopark.schemas.records import Record

CROP_DIR = "crops"
_PAGE = regex.compile(r"\bpage (\d+)\b")
_BBOX = regex.compile(r"\bbbox (-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)")
MARGIN = 6.0   # points above and below the cell
SCALE = 2.0    # 144 dpi: digits readable, files small


def page_and_bbox(location: str) -> tuple[int, tuple[float, float, float, float]] | None:
    page, bbox = _PAGE.search(location or ""), _BBOX.search(location or "")
    if not page or not bbox:
        return None
    return int(page.group(1)), tuple(float(x) for x in bbox.groups())


def render_row(pdf, page_number: int, bbox, out_path: Path) -> Path:
    """The full-width strip of the page at the cell's height, as PNG."""
    page = pdf[page_number - 1]
    # bboxes are in the frame where the page's text reads upright (a turned page too)
    frame = Frame.of(page, page.get_textpage())
    width, height = frame.width, frame.height
    _, top, _, bottom = bbox
    top, bottom = max(0.0, top - MARGIN), min(height, bottom + MARGIN)
    image = page.render(scale=SCALE, rotation=frame.render_turn, crop=(0, height - bottom, 0, top)).to_pil()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    from ecopark.outputs import atomic_write

    return atomic_write(out_path, lambda tmp: image.save(tmp, format="PNG"))


def _image_name(record: Record) -> str:
    return hashlib.sha1(record.record_key.encode("utf-8")).hexdigest()[:16] + ".png"


def attach_crops(records: list[Record], input_dir: str | Path, out_dir: str | Path,
                 paths: dict[str, Path] | None = None) -> None:
    """Set `record.crop` (a path under out_dir) for PDF values in review. `paths` maps a source_file
    to the file to render (names that are not UTF-8 are shown escaped); an image already made for
    the same record_key (content-keyed) is reused."""
    import pypdfium2 as pdfium

    input_dir, out_dir = Path(input_dir), Path(out_dir)
    wanted: dict[str, list[tuple[Record, int, tuple]]] = {}
    for r in records:
        place = page_and_bbox(r.location)
        if r.needs_review and place and r.source_file.lower().endswith(".pdf") and not getattr(r, "crop", ""):
            wanted.setdefault(r.source_file, []).append((r, *place))
    for source, items in wanted.items():
        try:
            todo = []
            for record, page_number, bbox in items:
                done = out_dir / CROP_DIR / _image_name(record)
                if done.exists():
                    record.crop = str(done)
                else:
                    todo.append((record, page_number, bbox))
            if not todo:
                continue
            items = todo
            pdf = pdfium.PdfDocument(str((paths or {}).get(source) or input_dir / source))
        except Exception:  # unreadable here means no picture, never a failed run
            continue
        try:
            for record, page_number, bbox in items:
                try:
                    record.crop = str(render_row(pdf, page_number, bbox, out_dir / CROP_DIR / _image_name(record)))
                except Exception:
                    continue
        finally:
            pdf.close()
