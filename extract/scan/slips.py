"""Known OCR confusions in indicator-table cells, caught before they become silent errors.

A recogniser that reads `/` as `1`, a hyphen as `一`, or drops a decimal point
still reports a high score. What makes such a slip visible is knowing what the
cell should look like: its column (value, unit, requirement — from the header),
the catalogue's unit and requirement for the row's indicator, and the glyph
itself (a lone dash's length says hyphen or em dash; a lone stroke's slant says
`/` or `1`; a number with more ink blobs than characters lost one).

The rule for every check: fix only what is unambiguous and then cap the
confidence a little (SAFE_FIX); when in doubt keep what was read and drop the
confidence below the review threshold (DOUBT), which the record builder turns
into OCR_LOW_CONFIDENCE. Nothing is ever replaced by a guess without a flag.
"""
from __future__ import annotations


from functools import lru_cache

import cv2
import numpy as np
import regex
from rapidfuzz.distance import Levenshtein

from ecopark.schemas.catalogue import load as catalogue
from ecopark.schemas.review import OCR_REVIEW_BELOW
from ecopark.schemas.text import is_dash
from ecopark.schemas.vocabulary import column_role, column_words

from . import grid as ocr_grid
from .engine import recognise, tally

SAFE_FIX = 0.9   # a fix that cannot be wrong, still marked as touched
DOUBT = 0.6      # below the review threshold (OCR_REVIEW_BELOW): a person checks the scan
assert DOUBT < OCR_REVIEW_BELOW <= SAFE_FIX

# the shared vocabulary's roles, as the checks here call them
ROLE_NAMES = {"name": "label", "assessed": "selected"}

NUMERIC = regex.compile(r"[-+]?[0-9]+(?:[.,][0-9]+)*%?")
LETTER_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                               "，": ",", "．": ".", "·": "."})


def column_roles(texts: dict[int, str]) -> dict[int, str]:
    """{column: role} for a header row (schemas.vocabulary's words); empty unless at least three
    columns are recognised. A value column may repeat (2016年 | 2018年), no other role does."""
    roles: dict[int, str] = {}
    for col, text in sorted(texts.items()):
        found = column_role(text)
        if found is None:
            continue
        role = ROLE_NAMES.get(found.role, found.role)
        if role == "value" or role not in roles.values():
            roles[col] = role
    return roles if len(roles) >= 3 else {}


def mended_header(texts: dict[int, str]) -> dict[int, str]:
    """{column: header word} for header cells read one glyph off a word of the vocabulary ('教值'
    for 数值, '单住' for 单位), in a row that is a header without them: a header with no value
    column makes every record of its table come out empty. A cell is mended only when one word
    of at least two characters, of a role the row lacks, is one substitution away, never a word
    of one character (序/号 stand alone in wrapped headers)."""
    roles = column_roles(texts)
    if not roles:
        return {}
    have = set(roles.values())
    out = {}
    for col, text in texts.items():
        t = "".join(text.split())
        if col in roles or len(t) < 2 or column_role(t) is not None:
            continue
        near = {(word, role) for word, role in column_words()
                if len(word) == len(t) and Levenshtein.distance(word, t) == 1
                and ROLE_NAMES.get(role, role) not in have}
        if len({role for _, role in near}) == 1 and len(near) == 1:
            out[col] = next(iter(near))[0]
            tally("ocr_fix: a header word read one glyph off")
    return out


def catalogue_entry(label: str):
    """The catalogue row a label most likely names, or None; approximate on purpose (OCR)."""
    return catalogue().closest(label)


CLEAR_LABEL = 88   # a label read this close to a catalogue name names it, whatever 序号 says
IN_BLOCK = 55      # within the entries of the row's 序号 and kind, a label this close is enough


