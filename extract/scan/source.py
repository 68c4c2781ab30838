"""Where scanned pages come from: PDF pages (pdfium) or images (PNG, JPEG, TIFF frames, pictures).

The OCR reader asks a source for a page rendered at a resolution, in gray or
colour, and for the page's size in points; it never cares whether the page was
a PDF page or a photo. Images have no page size of their own: their dpi comes
from the file when it is plausible, else from the A4 assumption (the long side
is 11.69 in), and one pixel at that dpi is 72/dpi points of the stored image.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ecopark.schemas.grid import ReadError

A4_LONG_INCHES = 11.69


class PdfPages:
    """The pages of a PDF, rendered by pdfium."""

    kind = "pdf"

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        try:
            self.pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            raise ReadError(f"cannot open PDF for OCR: {e}") from e

    def __len__(self) -> int:
        return len(self.pdf)

    def size(self, number: int) -> tuple[float, float]:
        return tuple(self.pdf[number - 1].get_size())

    def render(self, number: int, dpi: float, colour: bool = False) -> np.ndarray:
        """Gray (h, w) or RGB (h, w, 3) pixels of page `number` (1-based)."""
        bitmap = self.pdf[number - 1].render(scale=dpi / 72, grayscale=not colour)
        img = bitmap.to_numpy()
        if not colour:
            return img[:, :, 0] if img.ndim == 3 else img
        return np.ascontiguousarray(img[:, :, 2::-1]) if bitmap.mode.startswith("BGR") else img[:, :, :3]

    def close(self) -> None:
        self.pdf.close()


@dataclass
class ImagePages:
    """Pages that are pictures: an image file's frames, or pictures taken out of a document.

    `names` says where each picture came from (a DOCX part name), for provenance."""

    frames: list[np.ndarray]                 # gray or RGB, as stored
    dpis: list[float]
    names: list[str] = field(default_factory=list)
    kind: str = "image"

    def __len__(self) -> int:
        return len(self.frames)

    def size(self, number: int) -> tuple[float, float]:
        h, w = self.frames[number - 1].shape[:2]
        k = 72 / self.dpis[number - 1]
        return w * k, h * k

    def render(self, number: int, dpi: float, colour: bool = False) -> np.ndarray:
        img = self.frames[number - 1]
        if not colour and img.ndim == 3:
            img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        elif colour and img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
        scale = dpi / self.dpis[number - 1]
        if abs(scale - 1) < 0.02:
            return img
        h, w = img.shape[:2]
        how = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        return cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=how)

    def close(self) -> None:
        pass

    @classmethod
    def from_renders(cls, renders: list, dpi: float) -> "ImagePages":
        """Regions of pages rendered at `dpi` (PIL images, a picture on a text PDF page, say):
        gray unless they carry colour."""
        frames = [_pixels(r) for r in renders]
        return cls(frames, [float(dpi)] * len(frames))

    @classmethod
    def from_bytes(cls, blobs: list[bytes], names: list[str] | None = None) -> "ImagePages":
        """Every frame of every image (a multi-page TIFF gives several)."""
        from PIL import Image, ImageSequence, UnidentifiedImageError

        frames, dpis, where = [], [], []
        for i, blob in enumerate(blobs):
            try:
                image = Image.open(io.BytesIO(blob))
                for k, frame in enumerate(ImageSequence.Iterator(image)):
                    pixels = _pixels(frame)
                    frames.append(pixels)
                    dpis.append(_dpi(frame, pixels.shape))
                    name = names[i] if names else ""
                    where.append(f"{name} frame {k + 1}" if k and name else name)  # an image file: page = frame
            except (UnidentifiedImageError, OSError) as e:
                raise ReadError(f"the image cannot be decoded ({e})") from None
        return cls(frames, dpis, where)


def _pixels(frame) -> np.ndarray:
    if frame.mode in ("1", "L", "I;16", "I", "F"):
        return np.asarray(frame.convert("L"))
    if frame.mode in ("RGBA", "LA", "P", "PA") and "transparency" in frame.info or frame.mode in ("RGBA", "LA"):
        from PIL import Image

        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    rgb = np.asarray(frame.convert("RGB"))
    spread = np.ptp(rgb[::8, ::8].astype(np.int16), axis=2)
    return rgb if (spread > 40).mean() > 0.0005 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _dpi(frame, shape) -> float:
    """The file's dpi when it is believable for a page (an A4 page comes out 5 to 20 in long)."""
    long_px = max(shape[:2])
    dpi = frame.info.get("dpi", (0, 0))[0] if isinstance(frame.info.get("dpi"), tuple) else 0
    try:
        dpi = float(dpi)
    except (TypeError, ValueError):
        dpi = 0
    if 50 <= dpi <= 1200 and 8 <= long_px / dpi <= 20:
        return dpi
    return long_px / A4_LONG_INCHES
