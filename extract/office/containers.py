"""What an Office container holds: the real format of a ZIP package or an OLE2 compound file.

A ZIP may be a Word, Excel or PowerPoint package (Transitional or Strict), an
OpenDocument or EPUB file (its first entry, `mimetype`, says which), a Chinese
OFD document, an XPS or iWork file, or a plain archive. An OLE2 file may be a
Word (.doc, WPS .wps), Excel (.xls, WPS .et) or PowerPoint (.ppt, WPS .dps)
file, a password-protected OOXML package, an Outlook message … Its directory's
stream names tell them apart, whatever the file is called. `sniff` calls these
two functions; `NOT_REPORTS` has the sentence shown for each format that is no
report, so a person learns what the file really is.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_READ_AS = "ecopark reads reports as DOCX, XLSX, ODT, ODS, PDF, Word/Excel 97-2003 or text"

NOT_REPORTS = {
    "pptx": f"a PowerPoint presentation (.pptx), not a report; {_READ_AS}",
    "ppt": f"a PowerPoint presentation (.ppt, or WPS .dps), not a report; {_READ_AS}",
    "odp": f"an OpenDocument presentation (.odp), not a report; {_READ_AS}",
    "odg": f"an OpenDocument drawing (.odg), not a report; {_READ_AS}",
    "odf": f"an OpenDocument file that is neither text nor a spreadsheet (chart, formula, database); {_READ_AS}",
    "epub": f"an EPUB e-book, not a report; {_READ_AS}",
    "vsdx": f"a Visio drawing, not a report; {_READ_AS}",
    "xlsb": "an Excel binary workbook (.xlsb), which ecopark cannot read; save it as .xlsx in Excel or WPS",
    "xps": "an XPS document (.xps/.oxps), which ecopark cannot read; print it to PDF and ingest the PDF",
    "ofd": "an OFD document (China's fixed-layout format, GB/T 33190), which ecopark cannot read; "
           "export it to PDF with an OFD reader and ingest the PDF",
    "iwork": "an Apple iWork document (Pages, Numbers or Keynote), which ecopark cannot read; "
             "export it as DOCX, XLSX or PDF",
    "encrypted": "a password-protected (encrypted) Office file; open it with its password and save a copy without one",
    "msg": "an Outlook message (.msg), not a report; save its attachments and ingest those",
    "ole-damaged": "a damaged Office 97-2003 file (Word, Excel or PowerPoint): its directory of contents cannot "
                   "be read; ask for an undamaged copy",
    "ole": f"an OLE2 compound file that is neither Word, Excel nor PowerPoint (Visio, an installer …); {_READ_AS}",
    "zip": "a ZIP archive, not an Office document; if it holds reports, unpack it and ingest its contents",
}

# mimetype entry of OpenDocument and EPUB packages -> format
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.text-master": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
    "application/vnd.oasis.opendocument.graphics-template": "odg",
    "application/epub+zip": "epub",
}
# first folder of an OOXML package's main part -> format
_OOXML_FOLDERS = {"word": "docx", "xl": "xlsx", "ppt": "pptx", "visio": "vsdx"}
_OOXML_DEFAULT_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "xl/workbook.bin": "xlsb",
                        "ppt/presentation.xml": "pptx", "visio/document.xml": "vsdx"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def check_inflated_size(path: Path, what: str) -> None:
    """Refuse a package with a part that would inflate past the per-part limit (a ZIP bomb)."""
    from ecopark.extract import limits

    allowed = limits.current().part_bytes
    with zipfile.ZipFile(path) as package:
        for item in package.infolist():
            if item.file_size > allowed:
                raise limits.too_large(f"the {what} part {item.filename} inflates to "
                                       f"{item.file_size / limits.MB:,.0f} MB", "part_mb")


def zip_format(path: Path, head: bytes) -> str:
    """docx, xlsx, odt, ods, or a key of NOT_REPORTS."""
    try:
        with zipfile.ZipFile(path) as package:
            return _package_format(package)
    except (zipfile.BadZipFile, OSError, RuntimeError):
        # a damaged package: its first entry (OpenDocument's stored mimetype, an OOXML part's
        # name) still says what it was meant to be; the reader then tells the person it is damaged
        stored = re.match(rb"PK\x03\x04.{26}mimetype([\x21-\x7e]{8,80})", head, re.S)
        if stored:
            mime = stored.group(1).split(b"PK")[0].decode("ascii")
            if mime in _ODF_MIMETYPES:
                return _ODF_MIMETYPES[mime]
        for marker, fmt in ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx")):
            if marker in head:
                return fmt
        return "zip"


def _package_format(package: zipfile.ZipFile) -> str:
    names = set(package.namelist())
    if "mimetype" in names:
        mime = package.read("mimetype")[:200].decode("ascii", "replace").strip()
        if mime in _ODF_MIMETYPES:
            return _ODF_MIMETYPES[mime]
        if mime.startswith("application/vnd.oasis.opendocument."):
            return "odf"
    main = _ooxml_main_part(package, names)
    if main in _OOXML_DEFAULT_PARTS:
        return _OOXML_DEFAULT_PARTS[main]
    if main:
        fmt = _OOXML_FOLDERS.get(main.split("/", 1)[0])
        if fmt == "xlsx" and main.endswith(".bin"):
            return "xlsb"
        if fmt:
            return fmt
    for part, fmt in _OOXML_DEFAULT_PARTS.items():
        if part in names:
            return fmt
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return _odf_from_manifest(package)
    if "OFD.xml" in names:
        return "ofd"
    if any(n.endswith((".fdseq", ".fdoc")) for n in names):
        return "xps"
    if "Index/Document.iwa" in names or any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        return "iwork"
    return "zip"


def flat_odf_format(head: bytes) -> str:
    """A flat OpenDocument file (.fods, .fodt): its office:mimetype attribute says which."""
    found = re.search(rb'office:mimetype="([^"]+)"', head)
    mime = found.group(1).decode("ascii", "replace") if found else ""
    return _ODF_MIMETYPES.get(mime, "odf")


def _ooxml_main_part(package: zipfile.ZipFile, names: set[str]) -> str:
    """The officeDocument target of the package relationships (Transitional or Strict), '' if none."""
    if "_rels/.rels" not in names:
        return ""
    try:
        rels = etree.fromstring(package.read("_rels/.rels"), _PARSER)
    except etree.XMLSyntaxError:
        return ""
    for rel in rels:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
            return target if target in names else ""
    return ""


def _odf_from_manifest(package: zipfile.ZipFile) -> str:
    """An OpenDocument package written without its mimetype entry: the manifest's root entry says."""
    try:
        manifest = etree.fromstring(package.read("META-INF/manifest.xml"), _PARSER)
    except etree.XMLSyntaxError:
        return "odf"
    for entry in manifest:
        attrs = {k.rsplit("}", 1)[-1]: v for k, v in entry.attrib.items()}
        if attrs.get("full-path") == "/":
            return _ODF_MIMETYPES.get(attrs.get("media-type", ""), "odf")
    return "odf"


