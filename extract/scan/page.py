"""A scanned page made ready to read: seal ink removed, photo unwarped, turned upright, deskewed.

Pages arrive sideways (a landscape table fed into a portrait scanner), upside
down, photographed at an angle on a desk, or stamped with a red seal across the
values. Each of these is undone here, cheaply and before any cell is cut:

- colour: the triage thumbnail says whether the page carries red ink; only then
  is the page rendered in colour, and its red channel is the gray image (red
  ink is bright there, black print stays black), its white point lowered;
- photo: a page lying on a darker desk is found as the largest bright
  quadrilateral and warped flat (images only: PDF pages are scanner output);
- quarter turns: on the 72-dpi thumbnail, text lines are long flat blobs once
  characters are joined along the line; a page whose blobs stand upright is
  turned by 90° — one extra cheap pass, no OCR;
- half turns: a dozen text-line crops go through the 0°/180° line classifier
  that ships with rapidocr;
- skew: the angle of the long ruling lines (`grid.skew_angle`).

Every step is a 3x3 transform, so a pixel box of the working image maps back
to PDF points of the page as stored (`PageImage.points`): provenance and crops
always refer to the stored page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from . import grid as ocr_grid
from .engine import upside_down

READ_DPI = 200
TRIAGE_DPI = 72
RED_SHARE = 0.0004  # share of thumbnail pixels in red ink that makes a page worth rendering in colour


def reddish(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red ink (a seal, a red signature): red well above green and blue."""
    r, g, b = (rgb[:, :, i].astype(np.int16) for i in range(3))
    return (r > 100) & (r - g > 40) & (r - b > 30)


