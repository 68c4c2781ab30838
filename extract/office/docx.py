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
import zlib
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from ecopark.extract import limits
from ecopark.schemas.grid import Cell, Document, Location, Paragraph, ReadError, Row, Table

from . import ooxml
from ecopark.extract.markup import superscript

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
    without that. Every way a package can be broken ends in a sentence here."""
    part = "word/document.xml"
    try:
        with zipfile.ZipFile(path) as package:
            part = _main_part(package)
            root = etree.fromstring(ooxml.transitional(_read_part(package, part)), PARSER)  # Strict reads as Transitional
    except zipfile.BadZipFile as e:
        raise ReadError(f"the Word file is damaged ({_zip_damage(str(e))})") from None
    except (zlib.error, EOFError):
        raise ReadError("the Word file is damaged (the compressed data of its document part is corrupt: "
                        "the copy was cut short or altered)") from None
    except KeyError:
        raise ReadError(f"the Word file is damaged: its document part is missing ({part})") from None
    except NotImplementedError:
        raise ReadError("the Word file is packed with a ZIP compression method that cannot be read; "
                        "open it in Word and save it again") from None
    except RuntimeError as e:
        if "encrypted" not in str(e) and "password" not in str(e):
            raise
        raise ReadError("the Word file is password-protected (its ZIP parts are encrypted)") from None
    except etree.XMLSyntaxError as e:
        raise ReadError(_xml_damage(e)) from None
    body = root.find(qn("w:body"))
    if body is None:
        raise ReadError("not a Word document: the DOCX package has no document body")
    return body


def _read_part(package: zipfile.ZipFile, name: str) -> bytes:
    """One part's bytes, refused before inflating when it is over the part or element limits
    (a zip bomb inflates kilobytes into gigabytes)."""
    info = package.getinfo(name)
    cap = limits.current().part_bytes
    if info.file_size > cap:
        raise limits.too_large(f"a DOCX part ({name}) of {info.file_size / limits.MB:,.0f} MB inflated", "part_mb")
    with package.open(info) as f:
        data = f.read(cap + 1)  # the header's size is not trusted: read no more than the limit
    if len(data) > cap:
        raise limits.too_large(f"a DOCX part ({name}) of more than {limits.current().part_mb:,} MB inflated",
                               "part_mb")
    elements = data.count(b"<")
    if elements > limits.current().xml_elements:
        raise limits.too_large(f"a DOCX part ({name}) of {elements:,} XML elements", "xml_elements")
    return data


def _zip_damage(message: str) -> str:
    if "CRC" in message:
        return "a checksum does not match: the copy was altered or damaged in transfer"
    if "not a zip file" in message:
        return "it is not a valid DOCX (ZIP) package"
    return "its ZIP structure is broken: the copy was cut short or altered"


def _xml_damage(error: etree.XMLSyntaxError) -> str:
    message = (error.msg or "").split(",")[0].strip()
    if "depth" in message.lower():
        return "too deeply nested to read: the Word file's XML nests deeper than any real document"
    where = f" near line {error.lineno}" if error.lineno else ""
    return f"the Word file is damaged (its document XML is malformed{where}: {message or 'cannot be parsed'})"


def _main_part(package: zipfile.ZipFile) -> str:
    """Where the package's relationships say the document is (word/document.xml by default)."""
    try:
        rels = etree.fromstring(_read_part(package, "_rels/.rels"), PARSER)
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
    cap = limits.current()
    for tr in _unwrap(tbl, W_TR):
        grid.append(_read_row(tr, nested))
        if len(grid) > cap.table_rows:
            raise limits.too_large(f"a table of more than {cap.table_rows:,} rows", "table_rows")
    width = max((len(r) for r in grid), default=0)
    if width * len(grid) > cap.table_cells:
        raise limits.too_large(f"a table of {len(grid):,} rows x {width:,} columns", "table_cells")
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
    before = _int_prop(tr.find(qn("w:trPr")), "w:gridBefore", 0)
    texts: list[str] = [""] * (_columns(before) if before > 0 else 0)
    for tc in _unwrap(tr, W_TC):
        props = tc.find(W_TCPR)
        span = max(1, _int_prop(props, "w:gridSpan", 1))
        if span > 1:
            _columns(len(texts) + span)  # before the merge is laid out: 1 KB can declare 3,000,000 columns
        text = "" if _continues_merge(props) else _cell_text(tc, nested)
        texts.extend([text] + [""] * (span - 1))
    if len(texts) > 63:  # Word's own maximum: only wider rows are worth checking against the limit
        _columns(len(texts))
    return texts


def _columns(width: int) -> int:
    """`width`, or the table-columns limit's error when a row is wider."""
    if width > limits.current().table_columns:
        raise limits.too_large(f"a table of {width:,} columns", "table_columns")
    return width


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

