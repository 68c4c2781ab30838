"""Plain-text exports of reports, in the layouts the seeds show.

One parser class per layout behind one interface (as camelot does for table
flavours); `read` decodes the bytes, picks the layout whose line shapes
dominate, and lets it split the text into paragraphs and tables.

- Tika text of DOCX: a cell per line after one leading tab; a line without the
  tab continues the cell above; a blank line ends a row.
- MinerU markdown of PDF: a row per line, cells separated by tabs; blank lines
  (page breaks) inside tables; LaTeX and HTML fragments, `<table>` blocks.
- Pipe text from web pages: cells separated by `|`, merged cells dropped so a
  row has fewer leading cells, trailing `|||` padding.
"""
from __future__ import annotations

from pathlib import Path

import regex

from ecopark.schemas import vocabulary
from ecopark.schemas.grid import Cell, Document, Location, Paragraph, ReadError, Row, Table
from ecopark.schemas.text import fold, is_dash

from . import html, markup
from .sniff import decode_text, read_limited

FORMAT = "text"  # extract.base.Reader: the format sniff names these files

_TIKA_LINE = regex.compile(r"^\t[^\t]*$")
_PIPE_SEPARATOR = regex.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


class Layout:
    name = ""

    def score(self, lines: list[str]) -> int:
        raise NotImplementedError

    def parse(self, lines: list[str]) -> list:
        raise NotImplementedError


class _TableBuilder:
    """Accumulates rows into the current table and paragraphs between tables."""

    def __init__(self):
        self.blocks: list = []
        self.rows: list[Row] = []

    def add_row(self, row: Row):
        self.rows.append(row)

    def paragraph(self, text: str, line: int):
        self.close_table()
        text = markup.clean(text)
        if text:
            self.blocks.append(Paragraph(text, Location(line=line)))

    def close_table(self):
        if self.rows:
            self.blocks.append(Table(self.rows, Location(line=self.rows[0].loc.line)))
            self.rows = []

    def extend(self, blocks: list):
        self.close_table()
        self.blocks.extend(blocks)

    def done(self) -> list:
        self.close_table()
        return self.blocks


class TikaLayout(Layout):
    name = "tika"

    def score(self, lines):
        return sum(1 for ln in lines if _TIKA_LINE.match(ln))

    def parse(self, lines):
        out = _TableBuilder()
        cells: list[list] = []  # [text, line]

        def end_row():
            if cells:
                row_cells = [Cell(markup.clean(t), Location(line=ln, column=i + 1))
                             for i, (t, ln) in enumerate(cells)]
                out.add_row(Row(row_cells, Location(line=cells[0][1])))
                cells.clear()

        for no, line in enumerate(lines, 1):
            if line.startswith("\t"):
                cells.append([line[1:], no])
            elif not line.strip():
                end_row()
            elif cells:
                cells[-1][0] += "\n" + line  # a cell that runs over several lines
            else:
                out.paragraph(line, no)
        end_row()
        return out.done()


class MineruLayout(Layout):
    name = "mineru"

    def score(self, lines):
        return sum(1 for ln in lines if "\t" in ln.strip("\t") or ln.count("\t") >= 2) \
            + 10 * sum(1 for ln in lines if "<table" in ln.lower())

    def parse(self, lines):
        out = _TableBuilder()
        no = 0
        tables_seen = 0
        while no < len(lines):
            line = lines[no]
            no += 1
            if "<table" in line.lower():
                start = no
                chunk = [line]
                while "</table>" not in chunk[-1].lower() and no < len(lines):
                    chunk.append(lines[no])
                    no += 1
                blocks = html.parse("\n".join(chunk), line_offset=start - 1, first_table=tables_seen + 1)
                tables_seen += sum(isinstance(b, Table) for b in blocks)
                out.extend(blocks)
            elif "\t" in line:
                cells = [Cell(markup.clean(t), Location(line=no, column=i + 1))
                         for i, t in enumerate(line.split("\t"))]
                while len(cells) > 1 and cells[-1].empty:
                    cells.pop()
                out.add_row(Row(cells, Location(line=no)))
            elif not line.strip():
                continue  # page breaks and paragraph gaps: a table may go on after them
            else:
                out.paragraph(regex.sub(r"^#+\s*|\*\*", "", line), no)
        return out.done()


