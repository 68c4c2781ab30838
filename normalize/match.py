"""Map a row label onto a catalogue id.

Labels come with footnote letters, stray spaces, full-width brackets, a year
("2019年工业增加值"), name variants (工业园内/工业园区内) and, in web copies,
masked characters ("***排放量", "*氧化碳"). Exact and alias matches come first;
masked labels become patterns; everything else goes to rapidfuzz. Where the
label alone is ambiguous, the row's 序号, its unit, whether it carries a
requirement (indicator) or '-' (component), and its order in the table decide.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from rapidfuzz import fuzz

from ecopark.schemas import catalogue
from ecopark.schemas.catalogue import Entry, normalize_unit
from ecopark.schemas.text import fold, is_dash, squeeze

FUZZY_ACCEPT = 88      # at or above: matched, flagged FUZZY_MATCH
FUZZY_REVIEW = 72      # at or above: matched but LOW_MATCH_SCORE (review); below: UNMATCHED

_YEAR_PREFIX = regex.compile(r"^(\d{4}|\*{4})年")
# footnote marks after a name, looked for before NFKC turns '¹' into '1' and 'ᵃ' into 'a'
_MARK = (r"(?:[a-dA-D]|\{[a-dA-D]\}|\*|＊|※|†|‡|§|#|\([a-dA-D1-9]\)|（[a-dA-D1-9]）|[\u2460-\u2473]"
         r"|[\u00b9\u00b2\u00b3\u2070-\u209f\u1d2c-\u1dbf\u02b0-\u02ff])")
_FOOTNOTE = regex.compile(r"(?<=[\p{Han})）\]%])\s*\^?(" + _MARK + r"+)\s*$")
_SERIAL = regex.compile(r"[\d*]{1,2}")
_VARIANTS = [("工业园内", "工业园区内"), ("SO₂", "SO2"), ("CO₂", "CO2"), ("NH₃", "NH3")]


@dataclass(frozen=True)
class Label:
    text: str                 # normalised label ("{year}年工业增加值")
    year: int | None = None   # the year printed in it
    masked: bool = False
    mark: str = ""            # the footnote mark taken off its end, as printed ("ᵃ", "a", "※")


@dataclass
class Match:
    entry: Entry | None
    score: float
    how: str                  # exact / alias / masked / fuzzy / prefix / none
    ambiguous: bool = False   # chosen among equals by 序号 and row order


@lru_cache(maxsize=4096)
def normalize_label(raw: str) -> Label:
    s, mark = (raw or "").strip(), ""
    for _ in range(2):
        m = _FOOTNOTE.search(s)
        if m:
            s, mark = s[:m.start()], m.group(1) + mark
    for a, b in _VARIANTS:
        s = s.replace(a, b)
    s = fold(s)
    year = None
    m = _YEAR_PREFIX.match(s)
    if m:
        year = int(m.group(1)) if m.group(1).isdigit() else None
        s = catalogue.YEAR_PLACEHOLDER + s[m.end() - 1:]
    return Label(s, year, "*" in s.replace(catalogue.YEAR_PLACEHOLDER, ""), mark)


@lru_cache(maxsize=2)
def _names(indicators_only: bool = False) -> tuple[tuple[str, Entry, bool], ...]:
    """(normalised name, entry, is_alias) for every catalogue name and alias."""
    out = []
    for entry in catalogue.load():
        if indicators_only and not entry.is_indicator:
            continue
        for i, name in enumerate(entry.names):
            out.append((normalize_label(name).text, entry, i > 0))
    return tuple(out)


def _number_pattern(number: str) -> regex.Pattern | None:
    n = squeeze(number)
    if not n or not _SERIAL.fullmatch(n):
        return None
    return regex.compile("^" + n.replace("*", r"\d") + "$")


def _fits_number(entry: Entry, pattern: regex.Pattern | None) -> bool:
    return pattern is None or bool(pattern.match(str(entry.number)))


def _kind_hint(requirement: str, assessed: str) -> str | None:
    """Components carry '-' in the requirement and 是否考核 cells; indicators carry a requirement."""
    req = squeeze(requirement)
    if is_dash(req) and (is_dash(assessed) or not squeeze(assessed)):
        return "component"
    if req:
        return "indicator"
    return None


def _plausibility(entry: Entry, unit: str, kind: str | None) -> float:
    """Small score adjustments from the row's unit and kind."""
    bonus = 0.0
    if kind and entry.kind != kind:
        bonus -= 15
    u = normalize_unit(unit)
    if u and u != "—":
        cu = normalize_unit(entry.unit)
        if u == cu:
            bonus += 4
        elif not catalogue.load().conversion(entry.unit, unit):
            bonus -= 6
    return bonus


