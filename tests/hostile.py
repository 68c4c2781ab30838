"""Hostile inputs made from the fixtures: what a batch of downloaded reports can throw at a reader.

Each maker returns the bytes of one input (or writes one odd file system
entry), so a test builds the one it needs in a temporary folder and the bench
(`bench/hostile.py`) builds the whole batch of about 500. Everything is
deterministic: the same seed gives the same batch, byte for byte.

Classes: bit flips and truncations of every fixture; text in other encodings
or with stray bytes; file names that are not UTF-8 or hold control
characters; DOCX packages with table bombs (w:gridSpan=3000000), zip bombs,
billion laughs, XXE, deep nesting, encrypted or missing parts; PDFs whose
page tree loops, with a 14400 pt page, thousands of pages or a flate bomb;
HTML span bombs; huge one-line text; symlink loops and FIFOs.
"""
from __future__ import annotations

import io
import os
import random
import re
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>")
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>')

# A table row of the kind the seeds print, for tables made here.
HEADER = ["序号", "指标", "单位", "指标要求", "指标值", "是否达标"]
ROW = ["1", "工业固体废物综合利用率", "%", "≥70", "85.2", "是"]


# ---------------------------------------------------------------- corruptions of existing files

def flip_bit(data: bytes, rng: random.Random) -> bytes:
    """One bit flipped at a random position (not in the first 8 bytes: the format is still told)."""
    pos = rng.randrange(min(8, len(data) - 1), len(data))
    out = bytearray(data)
    out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, share: float) -> bytes:
    return data[: max(1, int(len(data) * share))]


# ---------------------------------------------------------------- text