class PipeLayout(Layout):
    name = "pipe"

    def score(self, lines):
        return sum(1 for ln in lines if ln.count("|") >= 2)

    def parse(self, lines):
        out = _TableBuilder()
        block: list[tuple[list[str], int, bool]] = []  # cells, line, every cell kept (markdown)

        def end_block():
            if not block:
                return
            width = max(len(cells) for cells, _, _ in block)
            roles: dict[int, str] = {}
            for cells, no, complete in block:
                filled = [c for c in cells if c]
                aligned = complete or len(filled) != 1 or width == 1
                header = vocabulary.header_columns(cells) if len(cells) == width else None
                if header:
                    roles = {i: col.role for i, col in header.items()}
                if complete:
                    cells = cells + [""] * (width - len(cells))
                elif aligned and len(cells) < width:
                    # vanished merged cells were leading, unless trailing cells were empty too
                    cells = [""] * _leading_gap(cells, roles, width) + cells
                    cells += [""] * (width - len(cells))
                elif not aligned:
                    cells = filled
                row_cells = [Cell(markup.clean(t), Location(line=no, column=i + 1) if aligned
                                  else Location(line=no)) for i, t in enumerate(cells)]
                out.add_row(Row(row_cells, Location(line=no), aligned=aligned))
            out.close_table()
            block.clear()

        for no, line in enumerate(lines, 1):
            stripped = line.strip()
            if _PIPE_SEPARATOR.match(line) or not stripped:
                continue
            if line.count("|") >= 2 or stripped.endswith("|"):
                # "| a | | b |" (markdown) keeps every cell; "a | b |||" (web copy) loses merged ones
                complete = stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1
                cells = [c.strip() for c in (stripped[1:-1] if complete else stripped).split("|")]
                if not complete:
                    while cells and not cells[-1]:
                        cells.pop()
                if any(cells):
                    block.append((cells, no, complete))
            else:
                end_block()
                out.paragraph(line, no)
        end_block()
        return out.done()


def _leading_gap(cells: list[str], roles: dict[int, str], width: int) -> int:
    """How many leading cells a web copy dropped from a short row.

    Merged 分类/序号 cells vanish at the front, so the row is right-aligned by default; but an
    empty trailing cell (备注, 目标值) vanishes too, so the row may sit further left. Each possible
    placement is scored by how well its cells fit the header's columns (a label under 指标, a unit
    under 单位, 是/否 under 是否考核 …); another placement wins only when it fits clearly better."""
    default = width - len(cells)
    if not roles:
        return default
    scores = {k: sum(_fit(roles.get(k + i), c) for i, c in enumerate(cells)) for k in range(default + 1)}
    best = max(scores, key=lambda k: (scores[k], k))
    return best if scores[best] >= scores[default] + 2 else default


_ASSESSED_WORDS = {"是", "否", "必选", "-", "—", "/"}


def _fit(role: str | None, text: str) -> float:
    t = fold(text)
    if not t or role is None:
        return 0.0
    han = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff")
    numeric = bool(regex.fullmatch(r"[-+]?[\d*.,]+%?", t))
    if role == "name":
        return 2.0 if han >= 2 and len(t) >= 4 and not numeric else -2.0
    if role == "number":
        return 1.0 if len(t) <= 3 and (numeric or t in _ASSESSED_WORDS) else -1.0
    if role == "unit":
        return 1.0 if len(t) <= 10 and han <= 5 and not numeric else -2.0
    if role == "assessed":
        return 1.0 if t in _ASSESSED_WORDS else -1.0
    if role in ("value", "target"):
        return 1.0 if numeric or is_dash(t) or len(t) <= 4 else -1.0
    if role == "requirement":
        return 1.0 if regex.search(r"[≥≤<>]|^-$|达标|完成|具备|以上|以下|当园区", t) or numeric else -0.5
    return 0.0


LAYOUTS: list[Layout] = [TikaLayout(), MineruLayout(), PipeLayout()]


def parse_text(text: str, source: str = "") -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scores = [(layout.score(lines), layout) for layout in LAYOUTS]
    best_score, best = max(scores, key=lambda s: s[0])
    if best_score == 0:
        blocks = [Paragraph(markup.clean(ln), Location(line=i)) for i, ln in enumerate(lines, 1) if ln.strip()]
        return Document(source=source, format="text", layout="plain", blocks=blocks)
    return Document(source=source, format="text", layout=best.name, blocks=best.parse(lines))


def read(path: Path) -> Document:
    found = decode_text(read_limited(Path(path)))
    if found is None:
        raise ReadError("not a text report: the file's bytes are not text in any encoding we know "
                        "(UTF-8, GB18030/GBK, UTF-16)")
    doc = parse_text(found.text, str(path))
    if found.note:
        doc.notes.append(found.note)
    return doc
