"""Decide a file's format from its bytes, not its name.

Reports arrive renamed, with wrong extensions or none: a `.pdf` that is really
an HTML error page, a `.doc` that is really a DOCX. The first bytes tell.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

TEXT_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")

# Files we never try to read: clearly not reports.
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".exe", ".dll", ".so",
                 ".pyc", ".db", ".sqlite", ".mp4", ".mp3", ".DS_Store",
                 # scripts and data files that sit beside reports (fixture builders, our own outputs)
                 ".py", ".sh", ".csv", ".parquet", ".json", ".yaml", ".yml", ".toml", ".tmp"}


def sniff(path: Path) -> str:
    """One of: pdf, docx, doc, html, text, zip, empty, binary."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2 compound file: legacy .doc / .wps / .xls
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "docx" if b"word/" in head else "zip"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if b"{\\rtf" in head[:16]:
        return "doc"
    text = decode(head, partial=True)
    if text is None:
        return "binary"
    low = text.lower()
    if "<table" in low and ("<html" in low or "<body" in low or low.lstrip().startswith("<")):
        return "html"
    return "text"


def decode(data: bytes, partial: bool = False) -> str | None:
    """Text in UTF-8 (with or without BOM) or GB18030/GBK; None if it is not text.

    `partial` allows a multi-byte character cut at the end of a sniffed prefix."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            if not partial:
                return None
            return data[: len(data) // 2 * 2].decode("utf-16", errors="ignore")
    for enc in TEXT_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as e:
            if partial and e.start >= len(data) - 4:
                return data[: e.start].decode(enc)
    return None
