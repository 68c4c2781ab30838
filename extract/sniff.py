"""Decide a file's format from its bytes, not its name.

Reports arrive renamed, with wrong extensions or none: a `.pdf` that is really
an HTML error page, a `.doc` that is really a DOCX. The first bytes tell.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .office import containers

# Files we never try to read: clearly not reports.
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")  # PNG, JPEG, TIFF

SKIP_SUFFIXES = {".gif", ".bmp", ".exe", ".dll", ".so",
                 ".pyc", ".db", ".sqlite", ".mp4", ".mp3", ".DS_Store",
                 # scripts and data files that sit beside reports (fixture builders, our own outputs)
                 ".py", ".sh", ".csv", ".parquet", ".json", ".yaml", ".yml", ".toml", ".tmp"}


def sniff(path: Path) -> str:
    """One of: pdf, docx, doc, xlsx, xls, odt, ods, image, html, text, empty, binary, or a key of
    `containers.NOT_REPORTS` (pptx, epub, zip …)."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(IMAGE_MAGIC):
        return "image"  # a scanned or photographed report: PNG, JPEG, TIFF
    if head.startswith(containers.OLE_MAGIC):
        return containers.ole_format(path)  # .doc/.wps, .xls/.et, .ppt/.dps … told apart by their streams
    if head.startswith(b"PK\x03\x04"):
        return containers.zip_format(path, head)
    if b"{\\rtf" in head[:16]:
        return "doc"
    if b"<office:document" in head and b"opendocument" in head:
        return containers.flat_odf_format(head)  # .fods / .fodt: one XML file, no package
    text = decode(head, partial=True)
    if text is None:
        return "binary"
    low = text.lower()
    if "<table" in low and ("<html" in low or "<body" in low or low.lstrip().startswith("<")):
        return "html"
    return "text"


REPLACEMENT = "\ufffd"
# C0 control characters that no text holds (tab, newlines, vertical tab, form feed and carriage
# return are text); in a text file they are damage, shown and counted as replaced.
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r")
_CONTROL_RE = re.compile("[" + "".join(f"\\x{b:02x}" for b in _CONTROLS) + "]")
BINARY_CONTROL_SHARE = 0.01   # more control bytes than this in the first 64 KB: binary, not text
BINARY_DOUBT_SHARE = 0.2      # more doubtful characters than this under the likeliest encoding: not text
SAMPLE = 65536
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SHOWN = {"utf-8": "UTF-8", "gb18030": "GB18030", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
          "utf-32-le": "UTF-32", "utf-32-be": "UTF-32", "utf-8+gb18030": "UTF-8 or GB18030"}


@dataclass(frozen=True)
class Decoded:
    """A text file's characters, the encoding they were read in, and how many bytes were not
    characters of it: each became U+FFFD, so one bad byte costs one character, not the file."""

    text: str
    encoding: str
    replaced: int = 0

    @property
    def note(self) -> str:
        if not self.replaced:
            return ""
        return (f"{self.replaced} byte(s) are not {_SHOWN.get(self.encoding, self.encoding)} text (a damaged "
                f"copy or mixed encodings) and were replaced by {REPLACEMENT}; values they touch are flagged")


