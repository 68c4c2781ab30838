"""review.html: every value in review on one static page, with what a person needs to decide.

No script, no stylesheet from the network: the page must open from a USB
stick on an office PC. For each value it shows the flags and their reasons,
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
    return html.escape("" if text is None else str(text))


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
    """The other rows of the same indicator (its components), as the page prints them."""
    rows = "".join(f"<tr><td>{_e(r.name_raw)}</td><td>{_e(r.unit_raw)}</td><td>{_e(r.value_raw)}</td></tr>"
                   for r in siblings if r is not record)
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


def render(records: list[Record], out_dir: Path) -> str:
    pending = [r for r in records if r.needs_review]
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        groups[_group(r)].append(r)
    by_file: dict[str, list[Record]] = defaultdict(list)
    for r in pending:
        by_file[r.source_file].append(r)
    toc = "".join(f'<li><a href="#file-{i}">{_e(name)}</a> ({len(recs)})</li>'
                  for i, (name, recs) in enumerate(by_file.items()))
    body = []
    for i, (name, recs) in enumerate(by_file.items()):
        park = next((r.park_name for r in recs if r.park_name), "")
        body.append(f'<h2 id="file-{i}">{_e(name)}{" — " + _e(park) if park else ""}</h2>')
        body.extend(_item(r, out_dir, groups[_group(r)]) for r in recs)
    reviewed = sum(r.reviewed for r in records)
    intro = (f"<p>{len(pending)} values to review in {len(by_file)} files; {reviewed} already decided. "
             "Decide each in <b>corrections.csv</b> (same folder; opens in Excel): find the row by its "
             "record_key and fill <i>decision</i> with accept, correct or reject; for correct, put the "
             "right number in <i>corrected_value</i>, in the unit of the <i>unit</i> column. Save, then "
             "run <code>ecopark ingest</code> again: decided values leave the review.</p>")
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>ecopark review</title>'
            f"<style>{_STYLE}</style></head><body><h1>ecopark review</h1>{intro}"
            f"<ul>{toc}</ul>{''.join(body)}</body></html>\n")


def write(records: list[Record], out_dir: str | Path, path: Path | None = None) -> Path:
    """review.html in `out_dir` (or at `path`, a staged copy; links stay relative to `out_dir`)."""
    from ecopark.outputs import atomic_write

    out_dir = Path(out_dir)
    path = path or out_dir / FILE_NAME
    page = render(records, out_dir)
    return atomic_write(path, lambda f: f.write(page), text=True)
