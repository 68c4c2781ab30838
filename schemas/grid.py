"""The document model every reader in `extract/` produces.

Readers differ wildly (Tika text, MinerU markdown, web pipes, HTML, DOCX, PDF,
OCR of scans) but the row reader in `normalize/` must not care which one it is
looking at. So every reader hands over the same thing: a `Document`, an ordered
list of `Paragraph`s and `Table`s, where a table is a list of `Row`s of `Cell`s
and every cell remembers where it came from (`Location`).

Rules a reader must follow so that no format quirk leaks past `extract/`:
- cell text is the text a person sees in that cell, lines joined with "\\n";
  merged cells (rowspan/colspan, vMerge/gridSpan) are resolved by the reader:
  a vertically merged cell is given to the first row it spans and left empty
  ("") in the rows below, a horizontally merged cell fills its first column and
  leaves the spanned columns empty;
- a row whose leading cells vanished (web pipe text) is right-aligned by the
  reader when it can tell; a row it cannot place (one lone cell) is emitted
  with `aligned=False`;
- markup is removed (`<sup>a</sup>` becomes "a", LaTeX `$\\geq 75$` becomes
  "≥75", HTML entities are decoded); masked characters stay as "*".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a cell or row sits in its source file; only the fields the format has are set."""

    line: int | None = None          # 1-based line in a text file
    page: int | None = None          # 1-based page in a PDF
    table: int | None = None         # 1-based table number in a DOCX/HTML file
    row: int | None = None           # 1-based row within that table (or page)
    column: int | None = None        # 1-based column
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    confidence: float | None = None  # OCR confidence 0..1, for scanned pages
    sheet: str | None = None         # spreadsheet sheet name; row and column are then the sheet's
    part: str | None = None          # the picture a scanned page came from (a DOCX part name)

    def describe(self) -> str:
        """A short human-readable address, as written to the `location` column."""
        if self.sheet is not None:
            return sheet_address(self.sheet, self.row, self.column)
        parts = []
        if self.part is not None:
            parts.append(f"picture {self.part}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.bbox is not None:
            x0, top, x1, bottom = self.bbox
            parts.append(f"bbox {x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f}")
        if self.confidence is not None:
            parts.append(f"ocr {self.confidence:.2f}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """The set fields (bbox as a list, to 0.01 pt): how a store or a CSV keeps the structure."""
        return {k: [round(x, 2) for x in v] if k == "bbox" else v for k, v in vars(self).items() if v is not None}

    @classmethod
    def from_dict(cls, fields: dict | None) -> "Location | None":
        """The inverse of as_dict; None for None or {}."""
        if not fields:
            return None
        fields = dict(fields)
        if fields.get("bbox") is not None:
            fields["bbox"] = tuple(float(x) for x in fields["bbox"])
        return cls(**fields)

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Location | None":
        return cls.from_dict(json.loads(text)) if text else None


def sheet_address(sheet: str, row: int | None, column: int | None) -> str:
    """Spreadsheet notation: Sheet1!C12, 'My sheet'!C12, Sheet1 row 12."""
    plain = sheet.replace("_", "a").isalnum() and not sheet[:1].isdigit()
    name = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    if row is None:
        return name
    if column is None:
        return f"{name} row {row}"
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{name}!{letters}{row}"


@dataclass
class Cell:
    text: str
    loc: Location = field(default_factory=Location)
    # what a spreadsheet stores under the shown text, where that is not the text itself: the number
    # ("0.125" under "12.50%"), or the formula ("=B2/C2") whose result the file did not save
    stored: str | None = None
    # what the reader doubts about the text, one sentence each (OCR: why its confidence is low), and
    # the other texts it could not rule out, most likely first ('37,807' under a '37.807' whose
    # separator may be either): normalize weighs those against the row's unit and formulas
    doubts: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass
class Row:
    cells: list[Cell]
    loc: Location = field(default_factory=Location)
    aligned: bool = True  # False: the reader could not tell which columns these cells belong to

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def filled(self) -> list[Cell]:
        return [c for c in self.cells if not c.empty]

    def cell(self, index: int | None) -> Cell | None:
        if index is None or index < 0 or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass
class Paragraph:
    text: str
    loc: Location = field(default_factory=Location)


@dataclass
class Table:
    rows: list[Row]
    loc: Location = field(default_factory=Location)


Block = Paragraph | Table


@dataclass
class Document:
    """One input file as the readers see it."""

    source: str                 # path as given to the reader
    format: str                 # docx, pdf, scanned-pdf, text, html
    layout: str = ""            # tika, mineru, pipe, html, docx, pdf-text, pdf-ocr …
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reader remarks worth showing a person
    # what reading cost, counted per document (pages screened, pages OCR'd, OCR calls, seconds per
    # stage): it travels with the result, so it survives worker processes, unlike a module global
    counters: dict[str, float] = field(default_factory=dict)

    def count(self, name: str, amount: float = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + amount

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def text_lines(self) -> list[tuple[str, Location]]:
        """Every paragraph and every table cell as a line of text, in reading order.

        Metadata (园区名称, 填报时间, 数据基准年, the report's year) may sit in a
        paragraph or in a table cell depending on the format; this view lets the
        metadata finder look in one place."""
        out: list[tuple[str, Location]] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append((block.text, block.loc))
            else:
                for row in block.rows:
                    for cell in row.cells:
                        if not cell.empty:
                            out.append((cell.text, cell.loc))
        return out


class ReadError(Exception):
    """A file that cannot be read; the message is shown to a person in documents.csv."""
