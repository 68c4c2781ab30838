"""Indicator tables printed as pictures on text pages of a PDF: found cheaply, read by OCR.

A Word report whose table was pasted as a screenshot and then saved as PDF has
a real text layer (title, narrative, the table's caption) and the table as an
image object. `kind.page_kind` rightly calls such a page TEXT, and its text
layer holds no rows, so the table would be lost. Once the text pages are read,
a page is looked at for pictures only when its text gave no table and either
the document's text holds no indicator table at all, or the page names one
(its caption) or follows a page whose pictures were looked at (a table pasted
as several screenshots). Logos and charts on pages whose table came from the
text are never looked at.

A picture is a candidate when it is large enough to hold a table (PICTURE_WIDTH
of the page's width, PICTURE_HEIGHT of its height). Only the candidates'
regions are rendered, at the OCR resolution, and handed to the scan reader as
pictures (`extract.scan.read_images`), whose triage screens charts and photos
out on a thumbnail before any OCR. A table found is placed on its page: page
number and bbox in points of the page (the picture's offset added), with the
page's text lines outside the picture around it in reading order.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ecopark.schemas.grid import Block, Document, Location, Paragraph, Table
from ecopark.schemas.vocabulary import header_columns, names_table

from .grid import text_lines
from .page import PdfiumPage, image_bounds

PICTURE_WIDTH = 0.35   # share of the page's width a picture of a table spans at least
PICTURE_HEIGHT = 0.05  # ... and of its height (three lines: a table's head rows pasted on their own)
PICTURES_PER_PAGE = 4  # the largest few; more on one page are a collage, not a table
HEADER_ROWS = 8        # rows of a table searched for the indicator header


@dataclass
class Picture:
    page: int                                     # 1-based page number
    bbox: tuple[float, float, float, float]       # x0, top, x1, bottom in points of the page (its Frame)


def read_tables(text_pages: list[tuple], per_page: dict[int, list[Block]], doc: Document) -> None:
    """Tables in pictures on the text pages (number, pdfium page, textpage, text) whose text gave
    none: read by OCR and put into `per_page` in place of the page's text blocks; noted on `doc`."""
    wanted = _pages_to_look_at(text_pages, per_page)
    if not wanted:
        return
    pictures, renders, lines = [], [], {}
    for n, page, textpage, _ in wanted:
        layer = PdfiumPage(page, textpage)
        found = [Picture(n, box) for box in picture_boxes(page, layer)]
        if not found:
            continue
        lines[n] = text_lines(layer.outside([p.bbox for p in found]))
        for picture in found:
            pictures.append(picture)
            renders.append(_render(page, layer, picture.bbox))
    if not pictures:
        return
    try:
        from ecopark.extract.scan import ImagePages, read_images
        from ecopark.extract.scan.page import READ_DPI
    except ImportError:
        doc.notes.append("pages " + ", ".join(sorted({str(p.page) for p in pictures})) +
                         " hold pictures that may be the indicator table; OCR is not available")
        return
    source = ImagePages.from_renders([r(READ_DPI) for r in renders], READ_DPI)
    blocks = read_images(source, doc)
    read = _placed(blocks, pictures)
    for n in sorted(read):
        if not any(isinstance(b, Table) for b in read[n]):
            continue
        text = [(line["top"], Paragraph(line["text"], Location(
            page=n, bbox=(line["x0"], line["top"], line["x1"], line["bottom"])))) for line in lines[n]]
        placed = text + [(b.loc.bbox[1] if b.loc.bbox else 0.0, b) for b in read[n]]
        per_page[n] = [b for _, b in sorted(placed, key=lambda item: item[0])]
        boxes = "; ".join(",".join(f"{v:.0f}" for v in p.bbox) for p in pictures if p.page == n)
        doc.notes.append(f"page {n}: the indicator table is a picture (bbox {boxes}); read by OCR")
    if any(isinstance(b, Table) for n in read for b in read[n]):
        doc.layout = "pdf-text+ocr"


def _pages_to_look_at(text_pages: list[tuple], per_page: dict[int, list[Block]]) -> list[tuple]:
    in_text = any(header_columns(row.texts) for blocks in per_page.values() for block in blocks
                  if isinstance(block, Table) for row in block.rows[:HEADER_ROWS])
    out, previous = [], None
    for entry in text_pages:
        n, _, _, text = entry
        if any(isinstance(b, Table) for b in per_page.get(n, [])):
            previous = None
            continue
        if not in_text or names_table(text) or previous == n - 1:
            out.append(entry)
            previous = n
    return out


def picture_boxes(page, layer: PdfiumPage) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom, points of the page's frame) of the images that could hold
    a table, largest first, overlapping ones merged (a picture drawn in tiles)."""
    width, height = layer.width, layer.height
    boxes = []
    for bounds in image_bounds(page):
        x0, top, x1, bottom = layer.frame.box(*bounds)
        x0, top, x1, bottom = max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom)
        if x1 - x0 >= PICTURE_WIDTH * width and bottom - top >= PICTURE_HEIGHT * height:
            boxes.append((x0, top, x1, bottom))
    boxes = _merged(boxes)
    boxes.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return sorted(boxes[:PICTURES_PER_PAGE], key=lambda b: (b[1], b[0]))


def _merged(boxes: list[tuple]) -> list[tuple]:
    out: list[tuple] = []
    for box in boxes:
        for i, other in enumerate(out):
            if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                out[i] = (min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]),
                          max(box[3], other[3]))
                break
        else:
            out.append(box)
    return out if len(out) == len(boxes) else _merged(out)


def _render(page, layer: PdfiumPage, bbox):
    """A function of dpi giving the region `bbox` of the page as a PIL image, upright in the
    page's frame (what was printed there: the picture and anything drawn over it)."""
    x0, top, x1, bottom = bbox
    turn = layer.frame.render_turn

    def render(dpi: float):
        crop = (x0, layer.height - bottom, layer.width - x1, top)
        return page.render(scale=dpi / 72, rotation=turn, crop=crop).to_pil()

    return render


def _placed(blocks: list[Block], pictures: list[Picture]) -> dict[int, list[Block]]:
    """Blocks of picture k (loc.page = k, bboxes in points of the picture) on their page."""
    out: dict[int, list[Block]] = {}

    def moved(loc: Location, k: int) -> Location:
        picture = pictures[k - 1]
        bbox = loc.bbox
        if bbox is not None:
            dx, dy = picture.bbox[0], picture.bbox[1]
            bbox = (round(bbox[0] + dx, 1), round(bbox[1] + dy, 1), round(bbox[2] + dx, 1), round(bbox[3] + dy, 1))
        return replace(loc, page=picture.page, bbox=bbox)

    for block in blocks:
        k = block.loc.page or _first_page(block)
        if k is None:
            continue
        block.loc = moved(block.loc, k)
        for row in getattr(block, "rows", []):
            row.loc = moved(row.loc, row.loc.page or k)
            for cell in row.cells:
                cell.loc = moved(cell.loc, cell.loc.page or k)
        out.setdefault(pictures[k - 1].page, []).append(block)
    return out


def _first_page(block: Block) -> int | None:
    for row in getattr(block, "rows", []):
        for cell in row.cells:
            if cell.loc.page is not None:
                return cell.loc.page
    return None


