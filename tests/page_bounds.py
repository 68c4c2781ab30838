"""Where the cells of a read PDF lie, against the pages as the PDF stores them."""
from __future__ import annotations

from pathlib import Path

import pdfplumber


def page_sizes(path: Path) -> dict[int, tuple[float, float]]:
    """1-based page number -> (width, height) in points, /Rotate applied, as a viewer shows it."""
    with pdfplumber.open(path) as pdf:
        return {i: (p.width, p.height) for i, p in enumerate(pdf.pages, 1)}


def misplaced_cells(doc, path: Path, slack: float = 0.0) -> list[tuple[int, str, tuple]]:
    """(page, text, bbox) of every non-empty table cell whose box is not inside its page of
    `path`, or is not on its table's page (within `slack` points of the edge)."""
    sizes = page_sizes(path)
    out = []
    for table in doc.tables:
        width, height = sizes[table.loc.page]
        for row in table.rows:
            for cell in row.cells:
                if cell.empty:
                    continue
                x0, top, x1, bottom = cell.loc.bbox
                inside = 0 <= x0 < x1 <= width + slack and 0 <= top < bottom <= height + slack
                if not inside or cell.loc.page != table.loc.page:
                    out.append((cell.loc.page, cell.text, cell.loc.bbox))
    return out
