"""Pictures of the source behind a value in review: the row with its column header, and the page.

A reviewer deciding about "58.50" on a scanned page wants to see the page, not
our reading of it. PDF and scan readers give every cell its page and bbox (in
points, top-left origin) in a `Location`, which the record keeps as `loc`
(the value cell) and `header_loc` (the header cell of the value's column). The
crop is the full-width strip of the header above the full-width strip of the
row, the two cells outlined, so label, unit, requirement, column year and value
are read together. Best effort: a file that cannot be rendered gets no image.

Three kinds of source are rendered, all from the structured location:
- PDF pages (text or scanned), by pdfium, in the frame where the page's text reads upright;
- image files (PNG, JPEG, TIFF): `loc.page` is the frame, bboxes are points of the
  stored image at the dpi the reader took for it (`extract.scan.ImagePages`);
- pictures inside a document (a DOCX table pasted as a picture): `loc.part` names the
  picture in the package ("word/media/image3.png", "… frame 2" for a TIFF's second frame).

Which files can be rendered is decided by `Record.format` and the location, never by a file name.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from ecopark.extract.pdf.page import Frame
from ecopark.schemas.grid import Location
from ecopark.schemas.records import Record

CROP_DIR = "crops"
PAGED_FORMATS = {"pdf", "scanned-pdf"}
IMAGE_FORMATS = {"image"}
MARGIN = 6.0     # points above and below a strip
SCALE = 2.0      # 144 dpi: digits readable, files small
PAGE_SCALE = 1.5
GAP = 6          # pixels between the header strip and the row strip
MARK = (214, 40, 40)
FRAME_OF_PART = re.compile(r"^(?P<part>.+) frame (?P<frame>\d+)$")  # how extract.scan names a TIFF's frames


def page_and_bbox(loc: Location | None) -> tuple[int, tuple[float, float, float, float]] | None:
    """Page and bbox of a cell, when its reader knows them (PDF and scans)."""
    if loc is None or loc.page is None or loc.bbox is None:
        return None
    return loc.page, loc.bbox


def _kind(record: Record) -> str | None:
    """"pdf", "picture" (an image file's frame or a document's picture), or None: nothing to render."""
    if page_and_bbox(record.loc) is None:
        return None
    if record.format in PAGED_FORMATS:
        return "pdf"
    if record.format in IMAGE_FORMATS or record.loc.part:
        return "picture"
    return None


def renderable(record: Record) -> bool:
    return _kind(record) is not None


# ---------------------------------------------------------------- sources

class PdfSource:
    """PDF pages rendered by pdfium; bboxes are in the frame where the page's text reads upright."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf

    def _page(self, loc: Location):
        page = self.pdf[loc.page - 1]
        return page, Frame.of(page, page.get_textpage())

    def size(self, loc: Location) -> tuple[float, float]:
        _, frame = self._page(loc)
        return frame.width, frame.height

    def render(self, loc: Location, scale: float, top: float | None = None, bottom: float | None = None):
        """The page (or its full-width strip from `top` to `bottom`, points) as an RGB PIL image."""
        page, frame = self._page(loc)
        crop = (0, 0, 0, 0) if top is None else (0, frame.height - bottom, 0, top)
        return page.render(scale=scale, rotation=frame.render_turn, crop=crop).to_pil().convert("RGB")

    def close(self) -> None:
        self.pdf.close()


class PictureSource:
    """Pictures: the frames of an image file, or pictures inside a document package (zip).

    Bboxes are points of the stored picture at the dpi the OCR reader took for it, which
    `ImagePages` decides the same way here (from the file's dpi, else the A4 assumption)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._pictures: dict[str, object] = {}

    def _picture(self, loc: Location):
        """(pixels, dpi) of the picture the location is on."""
        from ecopark.extract.scan.source import ImagePages

        part, frame = loc.part, loc.page
        if part:
            named = FRAME_OF_PART.match(part)
            part, frame = (named["part"], int(named["frame"])) if named else (part, 1)
        key = part or ""
        if key not in self._pictures:
            if part:
                with zipfile.ZipFile(self.path) as package:
                    blob = package.read(part)
            else:
                blob = self.path.read_bytes()
            self._pictures[key] = ImagePages.from_bytes([blob])
        pages = self._pictures[key]
        return pages.frames[frame - 1], pages.dpis[frame - 1]

    def size(self, loc: Location) -> tuple[float, float]:
        pixels, dpi = self._picture(loc)
        h, w = pixels.shape[:2]
        return w * 72 / dpi, h * 72 / dpi

    def render(self, loc: Location, scale: float, top: float | None = None, bottom: float | None = None):
        from PIL import Image

        pixels, dpi = self._picture(loc)
        h, w = pixels.shape[:2]
        k = dpi / 72
        y0, y1 = (0, h) if top is None else (max(0, int(top * k)), min(h, max(int(top * k) + 1, round(bottom * k))))
        image = Image.fromarray(pixels[y0:y1]).convert("RGB")
        size = (max(1, round(w / k * scale)), max(1, round((y1 - y0) / k * scale)))
        return image.resize(size, Image.LANCZOS)

    def close(self) -> None:
        self._pictures.clear()


def open_source(record: Record, path: Path):
    """The source to render `record`'s page or picture from (close it after), or None."""
    kind = _kind(record)
    if kind == "pdf":
        import pypdfium2 as pdfium

        return PdfSource(pdfium.PdfDocument(str(path)))
    if kind == "picture":
        return PictureSource(path)
    return None


