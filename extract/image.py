"""Image files as scanned reports: PNG, JPEG and (multi-page) TIFF, one page per frame.

A park that scans its report to pictures, or photographs it with a phone,
sends exactly what a scanned PDF holds, without the PDF around it; so an image
is read by the OCR reader like a scanned PDF page (`extract.scan`), page n
being the n-th frame. Bounding boxes are in points of the image at its dpi.
"""
from __future__ import annotations

from pathlib import Path

from ecopark.schemas.grid import Document

from .scan import ImagePages, read_images

FORMAT = "image"


def read(path: Path) -> Document:
    path = Path(path)
    source = ImagePages.from_bytes([path.read_bytes()])
    doc = Document(source=str(path), format="image", layout="image-ocr")
    doc.blocks = read_images(source, doc)
    if len(source) > 1:
        doc.notes.append(f"{len(source)} image frames read as pages")
    if not doc.tables:
        doc.notes.append("image: no indicator table found on the pictures")
    return doc
