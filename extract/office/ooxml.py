"""Strict Office Open XML read as Transitional.

Word and Excel can save "Strict Open XML" (ISO/IEC 29500 Strict): the same
parts and element names as the usual Transitional files, under other namespace
URIs (http://purl.oclc.org/ooxml/...). The readers (and openpyxl) know only the
Transitional ones, so Strict parts are given the Transitional namespaces on
load; nothing else about the content changes.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

STRICT_PREFIX = b"http://purl.oclc.org/ooxml/"
_STRICT = re.compile(rb"http://purl\.oclc\.org/ooxml/(\w+)/(\w+)")
# the few names Transitional spells differently (after the area and the 2006 year)
_RENAMED = {b"extendedProperties": b"extended-properties", b"customProperties": b"custom-properties"}
_RENAMED_RELATIONSHIPS = re.compile(rb"(/2006/relationships/)(extendedProperties|customProperties)\b")


def _transitional_uri(m: re.Match) -> bytes:
    area, name = m.group(1), m.group(2)
    return b"http://schemas.openxmlformats.org/" + area + b"/2006/" + _RENAMED.get(name, name)


def transitional(xml: bytes) -> bytes:
    """An XML part with Strict namespace URIs given their Transitional spelling (unchanged if none)."""
    if STRICT_PREFIX not in xml:
        return xml
    xml = _STRICT.sub(_transitional_uri, xml)
    return _RENAMED_RELATIONSHIPS.sub(lambda m: m.group(1) + _RENAMED[m.group(2)], xml)


def transitional_package(path: Path) -> Path | io.BytesIO:
    """The package itself if it is Transitional, else an in-memory copy with every XML part mapped."""
    with zipfile.ZipFile(path) as package:
        probe = package.read("_rels/.rels") if "_rels/.rels" in package.namelist() else b""
        if STRICT_PREFIX not in probe:
            return path
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for item in package.infolist():
                data = package.read(item)
                if item.filename.endswith((".xml", ".rels", ".vml")):
                    data = transitional(data)
                copy.writestr(item, data)
    out.seek(0)
    return out
