"""A page's glyphs and ruling lines read by pdfium, in the shape pdfplumber's table code takes.

pdfplumber gets glyphs from pdfminer, which interprets content streams in pure
Python: about 150 ms for a page of table. pdfium reads the same page in a few
milliseconds. pdfplumber's table finder and cell text extraction only look at
`page.chars`, `page.edges` and `page.bbox`, so a page object offering those,
filled from pdfium, lets pdfplumber's algorithms run at pdfium's speed.
"""
from __future__ import annotations

import ctypes
import math
from bisect import bisect_left
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils.clustering import cluster_objects

FLAT = 2.0   # points: a path this thin is a ruling line, not a box
ASCENT = 0.85  # share of the font size above the baseline
AXIS = 0.5   # points: a segment this close to level/plumb is horizontal/vertical
DEDUPE_TOLERANCE = 1  # points: dedupe_chars' default
PATH_DEPTH = 3  # page, forms in it, forms in those: where ruling lines are looked for


class PdfiumPage:
    """chars, edges and bbox of one page; coordinates as pdfplumber's (top-left origin, points),
    in the frame in which the page's text reads upright (`Frame`): a page stored with /Rotate
    90 or 270, or whose text runs sideways, reads the same as an upright one."""

    def __init__(self, page, textpage) -> None:
        self.frame = frame = Frame.of(page, textpage)
        width, height = frame.width, frame.height
        self.width, self.height = width, height
        self.bbox = (0.0, 0.0, width, height)
        glyphs = _chars(textpage, frame)
        chars = glyphs.chars if glyphs.single else _dedupe(glyphs.chars)
        if glyphs.sizes and min(glyphs.sizes) <= RAISED_SIZE * max(glyphs.sizes):
            chars = _raised(chars)  # only a page printed in more than one size has superscripts
        self.chars = chars
        self.edges = _edges(page, frame)
        # centres, as pdfplumber's Table.extract has them
        self._across = [(c["x0"] + c["x1"]) / 2 for c in chars]
        self._down = [(c["top"] + c["bottom"]) / 2 for c in chars]
        self._by_height = sorted(range(len(self.chars)), key=self._down.__getitem__)
        self._heights = [self._down[i] for i in self._by_height]
        self._bands: dict[tuple[float, float], tuple[list[float], list[int]]] = {}

    def chars_in(self, bbox: tuple[float, float, float, float]) -> list[dict]:
        """The chars whose centre is in `bbox` (as pdfplumber's Table.extract decides), in page order.

        Bisections instead of pdfplumber's scan of every char for every cell: the
        chars of a row's band (its top to bottom) are found once and kept sorted by
        their centre's x, as every cell of that row asks for the same band."""
        x0, top, x1, bottom = bbox
        band = self._bands.get((top, bottom))
        if band is None:
            lo, hi = bisect_left(self._heights, top), bisect_left(self._heights, bottom)
            indices = sorted(self._by_height[lo:hi], key=self._across.__getitem__)
            band = self._bands[(top, bottom)] = ([self._across[i] for i in indices], indices)
        xs, indices = band
        picked = sorted(indices[bisect_left(xs, x0):bisect_left(xs, x1)])
        return [self.chars[i] for i in picked]

    def outside(self, boxes: list[tuple[float, float, float, float]]) -> list[dict]:
        """The chars whose centre lies in none of `boxes` (text around the tables)."""
        out = []
        for char, x, y in zip(self.chars, self._across, self._down):
            for box in boxes:
                if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                    break
            else:
                out.append(char)
        return out


