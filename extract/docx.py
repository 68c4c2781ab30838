"""DOCX reports: body paragraphs and tables in the order a reader meets them.

python-docx's `Table.rows[i].cells` repeats a merged cell once per grid column
it covers and hides which cell of a vertical merge is the first, so the table
XML is walked directly: `w:gridSpan` says how many grid columns a `w:tc` covers
and `w:vMerge` (without val="restart") marks a cell that continues the one
above. Both are resolved as schemas.grid prescribes: text in the first row and
first column, "" in the cells the merge covers.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from schemas.grid import Cell, Document, Location, Paragraph, ReadError, Row, Table

W_P, W_TBL, W_TR, W_TC, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")


def read(path: Path) -> Document:
    body = _open_body(path)
    doc = Document(source=str(path), format="docx", layout="docx")
    tables = _TableNumbers()
    for element in _body_children(body):
        if element.tag == W_P:
            text = _paragraph_text(element)
            if text.strip():
                doc.blocks.append(Paragraph(text))
        elif element.tag == W_TBL:
            doc.blocks.extend(_read_table(element, tables))
    return doc


def _open_body(path: Path):
    try:
        return open_docx(str(path)).element.body
    except (zipfile.BadZipFile, PackageNotFoundError):
        raise ReadError("the Word file is damaged: it is not a valid DOCX (ZIP) package") from None
    except KeyError as e:
        raise ReadError(f"the Word file is damaged: a part of the DOCX package is missing ({e})") from None
    except XMLSyntaxError as e:
        raise ReadError(f"the Word file is damaged: its document XML cannot be parsed ({e})") from None
    except ValueError as e:  # python-docx: main part is not a Word document (e.g. a renamed .xlsx)
        raise ReadError(f"not a Word document: {e}") from None


def _body_children(parent):
    """Paragraphs and tables in order; content controls (w:sdt) are looked into, not skipped."""
    for child in parent:
        if child.tag == W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_children(content)
        elif child.tag in (W_P, W_TBL):
            yield child


def _paragraph_text(p) -> str:
    return p.text  # python-docx CT_P.text: runs, tabs, breaks and hyperlinks as shown


class _TableNumbers:
    """Hands out 1-based table numbers in emission order (nested tables after their parent)."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _read_table(tbl, numbers: _TableNumbers) -> list[Table]:
    number = numbers.next()
    grid: list[list[str]] = []
    nested = []
    for tr in _unwrap(tbl, W_TR):
        grid.append(_read_row(tr, nested))
    width = max((len(r) for r in grid), default=0)
    rows = []
    for r, texts in enumerate(grid, start=1):
        texts = texts + [""] * (width - len(texts))
        cells = [Cell(t, Location(table=number, row=r, column=c)) for c, t in enumerate(texts, start=1)]
        rows.append(Row(cells, Location(table=number, row=r)))
    out = [Table(rows, Location(table=number))]
    for inner in nested:
        out.extend(_read_table(inner, numbers))
    return out


def _unwrap(parent, tag: str):
    """Children with `tag`, also those wrapped in a content control (w:sdt)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _unwrap(content, tag)


def _read_row(tr, nested: list) -> list[str]:
    """Cell texts of one row laid on the table grid, merges resolved."""
    texts: list[str] = [""] * _int_prop(tr.find(qn("w:trPr")), "w:gridBefore", 0)
    for tc in _unwrap(tr, W_TC):
        props = tc.find(qn("w:tcPr"))
        span = max(1, _int_prop(props, "w:gridSpan", 1))
        text = "" if _continues_merge(props) else _cell_text(tc, nested)
        texts.extend([text] + [""] * (span - 1))
    return texts


def _int_prop(props, tag: str, default: int) -> int:
    el = None if props is None else props.find(qn(tag))
    try:
        return int(el.get(qn("w:val")))
    except (AttributeError, TypeError, ValueError):
        return default


def _continues_merge(props) -> bool:
    if props is None:
        return False
    vmerge = props.find(qn("w:vMerge"))
    return vmerge is not None and vmerge.get(qn("w:val"), "continue") != "restart"


def _cell_text(tc, nested: list) -> str:
    """Paragraphs of the cell joined by newlines; nested tables are set aside for their own blocks."""
    lines = []
    for child in _body_children(tc):
        if child.tag == W_TBL:
            nested.append(child)
        else:
            lines.append(_paragraph_text(child))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)