def stray_latin1_byte(text: str) -> bytes:
    """A UTF-8 report with one byte of Latin-1 in the middle (a '°' typed in another editor)."""
    data = text.encode("utf-8")
    cut = data.find(b"\n", len(data) // 2) + 1
    return data[:cut] + "温度 25°C\n".encode("latin-1", errors="replace") + data[cut:]


def nul_byte(text: str) -> bytes:
    data = text.encode("utf-8")
    cut = data.find(b"\n", len(data) // 3) + 1
    return data[:cut] + b"\x00" + data[cut:]


def encodings(text: str) -> dict[str, bytes]:
    """The same report as other editors save it."""
    return {
        "utf8_bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16le_bom": text.encode("utf-16"),
        "utf16be_bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16le_nobom": text.encode("utf-16-le"),
        "gb18030": text.encode("gb18030"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr_only": text.replace("\n", "\r").encode("utf-8"),
        "stray_latin1": stray_latin1_byte(text),
        "nul": nul_byte(text),
        "mixed_gbk_utf8": text[: len(text) // 2].encode("gb18030") + text[len(text) // 2:].encode("utf-8"),
        "control_chars": text.replace("。", "\x07\x1b[0m。", 5).encode("utf-8"),
    }


def one_line_text(megabytes: int = 20) -> bytes:
    """A text file of one enormous line that opens like a report (园区名称 first)."""
    line = "园区名称：长春经济技术开发区" + "生态工业园区建设" * (megabytes * 1024 * 1024 // 24)
    return line.encode("utf-8")


def long_pipe_table(rows: int = 5000) -> bytes:
    lines = ["园区名称：长春经济技术开发区", "表1 国家生态工业示范园区标准达标情况对照考核表",
             "| " + " | ".join(HEADER) + " |", "|---" * len(HEADER) + "|"]
    lines += ["| " + " | ".join([str(i)] + ROW[1:]) + " |" for i in range(1, rows + 1)]
    return "\n".join(lines).encode("utf-8")


def long_park_name(chars: int = 200_000) -> bytes:
    return ("园区名称：" + "长春" * (chars // 2) + "\n" + ("| " + " | ".join(HEADER) + " |\n")
            + "| " + " | ".join(ROW) + " |\n").encode("utf-8")


# ---------------------------------------------------------------- HTML

def html_span_bomb(cells: int = 2000) -> bytes:
    tds = "".join('<td rowspan="200" colspan="200">x</td>' for _ in range(cells))
    return f"<html><body><table><tr>{tds}</tr></table></body></html>".encode()


def html_deep_nesting(depth: int = 20000) -> bytes:
    return ("<html><body>" + "<table><tr><td>" * depth + "x" + "</td></tr></table>" * depth
            + "</body></html>").encode()


# ---------------------------------------------------------------- DOCX

def docx_package(document_xml: bytes | str, extra: dict[str, bytes] | None = None,
                 target: str = "word/document.xml") -> bytes:
    """A minimal DOCX: content types, relationships, the document part (and any extra parts)."""
    if isinstance(document_xml, str):
        document_xml = document_xml.encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS.format(target=target))
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def document_xml(body: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tr(cells: list[str], span: int = 1) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return "<w:tr>" + "".join(f"<w:tc>{props}{_p(c)}</w:tc>" for c in cells) + "</w:tr>"


def _table(rows: list[str]) -> str:
    return "<w:tbl>" + "".join(rows) + "</w:tbl>"


def docx_table(rows: int) -> bytes:
    """A real-looking indicator table of `rows` rows (all the same indicator: many duplicates)."""
    body = _p("表1 国家生态工业示范园区标准达标情况对照考核表") + _table(
        [_tr(HEADER)] + [_tr([str(i)] + ROW[1:]) for i in range(1, rows + 1)])
    return docx_package(document_xml(_p("园区名称：长春经济技术开发区") + body))


def docx_gridspan_bomb(span: int = 3_000_000) -> bytes:
    """1 KB on disk; a table three million columns wide once the merge is laid on the grid."""
    return docx_package(document_xml(_table([_tr(HEADER), _tr(["x"], span=span)])))


def docx_gridbefore_bomb(before: int = 3_000_000) -> bytes:
    row = f'<w:tr><w:trPr><w:gridBefore w:val="{before}"/></w:trPr><w:tc>{_p("x")}</w:tc></w:tr>'
    return docx_package(document_xml(_table([_tr(HEADER), row])))


def docx_many_rows(rows: int = 300_000) -> bytes:
    return docx_package(document_xml(_table([_tr(["1", "x"])] * rows)))


def docx_many_cells_in_row(columns: int = 5000) -> bytes:
    return docx_package(document_xml(_table([_tr(["x"] * columns)] * 3)))


def docx_deep_tables(depth: int = 3000) -> bytes:
    body = "<w:tbl><w:tr><w:tc>" * depth + _p("x") + "</w:tc></w:tr></w:tbl>" * depth
    return docx_package(document_xml(body))


def docx_deep_runs(depth: int = 100_000) -> bytes:
    body = "<w:p>" + "<w:hyperlink>" * depth + "<w:r><w:t>x</w:t></w:r>" + "</w:hyperlink>" * depth + "</w:p>"
    return docx_package(document_xml(body))


def docx_billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    prolog = f"<!DOCTYPE w:document [{entities}]>"
    return docx_package(document_xml(_p("&lol9;"), prolog))


def docx_xxe() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return docx_package(document_xml(_p("&xxe;"), prolog))


def docx_zip_bomb(megabytes: int = 2600) -> bytes:
    """document.xml inflating to `megabytes` of whitespace inside the body (a few MB on disk)."""
    buf = io.BytesIO()
    head, tail = document_xml("\x00").encode().split(b"\x00")
    chunk = b" " * (16 * 1024 * 1024)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            for _ in range(megabytes // 16):
                f.write(chunk)
            f.write(tail)
    return buf.getvalue()


def docx_lying_sizes(megabytes: int = 64) -> bytes:
    """A zip bomb whose headers claim the part is small: only reading tells its real size."""
    data = bytearray(docx_zip_bomb(megabytes))
    # zip64 extra fields hold the real sizes; zero the 8-byte uncompressed size in every extra
    # field and in the central directory's 32-bit field, so a reader trusting headers is fooled
    name = b"word/document.xml"
    pos = 0
    while (pos := data.find(name, pos + 1)) != -1:
        extra = data.find(b"\x01\x00", pos + len(name), pos + len(name) + 8)
        if extra != -1:
            data[extra + 4: extra + 12] = (1000).to_bytes(8, "little")
    return bytes(data)


def docx_rels_bomb(megabytes: int = 300) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        with z.open("_rels/.rels", "w", force_zip64=True) as f:
            f.write(RELS.format(target="word/document.xml").encode()[:-16])
            for _ in range(megabytes // 16):
                f.write(b" " * (16 * 1024 * 1024))
            f.write(b"</Relationships>")
        z.writestr("word/document.xml", document_xml(_p("x")))
    return buf.getvalue()


def docx_variants() -> dict[str, Callable[[], bytes]]:
    """Makers of packages that are broken in the ways a ZIP can be."""
    plain = document_xml(_p("园区名称：长春经济技术开发区"))
    return {
        "missing_target": lambda: docx_package(plain, target="word/nothere.xml"),
        "escaping_target": lambda: docx_package(plain, target="../../../../etc/passwd"),
        "not_xml": lambda: docx_package(bytes(range(256)) * 40),
        "empty_part": lambda: docx_package(b""),
        "no_body": lambda: docx_package(f'<w:document xmlns:w="{W_NS}"/>'),
        "wrong_root": lambda: docx_package("<html><body>x</body></html>"),
        "utf16_xml": lambda: docx_package(plain.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")),
        "bad_encoding_decl": lambda: docx_package(plain.replace("UTF-8", "EBCDIC-NOPE")),
        "stored_uncompressed": lambda: _stored(plain),
        "unsupported_method": lambda: _unsupported_method(plain),
        "duplicate_names": lambda: _duplicate_parts(plain),
        "encrypted_zip": lambda: encrypted_zip(plain),
    }


def _stored(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def _unsupported_method(xml: str) -> bytes:
    """Compression method 99 (AES) in the headers of the document part."""
    data = bytearray(docx_package(xml))
    name = b"word/document.xml"
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at: name_at + len(name)] == name:
                data[pos + offset: pos + offset + 2] = (99).to_bytes(2, "little")
            pos += 4
    return bytes(data)


def _duplicate_parts(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS.format(target="word/document.xml"))
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("word/document.xml", xml)
            z.writestr("word/document.xml", "<x/>")
    return buf.getvalue()


def encrypted_zip(xml: str) -> bytes:
    """A DOCX whose parts are encrypted with a ZIP password (made with the `zip` program)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "_rels").mkdir()
        (t / "word").mkdir()
        (t / "[Content_Types].xml").write_text(CONTENT_TYPES)
        (t / "_rels" / ".rels").write_text(RELS.format(target="word/document.xml"))
        (t / "word" / "document.xml").write_text(xml)
        subprocess.run(["zip", "-q", "-r", "-P", "secret", "out.docx", "[Content_Types].xml", "_rels", "word"],
                       cwd=t, check=True, capture_output=True)
        return (t / "out.docx").read_bytes()


# ---------------------------------------------------------------- PDF

def pdf_document(objects: dict[int, bytes | str], root: int = 1) -> bytes:
    """A PDF from numbered objects, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        body = objects[num].encode("latin-1") if isinstance(objects[num], str) else objects[num]
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += f"{offsets.get(num, 0):010d} 00000 {'n' if num in offsets else 'f'} \n".encode()
    out += f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += " /Filter /FlateDecode"
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def _text_page(parent: int, contents: int, size: float = 595) -> str:
    return (f"<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 {size} {size}] /Contents {contents} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>")


TEXT_CONTENT = b"BT /F1 12 Tf 72 720 Td (Annual evaluation report) Tj ET"


def pdf_page_tree_cycle() -> bytes:
    """The page tree's kid is its own parent: a walker that follows /Kids never ends."""
    return pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>",
                         2: "<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
                         3: "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 2 >>",
                         4: _text_page(3, 5),
                         5: _stream(TEXT_CONTENT)})


def pdf_page_tree_self_loop() -> bytes:
    return pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>",
                         2: "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"})


def pdf_huge_scanned_page(points: float = 14400) -> bytes:
    """One page 200 inches square (PDF's largest) covered by an image: a scan to render and OCR."""
    image = _stream(bytes([255, 0, 255, 0]), " /Type /XObject /Subtype /Image /Width 2 /Height 2 "
                    "/ColorSpace /DeviceGray /BitsPerComponent 8")
    content = _stream(f"q {points} 0 0 {points} 0 0 cm /Im1 Do Q".encode())
    return pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>",
                         2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         3: f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points} {points}] /Contents 4 0 R "
                            "/Resources << /XObject << /Im1 5 0 R >> >> >>",
                         4: content, 5: image})


def pdf_huge_text_page(points: float = 14400) -> bytes:
    return pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>",
                         2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         3: _text_page(2, 4, size=points), 4: _stream(TEXT_CONTENT)})


