"""report.html: what the dataset covers and how each park's indicators move, on one static page.

Charts are drawn with matplotlib as SVG and inlined: the page has no script and
loads nothing (it must open from a USB stick on an office PC, like
review.html). matplotlib rather than plotly or altair because those draw in the
browser with several MB of JavaScript inlined into every page, while a static
SVG is a few hundred KB, prints, and needs no browser engine at all;
matplotlib is the most widely kept plotting library of Python.

- Coverage: a heatmap of reports × the 32 indicators, each cell found
  (a value no check doubts, or one a person decided on), flagged (in review)
  or missing (no value printed, or no such row).
- Each park: one small chart per indicator, its values over the years against
  HJ 274-2015's requirement (a dashed line); values still in review are red.

Drawing costs about a second per park, so each chart is kept in
OUT_DIR/charts/ under a digest of the data it shows and drawn again only when
that data changes: a re-run with nothing new, or a decision on one park,
redraws nothing or one chart.
"""
from __future__ import annotations

import hashlib
import html
import io
import logging
import warnings
from pathlib import Path

import pandas as pd
import regex

from ecopark.schemas import catalogue

FILE_NAME = "report.html"
CHART_DIR = "charts"
CHART_VERSION = "1"   # raise when the drawing changes, so cached charts are redrawn
STATES = ("missing", "flagged", "found")
COLOURS = ("#dddddd", "#e76f51", "#2a9d8f")
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei",
             "PingFang SC", "Heiti SC")

_STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;max-width:80em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:2em}
table.files{border-collapse:collapse;margin:.4em 0;font-size:.9em}
table.files td,table.files th{border:1px solid #ccc;padding:.15em .5em;text-align:left}
.legend span{display:inline-block;width:1em;height:1em;vertical-align:middle;margin:0 .3em 0 1em}
svg{max-width:100%;height:auto}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _digest(*parts) -> str:
    h = hashlib.sha256(CHART_VERSION.encode())
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    matplotlib.rcParams["svg.fonttype"] = "none"       # text stays text: the browser renders the CJK
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"] + [f for f in CJK_FONTS if f in have]
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return plt


def _svg(fig, salt: str) -> str:
    """The figure as an <svg> element to inline: no XML prolog, no metadata, ids salted per chart."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}), warnings.catch_warnings():
        warnings.simplefilter("ignore")   # "Glyph missing from DejaVu Sans": the browser has the font
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return regex.sub(r"(?s)<metadata>.*?</metadata>\s*", "", text)


# ------------------------------------------------------------------ coverage

def coverage(records: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """reports × indicator ids -> 0 missing / 1 flagged / 2 found (rows: every document)."""
    ids = [e.id for e in catalogue.load() if e.is_indicator]
    files = list(dict.fromkeys(list(documents["source_file"]) if documents is not None and len(documents)
                               else []) | dict.fromkeys(records["source_file"]))
    grid = pd.DataFrame(0, index=pd.Index(files, name="source_file"), columns=ids)
    part = records[records["indicator_id"].isin(ids)]
    has_value = part["value"].notna() | (part["value_text"].astype(str) != "")
    found = part[has_value].groupby(["source_file", "indicator_id"], observed=True).size()
    flagged = part[part["needs_review"].astype(bool)].groupby(["source_file", "indicator_id"],
                                                               observed=True).size()
    for (f, i) in found.index:
        grid.loc[f, i] = 2
    for (f, i) in flagged.index:
        grid.loc[f, i] = 1
    return grid


def _coverage_chart(grid: pd.DataFrame, plt) -> object:
    from matplotlib.colors import ListedColormap

    rows, cols = grid.shape
    fig, ax = plt.subplots(figsize=(max(8, 0.3 * cols + 4), max(2.0, 0.28 * rows + 1.4)))
    ax.imshow(grid.to_numpy(), cmap=ListedColormap(COLOURS), vmin=0, vmax=2, aspect="auto",
              interpolation="nearest")
    ax.set_xticks(range(cols), grid.columns, rotation=90, fontsize=7)
    ax.set_yticks(range(rows), [str(f) for f in grid.index], fontsize=7)
    ax.set_xticks([x - 0.5 for x in range(1, cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    fig.subplots_adjust(left=min(0.5, 0.012 * max((len(str(f)) for f in grid.index), default=10) + 0.05),
                        right=0.99, top=0.98, bottom=min(0.4, 1.0 / max(rows, 1) + 0.12))
    return fig


# ------------------------------------------------------------------ a park over the years

def _threshold(requirement: str):
    from ecopark.normalize.requirements import SYMBOL, parse

    req = parse(requirement)
    if req is None or req.threshold is None or req.kind not in (*SYMBOL, "eq"):
        return None
    return req.threshold, req.describe()


def _park_chart(rows: pd.DataFrame, plt) -> object:
    ids = list(dict.fromkeys(rows["indicator_id"]))
    ncols = min(5, len(ids))
    nrows = -(-len(ids) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.7 * ncols, 2.2 * nrows), squeeze=False)
    fig.subplots_adjust(hspace=0.75, wspace=0.4, left=0.06, right=0.99, top=1 - 0.35 / nrows,
                        bottom=0.3 / nrows)
    for ax in axes.flat[len(ids):]:
        ax.set_visible(False)
    for ax, iid in zip(axes.flat, ids):
        part = rows[rows["indicator_id"] == iid].sort_values("data_year")
        years = part["data_year"].astype(int).to_numpy()
        values = part["value"].to_numpy()
        doubt = part["needs_review"].astype(bool).to_numpy()
        ax.plot(years, values, color="#264653", linewidth=1, zorder=1)
        ax.scatter(years[~doubt], values[~doubt], color="#264653", s=16, zorder=2)
        ax.scatter(years[doubt], values[doubt], facecolor="white", edgecolor="#e76f51", s=22, zorder=3)
        first = part.iloc[0]
        limit = _threshold(str(first["requirement"]))
        if limit is not None:
            ax.axhline(limit[0], color="#999999", linestyle="--", linewidth=0.8)
        unit = str(first["unit"]) if str(first["unit"]) not in ("", "—", "-") else ""
        ax.set_title(f"{iid} {first['indicator_zh']}"[:22], fontsize=7.5)
        ax.set_xlabel(" ".join(p for p in (unit, limit[1] if limit else str(first["requirement"])) if p)[:30],
                      fontsize=6.5)
        ax.set_xticks(sorted(set(years.tolist())))
        ax.tick_params(labelsize=6.5)
        ax.margins(x=0.25 if len(set(years.tolist())) > 1 else 1.0, y=0.2)
    return fig


# ------------------------------------------------------------------ the page

class _Charts:
    """SVG charts kept in OUT_DIR/charts/ under a digest of their data."""

    def __init__(self, out_dir: Path):
        self.dir = out_dir / CHART_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()
        self._plt = None
        self.drawn = 0

    def get(self, name: str, data: pd.DataFrame, draw) -> str:
        digest = _digest(name, data.to_csv(index=False))
        path = self.dir / f"{name}-{digest}.svg"
        self.used.add(path.name)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        if self._plt is None:
            self._plt = _pyplot()
        fig = draw(data, self._plt)
        try:
            svg = _svg(fig, digest)
        finally:
            self._plt.close(fig)
        from ecopark.outputs import atomic_write

        atomic_write(path, lambda f: f.write(svg), text=True)
        self.drawn += 1
        return svg

    def prune(self) -> None:
        for path in self.dir.glob("*.svg"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def _slug(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def write(records: pd.DataFrame, panel: pd.DataFrame, out_dir: str | Path,
          documents: pd.DataFrame | None = None, path: Path | None = None) -> Path:
    """OUT_DIR/report.html (or `path`) from the records and the (long) panel; charts are kept in
    OUT_DIR/charts/. Returns the page's path."""
    out_dir = Path(out_dir)
    charts = _Charts(out_dir)
    grid = coverage(records, documents)
    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>ecopark report</title>"
             f"<style>{_STYLE}</style></head><body><h1>ecopark: coverage and indicators</h1>"]
    counts = {s: int((grid.to_numpy() == i).sum()) for i, s in enumerate(STATES)}
    parts.append(f"<p>{len(grid)} reports × {grid.shape[1]} indicators: {counts['found']} found, "
                 f"{counts['flagged']} flagged (in review), {counts['missing']} missing.</p>")
    parts.append("<h2>Coverage</h2><p class='legend'>" + "".join(
        f"<span style='background:{c}'></span>{s}" for s, c in zip(STATES, COLOURS)) + "</p>")
    if len(grid):
        parts.append(charts.get("coverage", grid.reset_index(), lambda d, plt: _coverage_chart(grid, plt)))
    numeric = panel[(panel["kind"].astype(str) == "indicator") & panel["value"].notna()] if len(panel) else panel
    parts.append("<h2>Indicators over the years</h2><p>Each chart: one indicator of one park, its value per "
                 "data year (hollow red: still in review) and HJ 274-2015's requirement (dashed).</p>")
    for park, rows in (numeric.groupby("park_id", sort=True, observed=True) if len(numeric) else []):
        data = rows[["indicator_id", "indicator_zh", "unit", "requirement", "data_year", "value",
                     "needs_review"]].reset_index(drop=True)
        files = sorted(set(panel.loc[panel["park_id"] == park, "source_file"]))
        parts.append(f"<h3 id='park-{_slug(str(park))}'>{_e(park)}</h3>"
                     f"<table class='files'><tr><th>reports the values come from</th></tr>"
                     + "".join(f"<tr><td>{_e(f)}</td></tr>" for f in files) + "</table>")
        parts.append(charts.get(f"park-{_slug(str(park))}", data, _park_chart))
    parts.append("</body></html>")
    charts.prune()
    from ecopark.outputs import atomic_write

    path = Path(path) if path is not None else out_dir / FILE_NAME
    return atomic_write(path, lambda f: f.write("\n".join(parts)), text=True)
