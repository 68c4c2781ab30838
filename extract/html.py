"""HTML tables (whole web pages, or `<table>` fragments inside MinerU markdown).

rowspan/colspan are resolved onto a rectangular grid the way schemas/grid.py
asks: the spanning cell's text in its first row and column, "" elsewhere. The
standard library's HTMLParser is enough: reports use plain tables and we need
line numbers, which it tracks.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from ecopark.schemas.grid import Cell, Document, Location, Paragraph, Row, Table

from . import limits, markup
from .sniff import decode_text, read_limited

FORMAT = "html"  # extract.base.Reader: the format sniff names these files

BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "title", "tr", "section"}


class _RawTable:
    def __init__(self, line: int):
        self.line = line
        self.rows: list[list[tuple[str, int, int, int]]] = []  # (text, rowspan, colspan, line)


class _Collector(HTMLParser):
    """Collects tables (as raw rows) and the text between them, in order."""

    def __init__(self, line_offset: int = 0):
        super().__init__(convert_charrefs=True)
        self.offset = line_offset
        self.items: list[tuple[str, object]] = []  # ("para", (text, line)) or ("table", _RawTable)
        self.stack: list[_RawTable] = []
        self.cell: list[str] | None = None
        self.cell_attrs = (1, 1, 0)
        self.text: list[str] = []
        self.text_line = 0
        self.skip = 0  # inside <script>/<style>
        self.sup: int | None = None  # where the text of an open <sup> starts in self.cell

    def _line(self) -> int:
        return self.getpos()[0] + self.offset

    def _flush_text(self):
        text = markup.clean("".join(self.text))
        if text:
            for ln in text.split("\n"):
                self.items.append(("para", (ln, self.text_line)))
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            if not self.stack:
                self._flush_text()
            self.stack.append(_RawTable(self._line()))
        elif tag == "tr" and self.stack:
            self.stack[-1].rows.append([])
        elif tag in ("td", "th") and self.stack:
            self.cell = []
            self.cell_attrs = (_span(a.get("rowspan")), _span(a.get("colspan")), self._line())
        elif tag == "sup" and self.cell is not None:
            self.sup = len(self.cell)  # footnote letters stay plain text, digits become '¹'
        elif tag == "sub" and self.cell is not None:
            pass
        elif tag in BLOCK_TAGS:
            target = self.cell if self.cell is not None else None
            if target is not None:
                target.append("\n")
            elif not self.stack:
                self._flush_text()

    def handle_endtag(self, tag):
        if tag == "sup" and self.cell is not None and self.sup is not None:
            self.cell[self.sup:] = [markup.superscript("".join(self.cell[self.sup:]))]
            self.sup = None
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.stack and self.cell is not None:
            if not self.stack[-1].rows:
                self.stack[-1].rows.append([])
            rowspan, colspan, line = self.cell_attrs
            self.stack[-1].rows[-1].append((markup.clean("".join(self.cell)), rowspan, colspan, line))
            self.cell = None
        elif tag == "table" and self.stack:
            done = self.stack.pop()
            self.items.append(("table", done))
        elif tag in BLOCK_TAGS and self.cell is None and not self.stack:
            self._flush_text()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.stack:
            if not self.text:
                self.text_line = self._line()
            self.text.append(data)

    def close(self):
        super().close()
        self._flush_text()


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


def to_table(raw: _RawTable, table_no: int, cap: limits.Limits | None = None) -> Table:
    """Lay raw rows with spans onto a grid. A rowspan ends with the table (as browsers do), and
    a table over the size limits is refused before it is laid out (spans multiply: 2,000 cells
    of rowspan=200 colspan=200 would be 80 million)."""
    grid: dict[tuple[int, int], tuple[str, int]] = {}
    width = 0
    cap = cap or limits.current()
    if len(raw.rows) > cap.table_rows:
        raise limits.too_large(f"a table of {len(raw.rows):,} rows", "table_rows")
    for r, cells in enumerate(raw.rows):
        c = 0
        for text, rowspan, colspan, line in cells:
            while (r, c) in grid:
                c += 1
            rowspan = min(rowspan, len(raw.rows) - r)
            if c + colspan > cap.table_columns:
                raise limits.too_large(f"a table of more than {cap.table_columns:,} columns", "table_columns")
            if len(grid) + rowspan * colspan > cap.table_cells:
                raise limits.too_large(f"a table of more than {cap.table_cells:,} cells", "table_cells")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = (text if dr == 0 and dc == 0 else "", line)
            c += colspan
            width = max(width, c)
    if width * len(raw.rows) > cap.table_cells:
        raise limits.too_large(f"a table of {len(raw.rows):,} rows x {width:,} columns", "table_cells")
    rows = []
    for r in range(len(raw.rows)):
        cells = []
        for c in range(width):
            text, line = grid.get((r, c), ("", None))
            cells.append(Cell(text, Location(line=line, table=table_no, row=r + 1, column=c + 1)))
        row_line = next((cl.loc.line for cl in cells if cl.loc.line), raw.line)
        rows.append(Row(cells, Location(line=row_line, table=table_no, row=r + 1)))
    return Table(rows, Location(line=raw.line, table=table_no))


def parse(text: str, line_offset: int = 0, first_table: int = 1) -> list:
    """Blocks (Paragraph/Table) of an HTML text or fragment."""
    collector = _Collector(line_offset)
    collector.feed(text)
    collector.close()
    blocks = []
    table_no = first_table
    cap = limits.current()
    for kind, item in collector.items:
        if kind == "para":
            ln, line = item
            blocks.append(Paragraph(ln, Location(line=line)))
        else:
            blocks.append(to_table(item, table_no, cap))
            table_no += 1
    return blocks


def read(path: Path) -> Document:
    found = decode_text(read_limited(Path(path)))
    if found is None:
        from ecopark.schemas.grid import ReadError
        raise ReadError("the HTML file is not in a text encoding we know (UTF-8, GB18030, UTF-16)")
    doc = Document(source=str(path), format="html", layout="html", blocks=parse(found.text))
    if found.note:
        doc.notes.append(found.note)
    return doc