def pdf_many_pages(pages: int = 5000) -> bytes:
    objects: dict[int, bytes | str] = {1: "<< /Type /Catalog /Pages 2 0 R >>", 3: _stream(TEXT_CONTENT)}
    kids = " ".join(f"{n} 0 R" for n in range(4, 4 + pages))
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"
    for n in range(4, 4 + pages):
        objects[n] = _text_page(2, 3)
    return pdf_document(objects)


def pdf_flate_bomb(megabytes: int = 1000) -> bytes:
    """A content stream of a few MB that inflates to `megabytes` of spaces."""
    comp = zlib.compressobj(9)
    chunk = b" " * (16 * 1024 * 1024)
    data = b"".join([comp.compress(TEXT_CONTENT + b"\n")] + [comp.compress(chunk) for _ in range(megabytes // 16)]
                    + [comp.flush()])
    stream = f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    return pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>",
                         2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         3: _text_page(2, 4), 4: stream})


def pdf_variants() -> dict[str, Callable[[], bytes]]:
    """Makers of PDFs that are broken or hostile."""
    page = {1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: _text_page(2, 4), 4: _stream(TEXT_CONTENT)}
    good = pdf_document(page)
    deep = "[" * 5000 + "]" * 5000
    return {
        "page_tree_cycle": pdf_page_tree_cycle,
        "page_tree_self_loop": pdf_page_tree_self_loop,
        "huge_scanned_page": pdf_huge_scanned_page,
        "huge_text_page": pdf_huge_text_page,
        "mediabox_1e9": lambda: pdf_huge_text_page(1e9),
        "many_pages": pdf_many_pages,
        "flate_bomb": pdf_flate_bomb,
        "no_pages": lambda: pdf_document({1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [] /Count 0 >>"}),
        "no_catalog": lambda: pdf_document({1: "<< /Type /Nothing >>"}),
        "broken_xref": lambda: good.replace(b"xref\n0 5", b"xref\n0 9").replace(b"startxref\n", b"startxref\n1"),
        "eof_only_in_middle": lambda: good.replace(b"%%EOF\n", b"%%EOF\n" + b"junk" * 1000),
        "garbage_after_eof": lambda: good + b"\x00" * 5000,
        "deep_arrays": lambda: pdf_document({**page, 5: deep}),
        "bad_content_stream": lambda: pdf_document({**page, 4: _stream(b"BT /F1 12 Tf (((((( Tj ET q q q q" * 100)}),
        "wrong_length": lambda: good.replace(f"/Length {len(TEXT_CONTENT)}".encode(), b"/Length 999999"),
    }


# Inputs made from nothing, by folder/name: bombs, pathological tables, broken packages and PDFs.
SPECIALS = {
    "text/one_line_20mb.txt": lambda: one_line_text(20),
    "text/pipe_5000_rows.txt": lambda: long_pipe_table(5000),
    "text/long_park_name.txt": long_park_name,
    "html/span_bomb.html": html_span_bomb,
    "html/deep_nesting.html": html_deep_nesting,
    "docx/gridspan_3000000.docx": docx_gridspan_bomb,
    "docx/gridbefore_3000000.docx": docx_gridbefore_bomb,
    "docx/rows_300000.docx": docx_many_rows,
    "docx/rows_5000.docx": lambda: docx_table(5000),
    "docx/columns_5000.docx": docx_many_cells_in_row,
    "docx/deep_tables.docx": docx_deep_tables,
    "docx/deep_runs.docx": docx_deep_runs,
    "docx/billion_laughs.docx": docx_billion_laughs,
    "docx/xxe.docx": docx_xxe,
    "docx/zip_bomb_2600mb.docx": lambda: docx_zip_bomb(2600),
    "docx/zip_bomb_lying_sizes.docx": docx_lying_sizes,
    "docx/rels_bomb.docx": docx_rels_bomb,
    **{f"docx/{name}.docx": make for name, make in docx_variants().items()},
    **{f"pdf/{name}.pdf": make for name, make in pdf_variants().items()},
}


# ---------------------------------------------------------------- names and odd file system entries

# File names a Windows ZIP, a mail client or a careless script leaves behind (as bytes: not all are UTF-8).
ODD_NAMES = [
    "长春经开区2022年度评价报告".encode("gbk") + b".txt",   # GBK bytes: not valid UTF-8
    "报告".encode("gbk") + b"\xff.docx",
    b"\xe6\x8a\xa5\xe5.pdf",                                    # UTF-8 cut in the middle of a character
    "report\nwith newline.txt".encode(),
    "tab\there.txt".encode(),
    "carriage\rreturn.txt".encode(),
    "escape\x1b[31mred.txt".encode(),
    ("长" * 80 + ".txt").encode(),                               # 243 bytes: near the 255-byte limit
    "-leading-dash.txt".encode(),
    "<script>alert(1)<\\script>.txt".encode(),
    "quote\"and'apos.txt".encode(),
    "back\\slash.txt".encode(),
    "   spaces   .txt".encode(),
    "e\u0301nfd-accent.txt".encode(),
    "rtl\u202eoverride.txt".encode(),
    "emoji\U0001f600.txt".encode(),
    "semi;colon,comma.txt".encode(),
    "percent%20and%00.txt".encode(),
    "no_extension".encode(),
    "UPPER.TXT".encode(),
]


def write_bytes_name(folder: Path, name: bytes, data: bytes) -> Path:
    """Write a file whose name is raw bytes (Linux allows any byte but / and NUL)."""
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as f:
        f.write(data)
    return Path(os.fsdecode(path))


def odd_entries(folder: Path, report: bytes) -> list[Path]:
    """Entries that are not plain files, or plain files that cannot be read as reports."""
    made = []
    a, b = folder / "loop_a.txt", folder / "loop_b.txt"
    os.symlink(b.name, a)
    os.symlink(a.name, b)
    made += [a, b]
    dangling = folder / "dangling.pdf"
    os.symlink("does_not_exist.pdf", dangling)
    made.append(dangling)
    fifo = folder / "fifo.txt"
    os.mkfifo(fifo)
    made.append(fifo)
    (folder / "directory.pdf").mkdir()
    made.append(folder / "directory.pdf")
    good = folder / "real.txt"
    good.write_bytes(report)
    link = folder / "link_to_real.txt"
    os.symlink(good.name, link)
    made += [good, link]
    loop_dir = folder / "dir_loop"
    loop_dir.mkdir()
    os.symlink("..", loop_dir / "up")
    made.append(loop_dir / "up")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "zeros.txt").write_bytes(b"\x00" * 100_000)
    (folder / "random.pdf").write_bytes(random.Random(1).randbytes(50_000))
    made += [folder / "empty.txt", folder / "zeros.txt", folder / "random.pdf"]
    sparse = folder / "sparse_3gb.txt"
    with open(sparse, "wb") as f:
        f.write("园区名称：长春经济技术开发区\n".encode())
        f.truncate(3 * 1024 ** 3)  # 3 GB that take no disk: reading it whole would take 3 GB of memory
    made.append(sparse)
    return made


def random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def gzip_bytes(data: bytes) -> bytes:
    import gzip
    return gzip.compress(data, mtime=0)


# An error that is an exception's name and text, not a sentence (what issue 12 found in documents.csv).
BARE_EXCEPTION = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Exit|Interrupt)\b|\(\w*error: |"
                            r"could not read this file \(|Traceback|line \d+, column \d+")
