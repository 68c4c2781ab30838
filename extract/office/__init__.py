"""Office formats: Word (DOCX, legacy .doc), spreadsheets (XLSX, XLS, ODS), OpenDocument text.

What they share sits beside their readers: the ZIP/OLE2 container checks
(`containers`), Strict OOXML turned Transitional (`ooxml`), the LibreOffice
conversion of what no Python library reads (`convert`), and the sheet-to-table
reading with Excel's number formats (`sheet`, `numfmt`). Each reader is an
`extract.base.Reader`, registered in `extract.READERS`.
"""