def _as_source(source):
    return source if isinstance(source, (PdfSource, PictureSource)) else PdfSource(source)


# ---------------------------------------------------------------- images

def _strip(source, loc: Location, bbox, marks: list[tuple[float, float, float, float]]):
    """The full-width strip of a page at the height of `bbox`, with `marks` outlined."""
    from PIL import ImageDraw

    _, height = source.size(loc)
    _, top, _, bottom = bbox
    top, bottom = max(0.0, top - MARGIN), min(height, bottom + MARGIN)
    image = source.render(loc, SCALE, top, bottom)
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


def _same_page(a: Location, b: Location) -> bool:
    return a.page == b.page and a.part == b.part


def render_row(source, record: Record, out_path: Path) -> Path:
    """The header strip (when the reader located the column header) above the row strip, as PNG.
    `source` is an open source (`open_source`), or a pdfium PdfDocument."""
    source = _as_source(source)
    loc, bbox = record.loc, record.loc.bbox
    header = record.header_loc if page_and_bbox(record.header_loc) else None
    if header and _same_page(header, loc) and _overlaps(header.bbox, bbox):
        header = None   # the header sits in the row's own strip (a compliance 是否达标 cell on one line)
    strips = []
    if header:
        strips.append(_strip(source, header, header.bbox, [header.bbox]))
    strips.append(_strip(source, loc, bbox, [bbox]))
    return _save(_stack(strips), out_path)


def _save(image, out_path: Path) -> Path:
    from ecopark.outputs import atomic_write

    out_path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(out_path, lambda tmp: image.save(tmp, format="PNG"))


def render_page(source, loc: Location, out_path: Path,
                mark: tuple[float, float, float, float] | None = None) -> tuple[float, float]:
    """The whole page or picture `loc` is on as PNG (the cell `mark` outlined); returns its size in points."""
    from PIL import ImageDraw

    source = _as_source(source)
    size = source.size(loc)
    image = source.render(loc, PAGE_SCALE)
    if mark is not None:
        x0, y0, x1, y1 = (v * PAGE_SCALE for v in mark)
        ImageDraw.Draw(image).rectangle([x0 - 3, y0 - 3, x1 + 3, y1 + 3], outline=MARK, width=3)
    _save(image, out_path)
    return size


def crop_name(record: Record) -> str:
    return hashlib.sha1(record.record_key.encode("utf-8")).hexdigest()[:16] + ".png"


def attach_crops(records: list[Record], input_dir: str | Path, out_dir: str | Path,
                 paths: dict[str, Path] | None = None) -> None:
    """Set `record.crop` (a path under out_dir) for values in review on a page or picture. `paths`
    maps a source_file to the file to render (names that are not UTF-8 are shown escaped); an image
    already made for the same record_key (content-keyed) is reused."""
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    wanted: dict[str, list[Record]] = {}
    for r in records:
        if r.needs_review and renderable(r) and not r.crop:
            done = out_dir / CROP_DIR / crop_name(r)
            if done.exists():
                r.crop = str(done)
            else:
                wanted.setdefault(r.source_file, []).append(r)
    for name, items in wanted.items():
        try:
            source = open_source(items[0], (paths or {}).get(name) or input_dir / name)
        except Exception:  # unreadable here means no picture, never a failed run
            continue
        if source is None:
            continue
        try:
            for record in items:
                try:
                    record.crop = str(render_row(source, record, out_dir / CROP_DIR / crop_name(record)))
                except Exception:
                    continue
        finally:
            source.close()