def row_entry(label: str, number: str = "", requirement: str = ""):
    """The catalogue row a table row names, from its label and, where the label alone is too far off
    (cut by a page break, '建设规划实施后新增'; a glyph misread, '回用奉'), from its 序号 and kind:
    the entries of that 序号 that are components ('-' for requirement) or indicators, the closest
    label among them. A label read clearly wins over a 序号, which OCR misreads too."""
    scored = catalogue().ratios(label or "")
    if not scored:
        return None
    req = "".join((requirement or "").split())
    kind = "component" if is_dash(req) else "indicator" if req else None
    clear = _closest([t for t in scored if t[0] >= CLEAR_LABEL], kind)
    if clear is not None:
        return clear
    n = "".join((number or "").split()).translate(LETTER_DIGITS)  # read before _serial mends 'II'
    if n.isdigit():
        near = _closest([t for t in scored if str(t[1].number) == n and t[0] >= IN_BLOCK], kind)
        if near is not None:
            return near
    return catalogue_entry(label)


def _closest(scored: list, kind: str | None):
    """The one entry scored highest, of the row's kind where the kind is known; None for a tie."""
    if kind:
        scored = [t for t in scored if t[1].kind == kind] or scored
    top = max((sc for sc, _ in scored), default=None)
    best = [e for sc, e in scored if sc == top]
    return best[0] if len(best) == 1 else None


def review(cells, roles: dict[int, str], page) -> None:
    """Check and, where safe, correct every cell of one table page in place; each cell left below
    the review threshold says why in `doubts`, and the other texts its glyphs allow in `readings`."""
    role_of = {c.box.col: roles.get(c.box.col) for c in cells}
    recognised = {id(c): c.confidence for c in cells}
    em = page.em
    labels = {}
    beside = {(c.box.row, role_of[c.box.col]): c.text for c in cells if role_of[c.box.col] in ("number", "requirement")}
    for c in cells:
        if role_of[c.box.col] == "label" and c.text:
            labels[c.box.row] = row_entry(c.text, beside.get((c.box.row, "number"), ""),
                                          beside.get((c.box.row, "requirement"), ""))
    second = []
    for c in cells:
        role = role_of[c.box.col]
        if not c.lines:
            continue
        if role == "value":
            _join_wrapped_number(c)
        if len(c.lines) == 1:
            _lone_glyph(c, page, em)
        if role == "value":
            _value(c, page)
            if NUMERIC.fullmatch(c.text) and not c.wrapped:
                second.append(c)
        elif role == "number":
            _serial(c)
        elif role == "unit":
            _against_catalogue(c, labels.get(c.box.row), "unit")
        elif role == "requirement":
            _requirement(c, labels.get(c.box.row))
    _second_opinion(second, page)
    units = {c.box.row: c.text for c in cells if role_of[c.box.col] == "unit"}
    for c in second:
        _plausible_share(c, units.get(c.box.row), labels.get(c.box.row))
        _separator(c, page, units.get(c.box.row), labels.get(c.box.row))
        _lost_minus(c, page)
    for c in cells:
        _say_why(c, recognised.get(id(c)))


def _say_why(c, recognised: float | None) -> None:
    """A cell left below the review threshold names its doubt: the recogniser's own low score
    when that is where it came from (a fix that settled the glyph lifts it)."""
    low = c.confidence is not None and c.confidence < OCR_REVIEW_BELOW
    if not low:
        return
    if recognised is not None and recognised < OCR_REVIEW_BELOW:
        c.doubts.insert(0, f"recognised with confidence {recognised:.2f}")
    elif not c.doubts and not c.readings:
        c.doubts.append(f"confidence {c.confidence:.2f}")


def _plausible_share(c, unit: str | None, entry) -> None:
    """A percentage above 100 (other than a growth rate) is a lost decimal point far more
    often than a fact: 8564 for 85.64."""
    unit = unit or (entry.unit if entry else "")
    label = entry.name_zh if entry else ""
    value = c.texts[0].rstrip("%").replace(",", "")
    if unit.strip() == "%" and "增长" not in label and regex.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) \
            and float(value) > 100:
        _cap(c, 0, DOUBT, "percentage above 100")


COUNTS = {"人", "个", "家", "次", "次/年", "项", "件"}  # units of whole numbers


