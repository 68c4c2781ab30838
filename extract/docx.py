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

from docx.oxml.ns import qn
from lxml import etree

from ecopark.schemas.grid import Cell, Document, Location, Paragraph, ReadError, Row, Table

from . import ooxml
from .markup import superscript

FORMAT = "docx"  # extract.base.Reader: the format sniff names these files

W_P, W_TBL, W_TR, W_TC, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
W_R, W_T, W_TAB, W_BR, W_CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_TCPR, W_VMERGE, W_VAL, W_TYPE = qn("w:tcPr"), qn("w:vMerge"), qn("w:val"), qn("w:type")
# Elements of a paragraph that hold runs (a link, a tracked insertion, a field, a content control).
W_TXBX = qn("w:txbxContent")
W_RPR, W_VERTALIGN = qn("w:rPr"), qn("w:vertAlign")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
RUN_CONTAINERS = {qn(f"w:{name}") for name in ("hyperlink", "ins", "smartTag", "fldSimple", "sdt",
                                               "sdtContent", "customXml", "dir", "bdo")}


def read(path: Path) -> Document:
    body = _open_body(path)
    doc = Document(source=str(path), format="docx", layout="docx")
    tables = _TableNumbers()
    for element in _body_children(body):
        if element.tag == W_P:
            text = _paragraph_text(element)
            if text.strip():
                doc.blocks.append(Paragraph(text))
            doc.blocks.extend(_text_box_blocks(element, tables))
        elif element.tag == W_TBL:
            doc.blocks.extend(_read_table(element, tables))
    _pictured_table(path, doc)
    return doc


def _pictured_table(path: Path, doc: Document) -> None:
    """An indicator table pasted as a picture: with no such table in the text, the pictures
    of the package are read as scanned pages (extract.scan), their part names kept."""
    from ecopark.schemas.vocabulary import header_columns

    if any(header_columns(row.texts) for t in doc.tables for row in t.rows[:8]):
        return
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.startswith("word/media/")
                 and n.lower().rsplit(".", 1)[-1] in ("png", "jpg", "jpeg", "tif", "tiff")]
        if not names:
            return
        from ecopark.extract.scan import ImagePages, read_images

        pictures = ImagePages.from_bytes([package.read(n) for n in _natural(names)], _natural(names))
    blocks = read_images(pictures, doc)
    if any(b for b in blocks if isinstance(b, Table)):
        doc.blocks.extend(blocks)
        doc.layout = "docx+ocr"
        doc.notes.append("the indicator table is a picture; read by OCR from " +
                         ", ".join(sorted({b.loc.part for b in blocks if b.loc.part})))


def _natural(names: list[str]) -> list[str]:
    """word/media/image2.png before image10.png: the order they were pasted in, as a rule."""
    import re

    return sorted(names, key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)])


def _open_body(path: Path):
    """The w:body of the main document part, parsed by plain lxml.

    python-docx would parse every part of the package and wrap each element in
    its own classes; a reader that only walks the body is several times faster
    without that."""
    try:
        with zipfile.ZipFile(path) as package:
            part = _main_part(package)
            root = etree.fromstring(ooxml.transitional(package.read(part)), PARSER)  # Strict reads as Transitional
    except zipfile.BadZipFile:
        raise ReadError("the Word file is damaged: it is not a valid DOCX (ZIP) package") from None
    except KeyError as e:
        raise ReadError(f"the Word file is damaged: a part of the DOCX package is missing ({e})") from None
    except etree.XMLSyntaxError as e:
        raise ReadError(f"the Word file is damaged: its document XML cannot be parsed ({e})") from None
    body = root.find(qn("w:body"))
    if body is None:
        raise ReadError("not a Word document: the DOCX package has no document body")
    return body


def _main_part(package: zipfile.ZipFile) -> str:
    """Where the package's relationships say the document is (word/document.xml by default)."""
    try:
        rels = etree.fromstring(package.read("_rels/.rels"), PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return "word/document.xml"


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
    """The runs' text as Word shows it (tabs, line breaks); deleted text and field codes are not
    runs' w:t, so they stay out. Walked by hand: python-docx's xpath per run is the reader's cost."""
    parts: list[str] = []
    _collect_runs(p, parts)
    return "".join(parts)


def _collect_runs(element, parts: list[str]) -> None:
    for child in element:
        if child.tag == W_R:
            raised = _is_superscript(child)
            for item in child:
                if item.tag == W_T:
                    parts.append(superscript(item.text or "") if raised else item.text or "")
                elif item.tag == W_TAB:
                    parts.append("\t")
                elif item.tag == W_CR or item.tag == W_BR and item.get(W_TYPE, "textWrapping") == "textWrapping":
                    parts.append("\n")
        elif child.tag in RUN_CONTAINERS:
            _collect_runs(child, parts)


def _is_superscript(run) -> bool:
    """A raised run (a footnote mark): its digits must not join the number before them."""
    props = run.find(W_RPR)
    align = props.find(W_VERTALIGN) if props is not None else None
    return align is not None and align.get(W_VAL) == "superscript"


def _text_boxes(p):
    """The outermost text boxes (w:txbxContent) anchored in paragraph `p`.

    DrawingML shapes (wps:txbx), VML shapes (v:textbox) and frames saved as shapes all
    keep their content in a w:txbxContent. A box saved twice (DrawingML, and a VML copy in
    mc:Fallback) is read once; a box inside another box is read with its outer box."""
    for box in p.iter(W_TXBX):
        outer = False
        for parent in box.iterancestors():
            if parent is p:
                break
            if parent.tag == MC_FALLBACK or parent.tag == W_TXBX:
                outer = True
                break
        if not outer:
            yield box


def _text_box_blocks(p, numbers: "_TableNumbers") -> list:
    """Paragraphs and tables of the text boxes anchored in `p`: cover pages set the title and
    the park's name in one, and some reports put the whole 对照考核表 in one."""
    out: list = []
    for box in _text_boxes(p):
        for child in _body_children(box):
            if child.tag == W_TBL:
                out.extend(_read_table(child, numbers))
                continue
            text = _paragraph_text(child)
            if text.strip():
                out.append(Paragraph(text))
            out.extend(_text_box_blocks(child, numbers))
    return out


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
        props = tc.find(W_TCPR)
        span = max(1, _int_prop(props, "w:gridSpan", 1))
        text = "" if _continues_merge(props) else _cell_text(tc, nested)
        texts.extend([text] + [""] * (span - 1))
    return texts


def _int_prop(props, tag: str, default: int) -> int:
    el = None if props is None else props.find(qn(tag))
    try:
        return int(el.get(W_VAL))
    except (AttributeError, TypeError, ValueError):
        return default


def _continues_merge(props) -> bool:
    if props is None:
        return False
    vmerge = props.find(W_VMERGE)
    return vmerge is not None and vmerge.get(W_VAL, "continue") != "restart"


def _cell_text(tc, nested: list) -> str:
    """Paragraphs of the cell joined by newlines; nested tables are set aside for their own blocks."""
    lines = []
    for child in _body_children(tc):
        if child.tag == W_TBL:
            nested.append(child)
        else:
            lines.append(_paragraph_text(child))
            nested.extend(t for box in _text_boxes(child) for t in box.iter(W_TBL)
                          if next(t.iterancestors(W_TBL, W_TXBX)).tag == W_TXBX)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)

