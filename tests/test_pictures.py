"""Pictures: a table pasted as pictures on text-PDF pages, and review crops of pictures (issue 18).

The picture positions a cell must lie in come from pdfplumber (pdfminer's own
reading of the PDF), not from the reader under test; the pixels a crop must
show come from the image files themselves (PIL, the DOCX package).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageSequence

from ecopark import crops, extract
from ecopark.app import source_view
from ecopark.extract.pdf.page import image_bounds
from scan_measure import SCANS, ingested

ROOT = Path(__file__).resolve().parents[1]
PICTURE_PDF = SCANS / "picture_pdf_001.pdf"
A4_LONG_INCHES = 11.69  # an image without a believable dpi is taken as an A4 page (extract.scan.source)


# ---------------------------------------------------------------- tables as pictures on text pages

def test_picture_table_cells_lie_in_their_picture_on_the_page():
    doc = extract.read(PICTURE_PDF)
    with pdfplumber.open(PICTURE_PDF) as pdf:
        pictures = {n: [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in page.images]
                    for n, page in enumerate(pdf.pages, start=1)}
    assert doc.format == "pdf" and len(doc.tables) >= 4
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.empty:
                    continue
                x0, top, x1, bottom = cell.loc.bbox
                assert cell.loc.page == table.loc.page and cell.loc.part is None
                assert any(p[0] - 1 <= x0 < x1 <= p[2] + 1 and p[1] - 1 <= top < bottom <= p[3] + 1
                           for p in pictures[cell.loc.page]), (cell.text, cell.loc)
    # the page's own text is kept as text, around the picture, in reading order
    first = [b for b in doc.blocks if b.loc.page == 1]
    texts = [getattr(b, "text", "") for b in first]
    caption = next(i for i, t in enumerate(texts) if "对照考核情况见下表" in t)
    table = next(i for i, b in enumerate(first) if b in doc.tables)
    note = next(i for i, t in enumerate(texts) if t.startswith("注：表1"))
    assert caption < table < note


def _with_picture(source: Path, page_index: int, picture: Path, target: Path) -> Path:
    """`source` with the JPEG `picture` placed low on one of its pages, half the page wide (a
    quarter of the page: a page with a picture, not an image over the page's text)."""
    pdf = pdfium.PdfDocument(str(source))
    page = pdf[page_index]
    width, height = page.get_size()
    image = pdfium.PdfImage.new(pdf)
    image.load_jpeg(str(picture), inline=False)
    w, h = Image.open(picture).size
    shown = 0.5 * width
    image.set_matrix(pdfium.PdfMatrix().scale(shown, shown * h / w).translate(0.25 * width, 20))
    page.insert_obj(image)
    page.gen_content()
    pdf.save(str(target))
    pdf.close()
    return target


def test_pictures_are_not_read_when_the_text_gave_the_table(tmp_path):
    """A table photo on a narrative page of a report whose table is text: not even screened."""
    source = ROOT / "fixtures" / "pdf" / "001_changchun_2022_long.pdf"
    target = _with_picture(source, 1, SCANS / "photo_001_p2.jpg", tmp_path / "with_photo.pdf")
    with pdfplumber.open(target) as pdf:
        assert len(pdf.pages[1].images) == 1 and pdf.pages[1].images[0]["width"] > 0.45 * pdf.pages[1].width
    plain, doc = extract.read(source), extract.read(target)
    assert plain.tables
    assert [[r.texts for r in t.rows] for t in doc.tables] == [[r.texts for r in t.rows] for t in plain.tables]
    assert "pages_screened" not in doc.counters and not any("picture" in n for n in doc.notes)


def test_images_inside_forms_are_placed_on_the_page(tmp_path):
    """An image drawn in a form XObject (a page placed on another, scaled) is found where it shows."""
    inner = tmp_path / "inner.pdf"
    _with_picture(ROOT / "fixtures" / "pdf" / "001_changchun_2022_long.pdf", 1, SCANS / "photo_001_p2.jpg", inner)
    src = pdfium.PdfDocument(str(inner))
    out = pdfium.PdfDocument.new()
    page = out.new_page(595, 842)
    form = src.page_as_xobject(1, out)
    placed = form.as_pageobject()
    placed.set_matrix(pdfium.PdfMatrix().scale(0.5, 0.5).translate(100, 300))
    page.insert_obj(placed)
    page.gen_content()
    target = tmp_path / "form.pdf"
    out.save(str(target))
    out.close()
    src.close()
    with pdfplumber.open(target) as pdf:
        (truth,) = [(float(i["x0"]), float(i["y0"]), float(i["x1"]), float(i["y1"])) for i in pdf.pages[0].images]
    pdf = pdfium.PdfDocument(str(target))
    try:
        found = list(image_bounds(pdf[0]))
    finally:
        pdf.close()
    assert len(found) == 1 and found[0] == pytest.approx(truth, abs=0.5)


# ---------------------------------------------------------------- crops of pictures

def _frames(blob: bytes) -> list[tuple[np.ndarray, float]]:
    """(gray pixels, dpi) of each frame of an image file, as the file itself says."""
    image = Image.open(io.BytesIO(blob))
    out = []
    for frame in ImageSequence.Iterator(image):
        gray = np.asarray(frame.convert("L"), dtype=np.float32)
        dpi = frame.info.get("dpi", (0, 0))[0]
        out.append((gray, float(dpi) if dpi else max(gray.shape) / A4_LONG_INCHES))
    return out


def _strip_of(frame: tuple[np.ndarray, float], bbox, size) -> np.ndarray:
    """The full-width strip of a frame around `bbox` (points), resized to `size`, as gray."""
    gray, dpi = frame
    k = dpi / 72
    top = max(0, int((bbox[1] - crops.MARGIN) * k))
    bottom = min(gray.shape[0], round((bbox[3] + crops.MARGIN) * k))
    strip = Image.fromarray(gray[top:bottom].astype(np.uint8)).resize(size, Image.LANCZOS)
    return np.asarray(strip, dtype=np.float32)


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two gray images of one size; a blank one is like nothing."""
    if a.std() < 1 or b.std() < 1:
        return 0.0
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def _sample(records, key):
    """One located record of each page or picture (by `key`), from the middle of its table."""
    by = {}
    for r in records:
        if r.loc and r.loc.bbox and r.value_raw:
            by.setdefault(key(r.loc), []).append(r)
    return {k: v[len(v) // 2] for k, v in by.items()}


@pytest.mark.parametrize("name", ["page_003_p2.png", "pages_001_p2-3.tif", "photo_001_p2.jpg"])
def test_row_crops_of_image_files(name, tmp_path):
    frames = _frames((SCANS / name).read_bytes())
    records = ingested(name).records
    sample = _sample(records, lambda loc: loc.page)
    assert set(sample) == set(range(1, len(frames) + 1))  # every frame has located values
    source = crops.open_source(sample[1], SCANS / name)
    for page, record in sample.items():
        assert crops.renderable(record) and record.loc.part is None
        row_only = replace(record, header_loc=None)
        out = crops.render_row(source, row_only, tmp_path / f"{page}.png")
        crop = np.asarray(Image.open(out).convert("L"), dtype=np.float32)
        gray, dpi = frames[page - 1]
        x0, top, x1, bottom = record.loc.bbox
        assert crop.shape[1] == pytest.approx(gray.shape[1] * 72 / dpi * crops.SCALE, abs=2)
        assert crop.shape[0] == pytest.approx((bottom - top + 2 * crops.MARGIN) * crops.SCALE, abs=3)
        right = _likeness(crop, _strip_of(frames[page - 1], record.loc.bbox, crop.shape[::-1]))
        assert right > 0.9, right
        for other in range(1, len(frames) + 1):
            if other != page:
                assert _likeness(crop, _strip_of(frames[other - 1], record.loc.bbox, crop.shape[::-1])) < right - 0.1
        # the header strip over the row strip, when the header cell was located
        if record.header_loc and record.header_loc.bbox:
            both = Image.open(crops.render_row(source, record, tmp_path / f"{page}h.png"))
            assert both.height > crop.shape[0] + crops.GAP
    source.close()


def test_row_crops_of_pictures_inside_a_docx(tmp_path):
    name = "picture_001.docx"
    records = ingested(name).records
    sample = _sample(records, lambda loc: loc.part)
    assert len(sample) >= 3 and all(p.startswith("word/media/") for p in sample)
    with zipfile.ZipFile(SCANS / name) as package:
        pictures = {part: _frames(package.read(part))[0] for part in sample}
    source = crops.open_source(next(iter(sample.values())), SCANS / name)
    for part, record in sample.items():
        assert crops.renderable(record)
        out = crops.render_row(source, replace(record, header_loc=None), tmp_path / "row.png")
        crop = np.asarray(Image.open(out).convert("L"), dtype=np.float32)
        gray, dpi = pictures[part]
        assert crop.shape[1] == pytest.approx(gray.shape[1] * 72 / dpi * crops.SCALE, abs=2)
        top, bottom = record.loc.bbox[1], record.loc.bbox[3]
        assert crop.shape[0] == pytest.approx((bottom - top + 2 * crops.MARGIN) * crops.SCALE, abs=3)
        right = _likeness(crop, _strip_of(pictures[part], record.loc.bbox, crop.shape[::-1]))
        assert right > 0.9, right
        for other in pictures:
            if other != part:
                assert _likeness(crop, _strip_of(pictures[other], record.loc.bbox, crop.shape[::-1])) < right - 0.1
    source.close()


def test_review_crops_and_pages_for_pictures(tmp_path):
    """attach_crops (review.html) and the review app's page view render image and DOCX values."""
    for name in ("pages_001_p2-3.tif", "picture_001.docx"):
        # copies with flags of their own: the ingested records are shared with test_scan_inputs
        records = [replace(r, flags=set(r.flags), reasons=list(r.reasons))
                   for r in ingested(name).records if r.loc and r.loc.bbox][:3]
        for r in records:
            r.flag("OCR_LOW_CONFIDENCE", "a test asks for a crop")
        crops.attach_crops(records, SCANS, tmp_path)
        assert all(r.crop and Path(r.crop).is_file() for r in records), name
        found = source_view.page_image(records[0], tmp_path, {records[0].source_file: SCANS / name})
        assert found is not None
        path, (width, height) = found
        image = Image.open(path)
        assert image.width == pytest.approx(width * crops.PAGE_SCALE, abs=2)
        assert image.height == pytest.approx(height * crops.PAGE_SCALE, abs=2)