# top-level OLE2 stream names as written -> format, first match wins
_OLE_STREAMS = [
    ("EncryptedPackage", "encrypted"),    # a password-protected DOCX/XLSX/PPTX
    ("WordDocument", "doc"),              # Word 97-2003, WPS Writer .wps
    ("Workbook", "xls"),                  # Excel 97-2003 (BIFF8), WPS Spreadsheets .et
    ("Book", "xls"),                      # Excel 5/95 (BIFF5)
    ("PowerPoint Document", "ppt"),       # PowerPoint 97-2003, WPS Presentation .dps
    ("CONTENTS", "doc"),                  # Microsoft Works word processor .wps (LibreOffice reads it)
    ("VisioDocument", "ole"),
]


def ole_format(path: Path) -> str:
    """doc, xls, or a key of NOT_REPORTS, from the names in the compound file's directory."""
    names = _ole_stream_names(path)
    for stream, fmt in _OLE_STREAMS:
        if stream.lower() in names:
            return fmt
    if any(n.startswith("__substg1.0_") for n in names):
        return "msg"
    return "ole" if names else "ole-damaged"


def _ole_stream_names(path: Path) -> set[str]:
    """Lower-case names of the top-level streams and storages."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError):  # olefile's errors for a damaged directory
        return _scanned_stream_names(path)


def _scanned_stream_names(path: Path) -> set[str]:
    """A damaged directory: look for the known stream names (UTF-16LE) among the file's bytes."""
    with open(path, "rb") as f:
        data = f.read(64 * 1024 * 1024)
    return {stream.lower() for stream, _ in _OLE_STREAMS if stream.encode("utf-16-le") in data}