def match(raw_label: str, *, number: str = "", unit: str = "", requirement: str = "", assessed: str = "",
          indicators_only: bool = False, used: set[str] | frozenset = frozenset()) -> Match:
    label = normalize_label(raw_label)
    if not label.text:
        return Match(None, 0.0, "none")
    numpat = _number_pattern(number)
    kind = "indicator" if indicators_only else _kind_hint(requirement, assessed)
    names = _names(indicators_only)

    if label.masked:
        pattern = regex.compile("^" + regex.escape(label.text).replace(r"\*", ".") + "$")
        hits = [e for n, e, _ in names if pattern.match(n)]
        if not hits:
            loose = regex.compile("^" + regex.sub(r"(\\\*)+", ".+?", regex.escape(label.text)) + "$")
            hits = [e for n, e, _ in names if loose.match(n)]
        hits = list(dict.fromkeys(hits))  # unique, catalogue order
        hits = [e for e in hits if _fits_number(e, numpat)] or hits
        if kind:
            hits = [e for e in hits if e.kind == kind] or hits
        if hits:
            fresh = [e for e in hits if e.id not in used] or hits
            return Match(fresh[0], 100.0, "masked", ambiguous=len(hits) > 1)

    exact = list(dict.fromkeys(e for n, e, _ in names if n == label.text))
    if exact:
        best = [e for e in exact if _fits_number(e, numpat)] or exact
        fresh = [e for e in best if e.id not in used] or best
        alias = all(a for n, e, a in names if n == label.text and e is fresh[0])
        return Match(fresh[0], 100.0, "alias" if alias else "exact", ambiguous=len(best) > 1)

    scored: dict[str, tuple[float, Entry]] = {}
    for n, e, _ in names:
        s = fuzz.ratio(label.text, n)
        if s < FUZZY_REVIEW - 10:
            continue
        s += _plausibility(e, unit, kind)
        if numpat is not None and _fits_number(e, numpat):
            s += 3
        if e.id in used:
            s -= 5
        if s > scored.get(e.id, (0.0, e))[0]:
            scored[e.id] = (s, e)
    score, entry = max(scored.values(), key=lambda t: t[0]) if scored else (0.0, None)
    score = min(score, 99.0)
    if score >= FUZZY_ACCEPT:
        return Match(entry, round(score, 1), "fuzzy")
    cut = _cut_short(label.text, names, numpat, unit, kind, used)
    if cut is not None:
        return Match(cut, round(fuzz.ratio(label.text, normalize_label(cut.name_zh).text), 1), "prefix")
    if score >= FUZZY_REVIEW:
        return Match(entry, round(score, 1), "fuzzy")
    return Match(None, round(score, 1), "none")


PREFIX_MIN = 5  # characters a label cut short must keep to be matched by its opening words


def _cut_short(text: str, names, numpat, unit: str, kind: str | None, used) -> Entry | None:
    """The one entry a label cut short opens: a table page that ends inside a row prints only the
    label's first line ('单位工业用地面'), too short for a fuzzy ratio. Its opening words, the row's
    序号, kind and unit leave one entry or none; never a guess among several."""
    if len(text) < PREFIX_MIN:
        return None
    hits = list(dict.fromkeys(e for n, e, _ in names if n.startswith(text) and n != text))
    hits = [e for e in hits if _fits_number(e, numpat)]
    if kind:
        hits = [e for e in hits if e.kind == kind]
    u = normalize_unit(unit)
    if u and u != "—":
        hits = [e for e in hits if normalize_unit(e.unit) == u or catalogue.load().conversion(e.unit, unit)]
    hits = [e for e in hits if e.id not in used] or hits
    return hits[0] if len(hits) == 1 else None