def decode_text(data: bytes) -> Decoded | None:
    """The likeliest reading of `data` as text: by its byte-order mark, else UTF-16 when its NULs
    say so, else UTF-8 or GB18030/GBK, whichever leaves fewer bytes undecoded and fewer
    characters a Chinese report would not print, else line by line when a file mixes the two.
    None when the bytes are not text at all."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom):], encoding)
    head = data[:SAMPLE]
    wide = _utf16_by_nuls(head)
    if wide:
        return _decode(data, wide)
    if _control_share(head) > BINARY_CONTROL_SHARE:
        return _utf16_without_nuls(data)
    best = _decode(data, "utf-8")
    if not best.replaced:
        return best
    best = min(best, _decode(data, "gb18030"), key=_doubt)  # ties go to UTF-8
    if _too_doubtful(best):
        best = min(best, _decode_lines(data), key=_doubt)
    return None if _too_doubtful(best) else best


def _too_doubtful(found: Decoded) -> bool:
    """Not text: a good share of it undecodable or rare characters (a few are damage, not binary)."""
    return _doubt(found, _common() | _traditional()) > BINARY_DOUBT_SHARE * len(found.text) + 8


def read_limited(path: Path) -> bytes:
    """A text file's bytes, refused before reading when it is over the size limit."""
    size = path.stat().st_size
    if size > limits.current().text_bytes:
        raise limits.too_large(f"a text file of {size / limits.MB:,.0f} MB", "text_mb")
    return path.read_bytes()


def decode(data: bytes, partial: bool = False) -> str | None:
    """The text of `data` (see `decode_text`), or None if it is not text. `partial`: a prefix of
    a file (a character cut at its end is no sign of damage)."""
    found = decode_text(data)
    return None if found is None else found.text


def _decode(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    replaced = 0
    if REPLACEMENT in text:
        # what did not decode is what the decoded characters do not account for (both
        # encodings map characters to bytes one to one); a U+FFFD printed in the file counts too
        replaced = len(data) - len(text.replace(REPLACEMENT, "").encode(encoding))
    text, controls = _CONTROL_RE.subn(REPLACEMENT, text)
    return Decoded(text, encoding, replaced + controls)


def _decode_lines(data: bytes) -> Decoded:
    """A file pasted together from UTF-8 and GBK parts: each line in the encoding it decodes in.
    (A newline byte is never part of a GBK or UTF-8 character, so lines split cleanly.)"""
    lines, replaced = [], 0
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        found = min(_decode(line, "utf-8"), _decode(line, "gb18030"), key=_doubt)
        lines.append(found.text)
        replaced += found.replaced
    text, controls = _CONTROL_RE.subn(REPLACEMENT, "\n".join(lines))
    return Decoded(text, "utf-8+gb18030", replaced + controls)


def _control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROLS))) / max(1, len(head))


def _utf16_by_nuls(head: bytes) -> str:
    """UTF-16 without a byte-order mark: Latin letters, digits and newlines put a NUL in every
    other byte, on the odd bytes for little-endian, the even ones for big-endian."""
    half = len(head) // 2
    if half < 8:
        return ""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.2 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.2 * half and odd < 0.02 * half:
        return "utf-16-be"
    return ""


def _utf16_without_nuls(data: bytes) -> Decoded | None:
    """Chinese in UTF-16 without a mark has few NULs and looks like binary; it is text when nearly
    every character is one a Chinese report prints."""
    for encoding in ("utf-16-le", "utf-16-be"):
        found = _decode(data[: len(data) // 2 * 2], encoding)
        if _doubt(found) < 0.05 * len(found.text):
            return found
    return None


@functools.cache
def _common() -> frozenset[str]:
    """Characters of GB2312 (the 7,445 a Chinese report is printed in, punctuation included)."""
    chars = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@functools.cache
def _traditional() -> frozenset[str]:
    """The 5,401 common traditional characters (Big5 level 1): a report in traditional characters
    (a web copy from Hong Kong or Taiwan) is text, not binary, though they are rare in GB2312's sense."""
    chars = set()
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            try:
                chars.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _doubt(found: Decoded, common: frozenset[str] | None = None) -> float:
    """Undecoded bytes plus, estimated from a sample, characters outside ASCII and GB2312: text read
    in the wrong encoding decodes to rare characters where the right one gives common ones."""
    sample = found.text[:20000]
    common = _common() if common is None else common
    rare = sum(1 for ch in sample if ch > "\x7f" and ch not in common and ch != REPLACEMENT)
    return found.replaced + rare * len(found.text) / max(1, len(sample))