def _separator(c, page, unit: str | None, entry) -> None:
    """'37.807' or '37,807': a point and a comma differ by a tail, which a scan may lose, and the
    reading differs by a factor of 1000. One separator before exactly three digits is doubtful
    unless the glyph on the page shows which one it is; a decimal in a count is read as a
    thousands separator only by a person."""
    text = c.texts[0]
    m = regex.fullmatch(r"-?[1-9][0-9]{0,2}([.,])[0-9]{3}%?", text)  # '0.414' has no thousands reading
    if not m:
        return
    unit = (unit or (entry.unit if entry else "")).strip()
    tail = _comma_tail(c.lines[0], page)
    shown = "," if tail else "." if tail is not None else None
    other = text.replace(m.group(1), "," if m.group(1) == "." else ".")
    if unit in COUNTS and m.group(1) == ".":
        _cap(c, 0, DOUBT, f"'{text}' is a count ({unit}): a decimal point or a thousands separator?", other)
    elif shown is None or shown != m.group(1):
        _cap(c, 0, DOUBT, f"'{text}' may be {other}", other)


def _comma_tail(line, page) -> bool | None:
    """Whether the separator of a number on the page descends below the baseline (a comma):
    True, False (a point), or None when no separator blob is found."""
    if page is None or getattr(page, "binary", None) is None:
        return None
    crop = page.binary[line.y0:line.y1 + 3, line.x0:line.x1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    blobs = stats[1:]
    if len(blobs) < 3:
        return None
    heights = blobs[:, cv2.CC_STAT_HEIGHT]
    tall = heights >= 0.6 * heights.max()
    baseline = float(np.median((blobs[:, cv2.CC_STAT_TOP] + heights)[tall]))
    small = [b for b, t in zip(blobs, tall) if not t and b[cv2.CC_STAT_HEIGHT] <= 0.45 * heights.max()
             and b[cv2.CC_STAT_TOP] + b[cv2.CC_STAT_HEIGHT] >= baseline - 0.2 * heights.max()]
    if len(small) != 1:
        return None
    sep = small[0]
    return bool(sep[cv2.CC_STAT_TOP] + sep[cv2.CC_STAT_HEIGHT] > baseline + 0.12 * heights.max())


def _lost_minus(c, page) -> None:
    """A minus sign the recogniser dropped is still a short flat stroke left of the digits."""
    text = c.texts[0]
    if text.startswith("-") or page is None or getattr(page, "binary", None) is None:
        return
    line = c.lines[0]
    crop = page.binary[line.y0:line.y1, line.x0:line.x1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    blobs = sorted(stats[1:], key=lambda b: b[cv2.CC_STAT_LEFT])
    if len(blobs) < 2:
        return
    first, height = blobs[0], max(b[cv2.CC_STAT_HEIGHT] for b in blobs)
    w, h = first[cv2.CC_STAT_WIDTH], first[cv2.CC_STAT_HEIGHT]
    mid = first[cv2.CC_STAT_TOP] + h / 2
    if (w >= 2 * h and h <= 0.25 * height and 0.3 * height <= mid <= 0.8 * height) or _fused_minus(crop, height):
        _cap(c, 0, DOUBT, f"a minus sign on the page, none in '{text}'", "-" + text)


def _fused_minus(crop: np.ndarray, height: int) -> bool:
    """A minus that a blurred scan joined to the first digit ('-0.029' as one blob): the line's
    first columns (a quarter of its height at least) hold only a thin flat stroke at mid-height,
    where a digit's left side grows tall within a column or two."""
    inked = np.flatnonzero(crop.any(axis=0))
    if not len(inked):
        return False
    run = 0
    for column in crop[:, inked[0]:].T:
        ys = np.flatnonzero(column)
        if not len(ys):
            break
        top, bottom = ys[0], ys[-1]
        if bottom - top + 1 > 0.3 * height or not 0.3 * height <= (top + bottom) / 2 <= 0.8 * height:
            break
        run += 1
    return run >= max(3, 0.25 * height)


def _join_wrapped_number(c) -> None:
    """A number wrapped in a narrow column ('1449735.' over '44') is one number."""
    if len(c.texts) > 1 and all(regex.fullmatch(r"[-0-9.,%]+", t) for t in c.texts):
        first, last = c.lines[0], c.lines[-1]
        joined = ocr_grid.TextLine(min(ln.x0 for ln in c.lines), first.y0, max(ln.x1 for ln in c.lines), last.y1,
                                   sum(ln.components for ln in c.lines), sum(ln.dots for ln in c.lines))
        c.texts, c.scores, c.lines = ["".join(c.texts)], [min(c.scores)], [joined]
        c.wrapped = True


def _cap(c, i: int, score: float, why: str = "fixed", reading: str | None = None) -> None:
    """Lower a line's confidence; why it was lowered is counted on the Document being read.

    Below the review threshold the cell keeps why in `doubts`, unless the doubt is only which
    of two texts the glyphs show: then the other text goes to `readings`, for normalize to
    weigh against the row's unit and formulas."""
    if score < c.scores[i]:
        tally(f"ocr_doubt: {why}")
    c.scores[i] = min(c.scores[i], score)
    if score < OCR_REVIEW_BELOW:
        if reading is None:
            c.doubts.append(why)
        elif reading not in c.readings and reading != c.text:
            c.readings.append(reading)


def dash(line, em: float) -> tuple[str, float] | None:
    """A lone flat stroke is a dash; its length says which one. (text, confidence) or None.

    The recogniser is poor at a dash alone (it says '-', '一' or '—' at random
    with low scores); the shape is not: a hyphen is a third of an em, a dash
    (—) or the CJK 'one' a whole em. Between the two is left to a person."""
    w, h = line.x1 - line.x0, line.y1 - line.y0
    if line.components != 1 or h > 0.3 * em or w < 1.4 * h:
        return None
    ratio = w / em
    if ratio < 0.5:
        return "-", 0.95
    if ratio > 0.75:
        return "—", 0.95
    return "-", DOUBT


def _lone_glyph(c, page, em: float) -> None:
    """A lone upright or leaning stroke: '/' and '1' are told apart by slant, not by the recogniser."""
    line = c.lines[0]
    text = c.texts[0].strip()
    if line.components != 1 or len(text) != 1 or text not in "/1lI|丨" or line.y1 - line.y0 < 0.4 * em:
        return
    slant = _slant(page.binary[line.y0:line.y1, line.x0:line.x1])
    glyph = "/" if slant > 0.25 else "1" if slant < 0.1 else None
    if glyph is None:
        _cap(c, 0, DOUBT, "stroke neither / nor 1")
    else:  # the slant decides, whatever the recogniser said and however sure it was
        if glyph != text:
            tally("ocr_fix: slash/one decided by slant")
        c.texts[0], c.scores[0] = glyph, SAFE_FIX


def _slant(blob: np.ndarray) -> float:
    """How far the stroke leans right per unit of height (0 upright, ~0.4 for a slash)."""
    ys, xs = np.nonzero(blob)
    if len(ys) < 5 or np.ptp(ys) == 0:
        return 0.0
    top, bottom = xs[ys <= np.percentile(ys, 25)].mean(), xs[ys >= np.percentile(ys, 75)].mean()
    return float((top - bottom) / (np.ptp(ys) + 1) * 2)


def _value(c, page) -> None:
    for i, text in enumerate(c.texts):
        fixed = text.strip()
        if regex.fullmatch(r"[一－—–―]+", fixed):           # a dash read as the CJK 'one'
            fixed = "-"
        elif regex.fullmatch(r"[=＝二]", fixed):               # a dash read as '=' (a seal's or a rule's trace)
            c.texts[i] = "-"
            _cap(c, i, DOUBT, "'=' read where a dash stands")
            continue
        elif regex.fullmatch(r"[一－—–―][0-9.,]+%?", fixed):  # minus sign read as 'one'
            fixed = "-" + fixed[1:]
        elif regex.search(r"[0-9]", fixed) and not regex.search(r"\p{Han}", fixed):
            candidate = fixed.translate(LETTER_DIGITS)
            if NUMERIC.fullmatch(candidate):
                fixed = candidate
        elif regex.fullmatch(r"[lI|Oo〇]+", fixed):             # digits read as look-alike letters only
            fixed = fixed.translate(LETTER_DIGITS)              # ('11' as 'll'): a value is never 'll'
        if fixed != text:
            c.texts[i] = fixed
            _cap(c, i, SAFE_FIX)
        if NUMERIC.fullmatch(fixed):
            fixed = _comma_for_point(c, i, fixed, page)
            _number_shape(c, i, fixed)
        elif regex.search(r"[0-9]", fixed) and not regex.search(r"\p{Han}", fixed):
            _cap(c, i, DOUBT, "digits mixed with other signs")


def _serial(c) -> None:
    """序号 is a small integer: letters that look like digits in it are digits."""
    for i, text in enumerate(c.texts):
        fixed = text.strip().translate(LETTER_DIGITS)
        if fixed != text and fixed.isdigit():
            c.texts[i] = fixed
            _cap(c, i, SAFE_FIX)


def _comma_for_point(c, i: int, text: str, page) -> str:
    """'135509,97': one comma, no point, and not before a group of three digits, has no thousands
    reading; it is a decimal point whose dot the recogniser (or a JPEG's ringing) gave a tail.
    Read as a point; certain when the page shows a point there, else a person checks."""
    m = regex.fullmatch(r"(-?[0-9]+),([0-9]+)(%?)", text)
    if not m or len(m.group(2)) == 3:
        return text
    fixed = f"{m.group(1)}.{m.group(2)}{m.group(3)}"
    c.texts[i] = fixed
    if len(c.texts) == 1 and _comma_tail(c.lines[i], page) is False:
        _cap(c, i, SAFE_FIX)
    else:
        _cap(c, i, DOUBT, f"'{text}' has a comma where only a decimal point can stand")
    return fixed


def _number_shape(c, i: int, text: str) -> None:
    """Points on the page against points in the text: a decimal point the recogniser dropped
    is still a dot on the baseline; a point doubled or at an end is a slip too."""
    if c.lines[i].dots > text.count("."):
        whole = regex.fullmatch(r"(-?)([0-9]{2,})(%?)", text)
        if whole and len(c.texts) == 1:  # the point may sit between any two digits: each is a reading
            sign, digits, pct = whole.groups()
            for k in range(1, len(digits)):
                _cap(c, i, DOUBT, "a printed point not in the text", f"{sign}{digits[:k]}.{digits[k:]}{pct}")
        else:
            _cap(c, i, DOUBT, "a printed point not in the text")
    if ".." in text or text.endswith(".") or text.startswith("."):
        _cap(c, i, DOUBT, "stray decimal point")
    if text.count(".") > 1:
        _cap(c, i, DOUBT, "two decimal points")  # '-0.4.85' may be what was printed; a person looks


def _second_opinion(cells, page) -> None:
    """Read numeric values again from a binarised, enlarged crop; any disagreement is doubt."""
    crops, where = [], []
    for c in cells:
        for i, ln in enumerate(c.lines):
            img = ocr_grid.line_image(page.gray, ln, margin=0.5)
            img = cv2.resize(img, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
            _, img = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            crops.append(img)
            where.append((c, i))
    for (c, i), (text, score) in zip(where, recognise(crops, page.number)):
        again = text.strip().translate(LETTER_DIGITS)
        if again != c.texts[i] and not (again.lstrip("一－—") == c.texts[i].lstrip("-") and c.texts[i].startswith("-")):
            # a number read otherwise is one more reading of a one-line cell; anything else is doubt
            number = NUMERIC.fullmatch(again) and len(c.texts) == 1
            _cap(c, i, DOUBT, f"a second reading gives '{again}'", again if number else None)


UNIT_MISREADS = {"%": {"%0", "%6", "%o", "90", "96", "0/0", "%.", "%1"}}  # '%' as low-dpi scans come out


def _against_catalogue(c, entry, field: str) -> None:
    """A unit that differs from the catalogue's only by a confusable character is a slip; so is
    one that is no unit at all but one character off the catalogue's ('哺' for '吨', '%6' for
    '%'): a unit cell misread at low resolution, not a different unit (a different unit, 万吨
    for 吨, is a unit and is kept as printed)."""
    if entry is None or not c.texts:
        return
    expected = getattr(entry, field)
    got = c.text.replace("\n", "")
    if got == expected:
        return
    if field == "unit" and (got in UNIT_MISREADS.get(expected, ()) or misread_unit(got, expected)):
        c.texts, c.scores, c.lines = [expected], [min(min(c.scores), SAFE_FIX)], c.lines[:1]
        tally("ocr_fix: unit misread, the catalogue's unit for the row")
        return
    if len(expected) < 2:
        return
    if _confusable(got) == _confusable(expected):
        c.texts = [expected]
        c.scores = [min(min(c.scores), SAFE_FIX)]
        c.lines = c.lines[:1]


def misread_unit(got: str, expected: str) -> bool:
    """Whether a unit cell read as `got` is the catalogue's `expected` unit misread: `got` is no
    unit at all (a unit the tables know, 万吨 for 吨, is a unit and never replaced), and it is
    `expected` with one glyph lost (at the cell's edge, '亿元/平方公', or where the cell wraps,
    '亿元/平方' over '里': the rest is no unit, so nothing else was printed), or with glyphs off
    that no unit has ('哺' for '吨', '厅认方米' for '万立方米'), or, for '%', one to three glyphs
    of no unit ('00', 'D0', '96', '哈': what a small '%' comes out as at low dpi)."""
    if not got or not expected or known_unit(got):
        return False
    if expected == "%":  # never a glyph of a unit ('‰' is one, and so are 人, 个, 吨 ...)
        return len(got) <= 3 and not any(ch in unit_glyphs() or ch in "‰‱" for ch in got.replace("%", ""))
    if len(got) >= 3 and len(expected) == len(got) + 1 and Levenshtein.distance(got, expected) == 1:
        return True
    off = [a for a, b in zip(got, expected) if a != b] if len(got) == len(expected) else list(got)
    if any(ch in unit_glyphs() for ch in off):
        return False  # '千立方米' for '万立方米' may be another unit: kept, and UNIT_UNKNOWN says so
    if len(got) == len(expected) and len(off) == 1:
        return True
    return len(expected) >= 3 and Levenshtein.distance(got, expected) <= len(expected) // 2


@lru_cache(maxsize=1)
def unit_glyphs() -> frozenset[str]:
    """Every character of every unit the catalogue and the unit table know."""
    from ecopark.schemas.catalogue import normalize_unit

    cat = catalogue()
    units = {normalize_unit(e.unit) for e in cat.entries} | {u for pair in cat.conversions for u in pair}
    return frozenset("".join(units))


def known_unit(text: str) -> bool:
    """Whether a unit text is one the catalogue or the unit table knows (a unit as printed, not a slip)."""
    from ecopark.schemas.catalogue import normalize_unit

    cat = catalogue()
    known = {normalize_unit(e.unit) for e in cat.entries} | {u for pair in cat.conversions for u in pair}
    return normalize_unit(text) in known


def _confusable(text: str) -> str:
    return text.translate(str.maketrans({"1": "/", "l": "/", "I": "/", "|": "/", "一": "—", "-": "—",
                                         "》": "≥", "≧": "≥", "≦": "≤", "<": "≤", ">": "≥", "2": "≥"}))


def _requirement(c, entry) -> None:
    """≥/≤ are the characters most often lost; the catalogue says which one the row has."""
    for i, text in enumerate(c.texts):
        fixed = text.replace("≧", "≥").replace("≦", "≤")
        if fixed != text:
            c.texts[i] = fixed
            _cap(c, i, SAFE_FIX)
    if entry is None or "\n" in entry.requirement:
        return
    expected, got = entry.requirement, c.text.replace("\n", "")
    if got != expected and expected[:1] in "≥≤" and _confusable(got) == _confusable(expected):
        c.texts, c.scores, c.lines = [expected], [min(min(c.scores), DOUBT + 0.15)], c.lines[:1]
        c.doubts.append(f"'{got}' read; the standard's comparator {expected} taken")
