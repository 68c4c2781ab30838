"""The input files of a batch: found, named, hashed; the ones not read get their reason.

Names come from disks, ZIPs made on Windows and e-mail attachments, so they
may be any bytes. A name is kept as raw bytes (round-trippable, in the store)
and shown escaped: bytes that are not UTF-8 as \\xNN, control characters
(a newline in a name) as \\n or \\uNNNN, so one file is always one line.
"""
from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ecopark.extract.sniff import SKIP_SUFFIXES

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}
OWN_OUTPUT_MARKER = "ecopark.db"   # a folder holding it is an ecopark OUT_DIR, never input


@dataclass
class InputFile:
    path: Path            # where to read it
    rel: str              # relative to the input root (an OS string: may hold surrogates)
    source_file: str      # the escaped name shown in outputs
    skipped: str = ""     # why it is not read ("" = read it)
    size: int = 0
    mtime_ns: int = 0
    inode: int = 0
    sha256: str = ""

    @property
    def raw(self) -> bytes:
        return os.fsencode(self.rel)


def shown(name: str | bytes) -> str:
    """A file name as a person sees it in a CSV cell or a progress line: one line, valid UTF-8."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    text = raw.decode("utf-8", "backslashreplace")
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in "\u2028\u2029":
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def _skip_reason(path: Path, mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "not a regular file (a FIFO); not read"
    if stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (a device or socket); not read"
    if not stat.S_ISREG(mode):
        return "not a regular file; not read"
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES and suffix in SKIP_SUFFIXES:
        return (f"an image file ({suffix}); ecopark reads PDF, Word, text and HTML reports: "
                f"put scanned pages into a PDF to have them read")
    if suffix in SKIP_SUFFIXES:
        return f"not a report: {suffix} files are never read"
    return ""


def walk(root: Path, exclude: list[Path] = ()) -> tuple[list[InputFile], list[str]]:
    """Every non-hidden file below `root` in a stable order (folders sorted, names sorted within),
    and the notes on folders left out (OUT_DIR and other ecopark output folders)."""
    root = Path(root)
    if root.is_file():
        return [_entry(root, root.name)], []
    excluded = {p.resolve() for p in exclude}
    files, notes = [], []

    def onerror(err: OSError) -> None:
        name = os.path.relpath(err.filename, root) if err.filename else "?"
        files.append(InputFile(Path(err.filename or root), name, shown(name),
                               skipped=f"a folder that cannot be listed ({err.strerror}); not read"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        keep = []
        for d in sorted(dirnames):
            full = Path(dirpath) / d
            if d.startswith("."):
                continue
            if full.resolve() in excluded or (full / OWN_OUTPUT_MARKER).exists():
                notes.append(f"{shown(os.path.relpath(full, root))}/ is an ecopark output folder: not read")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            full = Path(dirpath) / name
            files.append(_entry(full, os.path.relpath(full, root)))
    return files, notes


def _entry(full: Path, rel: str) -> InputFile:
    rel = rel.replace(os.sep, "/")
    entry = InputFile(full, rel, shown(rel))
    try:
        st = os.stat(full)
    except OSError as e:
        what = "a link that leads nowhere" if os.path.islink(full) else "a file that cannot be opened"
        entry.skipped = f"{what} ({e.strerror}); not read"
        return entry
    entry.skipped = _skip_reason(full, st.st_mode)
    entry.size, entry.mtime_ns, entry.inode = st.st_size, st.st_mtime_ns, st.st_ino
    return entry


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
