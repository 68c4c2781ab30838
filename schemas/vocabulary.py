"""The words of an indicator table, as data: what a header cell means, what a title row is.

`data/vocabulary.csv` holds every header and title word seen in real reports,
one a line, so that a new spelling is a data change. Each line has a `kind`:

- `column`: a header cell and the role of its column (name, unit, requirement,
  number, category, assessed, compliant, value, target, remark). Lines are tried
  in file order, the first that matches wins, so the specific come first.
  `{year}` in a pattern stands for a printed or masked year ("2016", "****").
- `title`: a line above (or repeated inside) a table that is not a data row
  (园区名称, 填报时间, 数据基准年, 续表 …).
- `page`: words that tell a page or text holds an indicator table: any one of
  role `any`, or all of role `all` together.
- `note`: the start of a note line under a table (注：, 说明1.).
- `heading`: the words of a short line that heads a table of one kind (role: `assessment`,
  `compliance`), as "三、国家生态工业示范园区标准达标情况" does.

`match` says how `text` is compared with the folded cell (NFKC, no spaces,
simplified characters): exact, prefix, contains, or regex (anchored at both ends).
Every reader (text, DOCX, PDF, scans) and normalize use this one module.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import regex

from .text import fold

ROLES = ("name", "unit", "requirement", "number", "category", "assessed", "compliant", "value", "target",
         "remark")
# a header needs the name column and at least this many of these
CORE_ROLES = frozenset({"name", "unit", "requirement", "number", "assessed"})
CORE_NEEDED = 3
# roles several columns of one table may have
REPEATABLE = frozenset({"value", "target"})

_YEAR = r"(?P<year>\d{4}|\*{4})"


@dataclass(frozen=True)
class Column:
    """What one header cell says its column holds; `year` as printed ("2016", "****"), or ""."""

    role: str
    year: str = ""


@dataclass(frozen=True)
class _Word:
    kind: str
    role: str
    text: str
    match: str                       # exact / prefix / contains / regex
    pattern: regex.Pattern | None    # regex only

    def test(self, t: str):
        """A match (truthy; for regex the match object, which may carry a year) or None."""
        if self.pattern is not None:
            return self.pattern.fullmatch(t)
        if self.match == "exact":
            return t == self.text or None
        if self.match == "prefix":
            return t.startswith(self.text) or None
        return self.text in t or None


def _word(kind: str, role: str, text: str, match: str) -> _Word:
    if match not in ("exact", "prefix", "contains", "regex"):
        raise ValueError(f"vocabulary.csv: unknown match {match!r} for {text!r}")
    pattern = regex.compile(text.replace("{year}", _YEAR)) if match == "regex" else None
    return _Word(kind, role, fold(text) if pattern is None else text, match, pattern)


@lru_cache(maxsize=1)
def _words() -> tuple[_Word, ...]:
    out = []
    with resources.files("ecopark.schemas").joinpath("data", "vocabulary.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "column" and row["role"] not in ROLES:
                raise ValueError(f"vocabulary.csv: unknown column role {row['role']!r}")
            out.append(_word(row["kind"], row["role"], row["text"], row["match"]))
    return tuple(out)


@lru_cache(maxsize=None)
def _of(kind: str) -> tuple[_Word, ...]:
    return tuple(w for w in _words() if w.kind == kind)


def _header_text(text: str) -> str:
    return fold(text).rstrip(":").replace("[", "(").replace("]", ")")


@lru_cache(maxsize=4096)
def column_role(text: str) -> Column | None:
    """The role of the column a header cell names, or None when it names none we know."""
    t = _header_text(text)
    if not t or len(t) > 24:
        return None
    for word in _of("column"):
        m = word.test(t)
        if m:
            year = m.groupdict().get("year") if word.pattern is not None else None
            return Column(word.role, year or "")
    return None


@lru_cache(maxsize=1)
def column_words() -> tuple[tuple[str, str], ...]:
    """(word, role) of every header word matched whole (数值, 单位, 是否达标 …), folded as cells are."""
    return tuple((w.text, w.role) for w in _of("column") if w.match == "exact")


def spaced_word(left: str, right: str) -> bool:
    """Whether two neighbouring header cells are one header word set with its characters apart
    (要    求, 单  位): neither names a column alone, together they do."""
    return column_role(left) is None and column_role(right) is None and column_role(left + right) is not None


def names_column(text: str) -> bool:
    """Whether a header text names an indicator-table column."""
    return column_role(text) is not None


def header_columns(texts: Sequence[str]) -> dict[int, Column] | None:
    """{cell index: Column} if these cells form an indicator-table header row, else None.

    The first cell of a role keeps it (a second 单位 is not read), except value and target
    columns, which a table may have several of (2016年 | 2018年)."""
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    for i, text in enumerate(texts):
        col = column_role(text)
        if col is None or (col.role in seen and col.role not in REPEATABLE):
            continue
        seen.add(col.role)
        columns[i] = col
    if "name" not in seen or len(CORE_ROLES & seen) < CORE_NEEDED:
        return None
    return columns


@lru_cache(maxsize=8192)
def is_title(text: str) -> bool:
    """A title or heading line of an indicator table (its name, 园区名称, 填报时间, 续表 …), not a data row."""
    t = fold(text)
    return bool(t) and any(w.test(t) for w in _of("title"))


def names_table(text: str) -> bool:
    """Whether a page's (or a text's) words show it holds an indicator table."""
    t = fold(text)
    if any(w.test(t) for w in _of("page") if w.role == "any"):
        return True
    every = [w for w in _of("page") if w.role == "all"]
    return bool(every) and all(w.test(t) for w in every)


HEADING_CHARS = 60  # a heading is a short line; a longer one mentioning the table is narrative


def heading_kind(text: str) -> str | None:
    """The kind of table (assessment / compliance) a short line heads, or None."""
    if len(text) > 3 * HEADING_CHARS:   # folding (OpenCC) is the cost: a long paragraph heads nothing
        return None
    t = fold(text)
    if len(t) > HEADING_CHARS:
        return None
    return next((w.role for w in _of("heading") if w.test(t)), None)


@lru_cache(maxsize=8192)
def is_note(text: str) -> bool:
    """A note line under a table ('注：1. …', '说明：')."""
    t = fold(text)
    return any(w.test(t) for w in _of("note"))
