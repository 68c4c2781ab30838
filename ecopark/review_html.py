"""review.html: every value in review on static pages, with what a person needs to decide.

No script, no stylesheet from the network: the page must open from a USB
stick on an office PC. A browser (or Excel's preview) chokes on a page of
hundreds of MB, so when the values do not fit in one page of PAGE_BYTES,
review.html becomes the contents and the values go to review-1.html,
review-2.html … in the same folder, each under PAGE_BYTES, a document's values
in one page when they fit, split over consecutive pages when not. Each value
shows at most MAX_NEIGHBOURS rows of its indicator and MAX_FIELD characters of
a cell, so no value alone outgrows a page. For each value it shows the flags and their reasons,
the row as extracted (label, unit, requirement, value, location), the
suggestion, and — for PDF and scanned pages — the image of the row under its
column header (`Record.crop`, set by `ecopark.crops`).
"""
from __future__ import annotations

import html
import os
from collections import defaultdict
from pathlib import Path

from ecopark.schemas import flags as flagcodes
from ecopark.schemas.records import Record

FILE_NAME = "review.html"
PAGE_NAME = "review-{}.html"     # the pages after the contents, when one page is not enough
PAGE_BYTES = 2_000_000           # a page a browser opens at once
MAX_NEIGHBOURS = 12              # rows of the same indicator shown beside a value (nearest first)
MAX_FIELD = 2000                 # characters of one cell shown; the rest is said, not shown

_STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:2em}
.item{border:1px solid #ddd;border-radius:4px;padding:.6em 1em;margin:.8em 0}
.item h3{font-size:1em;margin:.2em 0 .5em}
.key{font-family:monospace;color:#666;font-size:.85em}
table.cells{border-collapse:collapse;margin:.4em 0} table.cells td,table.cells th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
.flag{display:inline-block;background:#fde8e8;border-radius:3px;padding:0 .4em;margin-right:.3em;font-family:monospace}
.flag.info{background:#eef}
.suggestion{background:#e8f6e8;padding:.3em .5em;border-radius:3px}
ul.reasons{margin:.3em 0 .3em 1.2em;padding:0}
img.crop{max-width:100%;border:1px solid #999;margin-top:.4em}
"""


def _e(text) -> str:
    text = "" if text is None else str(text)
    if len(text) > MAX_FIELD:
        text = f"{text[:MAX_FIELD]} … ({len(text) - MAX_FIELD:,} more characters)"
    return html.escape(text)


def _crop(record: Record, out_dir: Path) -> str:
    if not record.crop:
        return ""
    p = Path(record.crop)
    src = os.path.relpath(p, out_dir) if p.is_absolute() else p.as_posix()
    return f'<img class="crop" src="{_e(Path(src).as_posix())}" alt="the row in the source file">'


def _flags(record: Record) -> str:
    out = []
    for code in flagcodes.join(record.flags).split(";") if record.flags else []:
        flag = flagcodes.FLAGS[code]
        css = "flag" if flag.forces_review else "flag info"
        out.append(f'<span class="{css}" title="{_e(flag.meaning)}">{_e(code)}</span>')
    return "".join(out)


def _group(record: Record) -> tuple:
    return (record.source_file, record.table_kind, record.data_year,
            (record.indicator_id or "").split(".")[0] or record.record_key)


def _neighbours(record: Record, siblings: list[Record]) -> str:
    """The other rows of the same indicator (its components), as the page prints them: the
    MAX_NEIGHBOURS nearest in the table (a table repeating one indicator 5,000 times would
    otherwise print 25 million rows)."""
    others = [r for r in siblings if r is not record]
    if len(others) > MAX_NEIGHBOURS:
        here = record.row_index or 0
        others = sorted(sorted(others, key=lambda r: abs((r.row_index or 0) - here))[:MAX_NEIGHBOURS],
                        key=lambda r: r.row_index or 0)
    rows = "".join(f"<tr><td>{_e(r.name_raw)}</td><td>{_e(r.unit_raw)}</td><td>{_e(r.value_raw)}</td></tr>"
                   for r in others)
    more = len(siblings) - 1 - len(others)
    if more:
        rows += f'<tr><td colspan="3">… and {more:,} more rows of this indicator</td></tr>'
    return f'<table class="cells"><tr><th colspan="3">rows of this indicator</th></tr>{rows}</table>' if rows else ""


def _item(record: Record, out_dir: Path, siblings: list[Record]) -> str:
    title = " · ".join(x for x in (record.indicator_id or "(no catalogue match)", record.indicator_name,
                                    str(record.data_year or ""), record.table_kind) if x)
    cells = [("label", record.name_raw), ("unit", record.unit_raw), ("requirement", record.requirement_raw),
             ("value", record.value_raw), ("是否为考核指标", record.assessed_raw),
             ("是否达标", record.compliant_raw), ("location", record.location)]
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in cells if v)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in record.reasons)
    parts = [f'<div class="item" id="{_e(record.record_key)}">',
             f"<h3>{_e(title)}</h3>",
             f"<div>{_flags(record)}</div>",
             f'<ul class="reasons">{reasons}</ul>' if reasons else "",
             f'<table class="cells">{rows}</table>',
             _neighbours(record, siblings)]
    if record.suggestion:
        parts.append(f'<div class="suggestion">suggestion: {_e(record.suggestion)}</div>')
    parts.append(_crop(record, out_dir))
    parts.append(f'<div class="key">record_key: {_e(record.record_key)}</div></div>')
    return "\n".join(p for p in parts if p)


def _sections(records: list[Record], out_dir: Path) -> list[tuple[str, str, list[str]]]:
    """Per file with values in review: its name, its park and its values' HTML, in file order."""
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        groups[_group(r)].append(r)
    by_file: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.needs_review:
            by_file[r.source_file].append(r)
    return [(name, next((r.park_name for r in recs if r.park_name), ""),
             [_item(r, out_dir, groups[_group(r)]) for r in recs]) for name, recs in by_file.items()]


def _intro(records: list[Record], files: int) -> str:
    pending = sum(r.needs_review for r in records)
    reviewed = sum(r.reviewed for r in records)
    return (f"<p>{pending} values to review in {files} files; {reviewed} already decided. "
            "Decide each in <b>corrections.csv</b> (same folder; opens in Excel): find the row by its "
            "record_key and fill <i>decision</i> with accept, correct or reject; for correct, put the "
            "right number in <i>corrected_value</i>, in the unit of the <i>unit</i> column. Save, then "
            "run <code>ecopark ingest</code> again: decided values leave the review.</p>")


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n")


def _heading(i: int, name: str, park: str, continued: bool = False) -> str:
    anchor = "" if continued else f' id="file-{i}"'
    return (f'<h2{anchor}>{_e(name)}{" — " + _e(park) if park else ""}'
            f'{" (continued)" if continued else ""}</h2>')


def pages(records: list[Record], out_dir: Path) -> dict[str, str]:
    """File name -> HTML of every page: review.html alone when everything fits in PAGE_BYTES,
    else review.html as the contents and review-N.html pages of at most PAGE_BYTES each."""
    sections = _sections(records, out_dir)
    intro = _intro(records, len(sections))
    whole = sum(len(h.encode()) for _, _, items in sections for h in items)
    if whole <= PAGE_BYTES:
        toc = "".join(f'<li><a href="#file-{i}">{_e(name)}</a> ({len(items)})</li>'
                      for i, (name, _, items) in enumerate(sections))
        body = "".join(_heading(i, name, park) + "".join(items) for i, (name, park, items) in enumerate(sections))
        return {FILE_NAME: _page("ecopark review", f"<h1>ecopark review</h1>{intro}<ul>{toc}</ul>{body}")}
    chunks: list[list[str]] = [[]]
    size = 0
    where: dict[int, list[int]] = defaultdict(list)  # file index -> page numbers (1-based)
    for i, (name, park, items) in enumerate(sections):
        if size and size + sum(len(h.encode()) for h in items) > PAGE_BYTES:
            chunks.append([])   # a document that fits in a page starts a new one rather than split
            size = 0
        for k, item in enumerate(items):
            piece = len(item.encode())
            if size and size + piece > PAGE_BYTES:
                chunks.append([])
                size = 0
            if not where[i] or where[i][-1] != len(chunks):
                chunks[-1].append(_heading(i, name, park, continued=k > 0))
                where[i].append(len(chunks))
            chunks[-1].append(item)
            size += piece
    out = {}
    last = len(chunks)
    for n, chunk in enumerate(chunks, start=1):
        nav = (f'<p><a href="{FILE_NAME}">contents</a>'
               + (f' · <a href="{PAGE_NAME.format(n - 1)}">previous page</a>' if n > 1 else "")
               + (f' · <a href="{PAGE_NAME.format(n + 1)}">next page</a>' if n < last else "")
               + f" · page {n} of {last}</p>")
        out[PAGE_NAME.format(n)] = _page(f"ecopark review, page {n}", f"{nav}{''.join(chunk)}{nav}")
    toc = "".join(
        f'<li>{_e(name)} ({len(items)}): '
        + ", ".join(f'<a href="{PAGE_NAME.format(n)}{"#file-" + str(i) if k == 0 else ""}">page {n}</a>'
                    for k, n in enumerate(where[i])) + "</li>"
        for i, (name, _, items) in enumerate(sections))
    out[FILE_NAME] = _page("ecopark review", f"<h1>ecopark review</h1>{intro}"
                                             f"<p>The values are on {last} pages.</p><ul>{toc}</ul>")
    return out


def render(records: list[Record], out_dir: Path) -> str:
    """review.html alone (the contents, when the values are on pages of their own)."""
    return pages(records, out_dir)[FILE_NAME]


def write(records: list[Record], out_dir: str | Path, stage=None) -> Path:
    """review.html and its pages in `out_dir`, or into `stage` (an outputs.Staging, put in place
    with the other outputs). Pages of an earlier, longer review are removed with them, so no
    page of another run is left behind."""
    from ecopark.outputs import atomic_write

    out_dir = Path(out_dir)
    written = pages(records, out_dir)
    for name, page in written.items():
        dest = stage.path(name) if stage is not None else out_dir / name
        atomic_write(dest, lambda f, page=page: f.write(page), text=True)
    for old in out_dir.glob(PAGE_NAME.format("*")):
        if old.name not in written:
            if stage is not None:
                stage.remove(old.name)
            else:
                old.unlink(missing_ok=True)
    return out_dir / FILE_NAME