class Frame:
    """Where the page's text reads upright, from PDF user space (origin bottom-left).

    `turn` is the direction the text runs in user space (0, 90, 180, 270 degrees
    anticlockwise); coordinates are turned back by it. A page stored with /Rotate 90
    whose content is drawn turned (how a landscape section is stored) then comes out
    as the viewer shows it; a page whose text runs sideways comes out as a person
    would turn it to read. `render_turn` is what to add to pdfium's rendering (which
    applies /Rotate) to show the page in this frame, for crops of it."""

    def __init__(self, turn: int, user_width: float, user_height: float, rotation: int) -> None:
        self.turn = turn
        self.user_width, self.user_height = user_width, user_height
        self.width, self.height = (user_height, user_width) if turn in (90, 270) else (user_width, user_height)
        self.render_turn = (turn - rotation) % 360

    @classmethod
    def of(cls, page, textpage) -> "Frame":
        rotation = page.get_rotation()
        width, height = page.get_size()  # as shown, /Rotate applied
        user = (height, width) if rotation in (90, 270) else (width, height)
        return cls(text_turn(textpage), user[0], user[1], rotation)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) in this frame of the user-space point (x, y)."""
        if self.turn == 0:
            return x, self.user_height - y
        if self.turn == 90:
            return y, x
        if self.turn == 180:
            return self.user_width - x, y
        return self.user_height - y, self.user_width - x

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) in this frame of a user-space box."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


TURN_SAMPLE = 400  # chars looked at at most to tell which way the text runs ...
TURN_SETTLED = 60  # ... or until this many agree (and nine in ten do)


def text_turn(textpage) -> int:
    """The way most of the page's text runs in user space, 0/90/180/270 degrees anticlockwise,
    by the rotation of its glyphs (pdfium's char angle, clockwise), the majority of the first
    TURN_SAMPLE. A glyph's own angle, not the step to the next glyph: in a narrow column each
    line holds a character or two, and text read in order steps down the page as sideways
    text would."""
    raw = textpage.raw
    votes = [0, 0, 0, 0]
    for i in range(min(pdfium_c.FPDFText_CountChars(raw), TURN_SAMPLE)):
        code = _unicode(raw, i)
        if code <= 0x20 or code in (0xFFFE, 0xFFFF):
            continue
        angle = _angle(raw, i)
        if angle < 0:   # pdfium could not tell
            continue
        way = (4 - round(math.degrees(angle) / 90)) % 4
        votes[way] += 1
        if votes[way] >= TURN_SETTLED and votes[way] >= 0.9 * sum(votes):
            break
    return 90 * max(range(4), key=votes.__getitem__) if any(votes) else 0


RAISED_SIZE = 0.9   # a glyph this much smaller than the one before it (Word: 0.65, CSS <sup>: 0.83) ...
RAISED_RISE = 0.2   # ... whose baseline sits this share of that one's size higher is printed raised


def _raised(chars: list[dict]) -> list[dict]:
    """Superscripts as what they show: a footnote digit printed raised after a value ('15.12'
    then a small raised '1') becomes '¹', so the cell reads '15.12¹' and not 15.121, as the DOCX
    reader reads Word's superscript runs (`extract.markup.superscript`). A raised letter stays
    a letter ('a' after a name). A glyph is raised when it is smaller than the glyph it follows
    on the line and its baseline is higher; a run of such glyphs (a two-digit mark) stays raised."""
    last = None        # the last glyph on normal baseline: (its char, baseline)
    raised = None      # (size, baseline) of the superscript run being read
    for char in chars:
        text = char["text"]
        if text.isspace():
            continue
        size, baseline = char["size"], char["bottom"] - (1 - ASCENT) * char["size"]
        if raised is not None and abs(size - raised[0]) < 0.1 and abs(baseline - raised[1]) < 0.5 \
                and last is not None and -1 <= char["x0"] - last[0]["x1"] < 3 * last[0]["size"]:
            up = True
        else:
            raised = None
            up = (last is not None and size <= RAISED_SIZE * last[0]["size"]
                  and baseline < last[1] - RAISED_RISE * last[0]["size"]
                  and -1 <= char["x0"] - last[0]["x1"] < last[0]["size"])
        if up:
            raised = (size, baseline)
            if text.isdigit():
                char["text"] = text.translate(_SUPERSCRIPT_DIGITS)
            # on the line of the glyph it follows: raised by more than the line tolerance, it
            # would otherwise make a line of its own above, and '¹' would come before '0.32'
            char["top"], char["bottom"] = last[0]["top"], last[0]["bottom"]
            continue
        last = (char, baseline)
    return chars


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _dedupe(chars: list[dict]) -> list[dict]:
    """`pdfplumber.utils.text.dedupe_chars(chars)`: of the chars with one text, font and size
    within a point of each other (top, then x0), the first highest-leftmost stays.

    pdfplumber puts the survivors back in page order with `chars.index`, a scan of
    the page per char (50 ms on a fake-bold page); the kept char is always the first
    of any equal ones, so its own position gives that same order."""
    position = {id(c): i for i, c in enumerate(chars)}
    kept = []
    for _, group in groupby(sorted(chars, key=_DEDUPE_KEY), key=_DEDUPE_KEY):
        for line in cluster_objects(list(group), _top, DEDUPE_TOLERANCE):
            for spot in cluster_objects(line, _x0, DEDUPE_TOLERANCE):
                kept.append(min(spot, key=_top_x0))
    return sorted(kept, key=lambda c: position[id(c)])


_DEDUPE_KEY = itemgetter("text", "size")  # pdfplumber's also has upright and fontname: always True and ""
_top, _x0, _top_x0 = itemgetter("top"), itemgetter("x0"), itemgetter("top", "x0")  # pdfplumber's doctop: top, on one page


def _bare(function, restype):
    """A pdfium function without ctypes' argument checks, which cost as much as the call itself.

    Only for the per-glyph and per-object calls, whose arguments are always a pdfium
    pointer, a Python int for a C int index and `byref`s: exactly what the checked
    functions would have converted them to."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)


_unicode = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_generated = _bare(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_loose_box = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_font_size = _bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_matrix = _bare(pdfium_c.FPDFText_GetMatrix, ctypes.c_int)
_origin = _bare(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)
_angle = _bare(pdfium_c.FPDFText_GetCharAngle, ctypes.c_float)
_text_object = _bare(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
# ... and for the walk over a page's objects (hundreds of glyph runs per ruling line)
_page_objects = _bare(pdfium_c.FPDFPage_CountObjects, ctypes.c_int)
_page_object = _bare(pdfium_c.FPDFPage_GetObject, pdfium_c.FPDFPage_GetObject.restype)
_object_type = _bare(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)


class Glyphs(NamedTuple):
    """What `_chars` read off a page: the chars, whether no two of them print one char at one
    spot (rounded to points: fake bold prints every glyph twice there), and the font sizes."""
    chars: list[dict]
    single: bool
    sizes: set[float]


def _chars(textpage, frame: "Frame") -> Glyphs:
    """The printed glyphs of a page, each as a char dict of the keys pdfplumber's chars have
    that the readers use (text, x0, x1, top, bottom, size).

    The per-glyph pdfium calls make most of the time, so there are as few as can be, each
    cheap: the page's text is taken in one call (`_page_text`); the font size, the same for
    every glyph of a text object, is asked once per object; "was this generated?" is asked
    of spaces only, the only printable char pdfium generates (besides line ends, skipped
    anyway); and the calls are bare function pointers (`_bare`)."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = _page_text(raw, count)
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    rect_p, matrix_p, origin_x_p, origin_y_p = (ctypes.byref(rect), ctypes.byref(matrix),
                                                ctypes.byref(origin_x), ctypes.byref(origin_y))
    loose_box, origin, text_object, generated = _loose_box, _origin, _text_object, _generated
    hypot = math.hypot
    height = frame.height
    turned = frame.turn != 0
    sizes: dict[int, float] = {}  # text object -> the font size its glyphs print at
    distinct: set[float] = set()
    spots = set()
    out = []
    for i in range(count):
        char = text[i] if text is not None else chr(_unicode(raw, i))
        if char <= " ":
            if char < " " or generated(raw, i) == 1:
                continue  # line ends, control codes; spaces pdfium inferred, not printed
        elif char in "\ufffe\uffff":
            continue  # unmapped glyphs
        if not loose_box(raw, i, rect_p):  # advance width x font height, as pdfminer measures glyphs
            continue
        owner = text_object(raw, i)
        size = sizes.get(owner) if owner else None
        if size is None:
            size = _font_size(raw, i)  # before the text matrix: "1 Tf" + scaling is common
            if _matrix(raw, i, matrix_p):
                size *= hypot(matrix.c, matrix.d)
            if owner:
                sizes[owner] = size
            distinct.add(size)
        # Height from the baseline and font size, not the font's own ascent: a minus sign in
        # a Latin font and digits in a CJK font must still sit on one line.
        origin(raw, i, origin_x_p, origin_y_p)
        if turned:
            x0, _, x1, _ = frame.box(rect.left, rect.bottom, rect.right, rect.top)
            baseline = height - frame.point(origin_x.value, origin_y.value)[1]
        else:
            x0, x1 = rect.left, rect.right
            baseline = origin_y.value
        top = height - (baseline + ASCENT * size)
        spots.add((char, round(x0), round(top)))
        out.append({"text": char, "x0": x0, "x1": x1, "top": top,
                    "bottom": height - (baseline - (1 - ASCENT) * size), "size": size})
    return Glyphs(out, len(spots) == len(out), distinct)


def _page_text(raw, count: int) -> str | None:
    """The page's chars as one string, a char per index (one pdfium call, not one per glyph);
    None when pdfium's UTF-16 does not map one to one (a char beyond the BMP takes two units,
    and pdfium cuts the text at the count of units asked for)."""
    if count <= 0:
        return ""
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(raw, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[:max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    return text if len(text) == count else None  # a pair decodes to one char: the text comes out short


def _edges(page, frame: "Frame") -> list[dict]:
    """Horizontal and vertical ruling lines: thin paths, and the sides of drawn boxes."""
    out = []
    box = frame.box
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for kind, obj in page_objects(page.raw, PATH_DEPTH):
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if x1 - x0 < FLAT or y1 - y0 < FLAT:
            out.append(_edge(*box(x0, y0, x1, y1)))
            continue
        for a, b in _segments(obj):
            out.append(_edge(*box(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))))
    return [e for e in out if e is not None]


def page_objects(page_raw, depth: int) -> list[tuple[int, object]]:
    """(type, raw object) of every object of a page and of the forms in it (`depth` levels:
    1 is the page alone), in the order pypdfium2's `get_objects` gives them, straight from
    pdfium: its wrapper objects cost more than what they are read for (hundreds of glyph runs
    per ruling line or page image). Forms (rare) are walked with the checked functions: their
    index argument is an unsigned long."""
    return _objects(page_raw, _page_objects, _page_object, 0, depth)


def object_bounds(obj) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) of a page object in the space of its parent (the page, or
    the form it is drawn in), or None when pdfium cannot place it."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    return left.value, bottom.value, right.value, top.value


def image_bounds(page, depth: int = 2):
    """User-space boxes (left, bottom, right, top) of the images of a page, and of those drawn
    inside its forms (`depth` levels), a form's image placed on the page by the form's matrix."""
    yield from _image_bounds(page.raw, _page_objects, _page_object, None, 0, depth)


def _image_bounds(parent, count, get, matrix, level: int, depth: int):
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            bounds = object_bounds(obj)
            if bounds is not None:
                yield bounds if matrix is None else _mapped(bounds, matrix)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < depth - 1:
            inner = pdfium_c.FS_MATRIX()
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, inner):
                continue
            own = (inner.a, inner.b, inner.c, inner.d, inner.e, inner.f)
            yield from _image_bounds(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                                     own if matrix is None else _product(own, matrix), level + 1, depth)


def _mapped(bounds, m) -> tuple[float, float, float, float]:
    a, b, c, d, e, f = m
    left, bottom, right, top = bounds
    xs, ys = [], []
    for x, y in ((left, bottom), (right, bottom), (left, top), (right, top)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _product(inner, outer):
    """The matrix applying `inner` then `outer` (PDF order: inner x outer)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _objects(parent, count, get, level: int, depth: int, out: list | None = None) -> list:
    """A list filled in one walk, not a generator: a page holds hundreds of objects, and a
    generator's resumption per object cost as much as the pdfium calls themselves."""
    out = [] if out is None else out
    kind_of, form = _object_type, pdfium_c.FPDF_PAGEOBJ_FORM
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = kind_of(obj)
        out.append((kind, obj))
        if kind == form and level < depth - 1:
            _objects(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, level + 1, depth, out)
    return out


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict | None:
    if x1 - x0 < FLAT and bottom - top < FLAT:
        return None  # a dot
    if bottom - top < FLAT:
        mid = (top + bottom) / 2
        return {"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": mid, "bottom": mid,
                "doctop": mid, "width": x1 - x0, "height": 0.0}
    if x1 - x0 < FLAT:
        mid = (x0 + x1) / 2
        return {"object_type": "line", "orientation": "v", "x0": mid, "x1": mid, "top": top, "bottom": bottom,
                "doctop": top, "width": 0.0, "height": bottom - top}
    return None


def _segments(obj):
    """Straight axis-aligned pieces of a path, in page space (PDF origin, bottom-left)."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    x, y = ctypes.c_float(), ctypes.c_float()
    pieces = []
    start = current = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = current = point
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and current is not None:
            pieces.append((current, point))
        current = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            pieces.append((point, start))
            current = start
    return [(p, q) for p, q in pieces if abs(p[0] - q[0]) < AXIS or abs(p[1] - q[1]) < AXIS]
