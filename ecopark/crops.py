"""Pictures of the source behind a value in review: the row with its column header, and the page.

A reviewer deciding about "58.50" on a scanned page wants to see the page, not
our reading of it. PDF and scan readers give every cell its page and bbox (in
PDF points, top-left origin) in a `Location`, which the record keeps as `loc`
(the value cell) and `header_loc` (the header cell of the value's column). The
crop is the full-width strip of the header above the full-width strip of the
row, the two cells outlined, so label, unit, requirement, column year and value
are read together. Best effort: a file that cannot be rendered gets no image.

Which files can be rendered is decided by `Record.format`, never by a file name.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ecopark.extract.pdf.page import Frame
from ecopark.schemas.grid import Location
from ecopark.schemas.records import Record

CROP_DIR = "crops"
PAGED_FORMATS = {"pdf", "scanned-pdf"}
MARGIN = 6.0     # points above and below a strip
SCALE = 2.0      # 144 dpi: digits readable, files small
PAGE_SCALE = 1.5
GAP = 6          # pixels between the header strip and the row strip
MARK = (214, 40, 40)


def page_and_bbox(loc: Location | None) -> tuple[int, tuple[float, float, float, float]] | None:
    """Page and bbox of a cell, when its reader knows them (PDF and scans)."""
    if loc is None or loc.page is None or loc.bbox is None:
        return None
    return loc.page, loc.bbox


def renderable(record: Record) -> bool:
    return record.format in PAGED_FORMATS and page_and_bbox(record.loc) is not None


def _frame(page) -> Frame:
    """Bboxes are in the frame where the page's text reads upright (a turned page too)."""
    return Frame.of(page, page.get_textpage())


def _strip(pdf, page_number: int, bbox, marks: list[tuple[float, float, float, float]]):
    """The full-width strip of a page at the height of `bbox`, with `marks` outlined."""
    from PIL import ImageDraw

    page = pdf[page_number - 1]
    frame = _frame(page)
    _, top, _, bottom = bbox
    top, bottom = max(0.0, top - MARGIN), min(frame.height, bottom + MARGIN)
    image = page.render(scale=SCALE, rotation=frame.render_turn,
                        crop=(0, frame.height - bottom, 0, top)).to_pil().convert("RGB")
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in marks:
        draw.rectangle([x0 * SCALE - 2, (y0 - top) * SCALE - 2, x1 * SCALE + 2, (y1 - top) * SCALE + 2],
                       outline=MARK, width=2)
    return image


def _stack(images):
    from PIL import Image

    width = max(i.width for i in images)
    out = Image.new("RGB", (width, sum(i.height for i in images) + GAP * (len(images) - 1)), (160, 160, 160))
    y = 0
    for image in images:
        out.paste(image, (0, y))
        y += image.height + GAP
    return out


def _overlaps(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3]


def render_row(pdf, record: Record, out_path: Path) -> Path:
    """The header strip (when the reader located the column header) above the row strip, as PNG."""
    page, bbox = page_and_bbox(record.loc)
    header = page_and_bbox(record.header_loc)
    if header and header[0] == page and _overlaps(header[1], bbox):
        header = None   # the header sits in the row's own strip (a compliance 是否达标 cell on one line)
    strips = []
    if header:
        strips.append(_strip(pdf, header[0], header[1], [header[1]]))
    strips.append(_strip(pdf, page, bbox, [bbox]))
    return _save(_stack(strips), out_path)


def _save(image, out_path: Path) -> Path:
    from ecopark.outputs import atomic_write

    out_path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(out_path, lambda tmp: image.save(tmp, format="PNG"))


def render_page(path: Path, page_number: int, out_path: Path,
                mark: tuple[float, float, float, float] | None = None) -> tuple[float, float]:
    """One whole page as PNG (the cell `mark` outlined); returns the page size in points."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_number - 1]
        frame = _frame(page)
        size = frame.width, frame.height
        image = page.render(scale=PAGE_SCALE, rotation=frame.render_turn).to_pil().convert("RGB")
    finally:
        pdf.close()
    if mark is not None:
        x0, y0, x1, y1 = (v * PAGE_SCALE for v in mark)
        ImageDraw.Draw(image).rectangle([x0 - 3, y0 - 3, x1 + 3, y1 + 3], outline=MARK, width=3)
    _save(image, out_path)
    return size


def page_size(path: Path, page_number: int) -> tuple[float, float]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        frame = _frame(pdf[page_number - 1])
        return frame.width, frame.height
    finally:
        pdf.close()


def crop_name(record: Record) -> str:
    return hashlib.sha1(record.record_key.encode("utf-8")).hexdigest()[:16] + ".png"


def attach_crops(records: list[Record], input_dir: str | Path, out_dir: str | Path,
                 paths: dict[str, Path] | None = None) -> None:
    """Set `record.crop` (a path under out_dir) for PDF and scan values in review. `paths` maps a
    source_file to the file to render (names that are not UTF-8 are shown escaped); an image already
    made for the same record_key (content-keyed) is reused."""
    import pypdfium2 as pdfium

    input_dir, out_dir = Path(input_dir), Path(out_dir)
    wanted: dict[str, list[Record]] = {}
    for r in records:
        if r.needs_review and renderable(r) and not r.crop:
            done = out_dir / CROP_DIR / crop_name(r)
            if done.exists():
                r.crop = str(done)
            else:
                wanted.setdefault(r.source_file, []).append(r)
    for source, items in wanted.items():
        try:
            pdf = pdfium.PdfDocument(str((paths or {}).get(source) or input_dir / source))
        except Exception:  # unreadable here means no picture, never a failed run
            continue
        try:
            for record in items:
                try:
                    record.crop = str(render_row(pdf, record, out_dir / CROP_DIR / crop_name(record)))
                except Exception:
                    continue
        finally:
            pdf.close()