def without_red(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gray image of a colour page with red ink removed, and the mask of the seal's area.

    In the red channel red (and orange) ink is nearly as bright as paper while
    black print stays dark, also where print and seal overlap (inks multiply),
    and on neutral pixels it is the gray value itself. Seal ink is still a
    little darker than paper there, so red pixels alone are lifted to white by
    the seal's own level in the red channel; print keeps every gray level it
    had (a white point lowered for the whole page thins the strokes of a soft
    scan until '%' reads 'º0'). The lift fades in with the pixel's redness and is
    spread over a pixel or two, where JPEG's coarser colour leaves the seal's
    edges less red than its middle."""
    r = np.ascontiguousarray(rgb[:, :, 0])
    redness = r.astype(np.int16) - np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    weight = np.clip((redness.astype(np.float32) - 15) / 45, 0, 1)
    weight = cv2.dilate(weight, np.ones((3, 3), np.uint8))
    strong = r[redness > 80]
    level = float(np.clip(np.percentile(strong, 30), 140, 235)) if strong.size >= 50 else 185.0
    lifted = np.minimum(r.astype(np.float32) * (255.0 / level), 255)
    gray = (r + weight * (lifted - r)).astype(np.uint8)
    return gray, seal_area(rgb)


def seal_area(rgb: np.ndarray) -> np.ndarray:
    """Where red ink lies, as whole shapes: each blob of red ink (a seal's ring, its star and
    ring text, a signature) closed and filled to its convex hull, so the middle of a round seal
    and a faded stretch of its ring count as seal too."""
    small = cv2.resize(rgb, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    red = reddish(small).astype(np.uint8)
    step = max(3, int(0.02 * max(small.shape[:2])))  # about a fifth of an inch
    red = cv2.morphologyEx(cv2.dilate(red, np.ones((3, 3), np.uint8)), cv2.MORPH_CLOSE,
                           np.ones((step, step), np.uint8))
    contours, _ = cv2.findContours(red, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = np.zeros_like(red)
    for contour in contours:
        cv2.fillPoly(area, [cv2.convexHull(contour)], 1)
    area = cv2.dilate(area, np.ones((3, 3), np.uint8))
    return cv2.resize(area, rgb.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0


def ink_of(gray: np.ndarray, seal: np.ndarray | None) -> np.ndarray:
    """The ink mask; inside a seal's area, its faint leftovers are left out as well.

    JPEG shares colour between neighbouring pixels, so a thin red stroke keeps
    some darkness in the red channel. It stays far lighter than print, which the
    adaptive threshold, relative to the paper around, does not tell. So inside a
    seal's area a blob of ink is kept only when its darkest pixel is darker than
    halfway between paper and the darkest pixel of a typical blob of print
    elsewhere on the page: a stroke of print has a dark core and keeps its soft
    edges, a seal's leftover is light all through and goes as a whole (cleared
    pixel by pixel, print lost its edges and residue kept its middle)."""
    binary = ocr_grid.ink(gray)
    if seal is None or not seal.any():
        return binary
    n, labels, _, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    darkest = np.full(n, 255, np.int32)
    np.minimum.at(darkest, labels.ravel(), gray.ravel().astype(np.int32))
    sealed = np.zeros(n, bool)
    sealed[np.unique(labels[seal])] = True
    sealed[0] = False
    elsewhere = darkest[1:][~sealed[1:]]
    typical = float(np.median(elsewhere)) if elsewhere.size else 128.0
    faint = sealed & (darkest >= (typical + 255) / 2)
    binary[faint[labels] & seal] = 0
    return binary


@dataclass
class Thumbnail:
    """The 72-dpi look at a page that triage, orientation and the colour decision share."""
    gray: np.ndarray
    red: bool


def thumbnail(source, number: int) -> Thumbnail:
    if source.kind == "image" and source.frames[number - 1].ndim == 2:
        return Thumbnail(source.render(number, TRIAGE_DPI), False)
    rgb = source.render(number, TRIAGE_DPI, colour=True)
    red = bool(reddish(rgb).mean() > RED_SHARE)
    return Thumbnail(np.ascontiguousarray(rgb[:, :, 0]) if red else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), red)


def quarter_turned(gray: np.ndarray) -> bool:
    """True when the text lines of a (thumbnail) page run top to bottom.

    Characters are joined along one axis by closing with a short kernel (a
    character gap, not a line gap); lines of text then become blobs several
    times longer than high along the reading direction. Ruling lines are
    removed first: a table's rules run both ways and would vote for both."""
    binary = ocr_grid.ink(gray)
    h, w = binary.shape
    rules = cv2.bitwise_or(ocr_grid.ruling(binary, max(20, w // 12), True),
                           ocr_grid.ruling(binary, max(20, h // 12), False))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rules, np.ones((3, 3), np.uint8))))
    return _elongated(text, vertical=True) > 1.5 * _elongated(text, vertical=False) + 5


def _elongated(text: np.ndarray, vertical: bool) -> int:
    kernel = np.ones((4, 1) if vertical else (1, 4), np.uint8)
    joined = cv2.morphologyEx(text, cv2.MORPH_CLOSE, kernel)
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    along, across = (h, w) if vertical else (w, h)
    return int(((along >= 4 * across) & (across >= 5) & (across <= 30)).sum())


def _page_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners (tl, tr, br, bl) of a page photographed on a darker background, or None."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    border = np.concatenate([small[:3].ravel(), small[-3:].ravel(), small[:, :3].ravel(), small[:, -3:].ravel()])
    if np.median(border) > 170:
        return None  # paper to the edge: a scan, not a photo
    _, mask = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    if cv2.contourArea(page) < 0.3 * small.size:
        return None
    quad = cv2.approxPolyDP(page, 0.02 * cv2.arcLength(page, True), True)
    if len(quad) != 4:
        return None
    pts = quad.reshape(4, 2).astype(np.float32) * 4
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.float32([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def _turn(img: np.ndarray, quarter: int) -> tuple[np.ndarray, np.ndarray]:
    """`img` turned clockwise by quarter x 90°, and the 3x3 matrix of that turn on pixels."""
    h, w = img.shape[:2]
    if quarter % 4 == 1:
        return np.ascontiguousarray(np.rot90(img, -1)), np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float)
    if quarter % 4 == 2:
        return np.ascontiguousarray(img[::-1, ::-1]), np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float)
    if quarter % 4 == 3:
        return np.ascontiguousarray(np.rot90(img, 1)), np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float)
    return img, np.eye(3)


@dataclass
class PageImage:
    """A page ready for reading: upright deskewed grayscale, its ink mask, and the way back."""
    number: int
    gray: np.ndarray
    binary: np.ndarray
    angle: float
    to_working: np.ndarray = field(default_factory=lambda: np.eye(3))  # stored points -> working pixels
    turned: int = 0          # clockwise quarter turns that made it upright
    seal_removed: bool = False
    unwarped: bool = False
    seal: np.ndarray | None = None  # where red ink was removed (working pixels), if anywhere

    def under_seal(self, box) -> bool:
        """Does a pixel box of the working image lie (partly) where red ink was removed?"""
        if self.seal is None:
            return False
        x0, y0, x1, y1 = box
        return bool(self.seal[y0:y1, x0:x1].any())

    @classmethod
    def of(cls, source, number: int, thumb: Thumbnail | None = None) -> "PageImage":
        thumb = thumb or thumbnail(source, number)
        seal = None
        if thumb.red:
            gray, seal = without_red(source.render(number, READ_DPI, colour=True))
            seal = seal.astype(np.uint8) * 255
        else:
            gray = source.render(number, READ_DPI)
        matrix = np.diag([READ_DPI / 72, READ_DPI / 72, 1.0])
        unwarped = False
        if source.kind == "image":
            quad = _page_quad(gray)
            if quad is not None:
                homography, size = _unwarp(quad)
                gray = cv2.warpPerspective(gray, homography, size, flags=cv2.INTER_LINEAR, borderValue=255)
                if seal is not None:
                    seal = cv2.warpPerspective(seal, homography, size, flags=cv2.INTER_NEAREST)
                matrix, unwarped = homography @ matrix, True
        quarter = 1 if quarter_turned(_small(gray)) else 0
        gray, turn = _turn(gray, quarter)
        seal = None if seal is None else _turn(seal, quarter)[0]
        matrix = turn @ matrix
        binary = ink_of(gray, None if seal is None else seal > 127)
        if _upside_down(gray, binary):
            gray, turn = _turn(gray, 2)
            seal = None if seal is None else _turn(seal, 2)[0]
            matrix, quarter = turn @ matrix, quarter + 2
            binary = ink_of(gray, None if seal is None else seal > 127)
        angle = ocr_grid.skew_angle(binary)
        if angle == 0.0:
            angle = text_skew(binary)  # no long rules (a three-line or borderless table, narrative)
        if abs(angle) >= 0.05:
            gray = ocr_grid.deskew(gray, angle)
            seal = None if seal is None else ocr_grid.deskew(seal, angle)
            binary = ink_of(gray, None if seal is None else seal > 127)
            matrix = np.vstack([ocr_grid.rotation(gray.shape, angle), [0, 0, 1]]) @ matrix
        return cls(number, gray, binary, angle, matrix, quarter % 4, thumb.red, unwarped,
                   None if seal is None else seal > 127)

    def points(self, box) -> tuple[float, float, float, float]:
        """Pixel box of the working image back to PDF points of the page as stored."""
        x0, y0, x1, y1 = box
        back = np.linalg.inv(self.to_working)
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ back.T
        corners = corners[:, :2] / corners[:, 2:]
        return (round(corners[:, 0].min(), 1), round(corners[:, 1].min(), 1),
                round(corners[:, 0].max(), 1), round(corners[:, 1].max(), 1))


def text_skew(binary: np.ndarray, limit: float = 2.5, step: float = 0.1) -> float:
    """Degrees to rotate by so that text lines become level, where there are no rules to go by.

    The row profile of ink is sharpest (most variance) when the lines are level;
    tried on a half-size copy over a small range of angles, coarse then fine. The copy is
    turned without interpolation: a bilinear turn blurs every angle but 0, whose profile then
    wins over a true skew of up to a degree (pages scanned 0.5-1.1° off were left as they were).
    A quarter-size copy is too coarse for the peak to show."""
    small = cv2.resize(binary, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small.shape

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                                flags=cv2.INTER_NEAREST)
        return float(turned.sum(axis=1, dtype=np.float64).var())

    coarse = max(np.arange(-limit, limit + 1e-9, 0.5), key=sharpness)
    return float(max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, step), key=sharpness))


def _small(gray: np.ndarray) -> np.ndarray:
    k = TRIAGE_DPI / READ_DPI
    return cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)


def _unwarp(quad: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The homography that makes the page inside `quad` a flat A4 rectangle at READ_DPI, and its size."""
    top, left = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[3] - quad[0])
    portrait = left >= top
    w, h = (round(8.27 * READ_DPI), round(11.69 * READ_DPI)) if portrait else \
        (round(11.69 * READ_DPI), round(8.27 * READ_DPI))
    target = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    return cv2.getPerspectiveTransform(quad, target).astype(float), (w, h)


def _upside_down(gray: np.ndarray, binary: np.ndarray) -> bool:
    """Ask the line classifier about the dozen widest text lines of the page."""
    h, w = binary.shape
    em = 0.14 * ocr_grid.dpi_of(binary)
    rules = cv2.bitwise_or(ocr_grid.ruling(binary, max(40, w // 20), True),
                           ocr_grid.ruling(binary, max(40, h // 20), False))
    text = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rules, np.ones((5, 5), np.uint8))))
    joined = cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((1, max(3, int(0.4 * em))), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    lines = [(x, y, bw, bh) for x, y, bw, bh, _ in stats[1:]
             if 0.6 * em <= bh <= 1.8 * em and bw >= 3 * bh]
    lines = sorted(lines, key=lambda b: -b[2])[:12]
    if len(lines) < 3:
        return False
    crops = [cv2.copyMakeBorder(gray[y:y + bh, x:x + bw], 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)
             for x, y, bw, bh in lines]
    return upside_down(crops) > 0.6
