"""Strip the markup text exports put into cells, keeping what a reader sees.

MinerU writes comparisons as LaTeX (`$\\geq 75$`), footnotes as `<sup>a</sup>`,
check boxes as `<input …>`; web exports leave HTML entities. The row reader must
see "≥75", "a", and plain text — so this is done here, inside `extract/`.
"""
from __future__ import annotations

import html

import regex

LATEX_SYMBOLS = {
    r"\geq": "≥", r"\ge": "≥", r"\geqslant": "≥", r"\leq": "≤", r"\le": "≤", r"\leqslant": "≤",
    r"\times": "×", r"\%": "%", r"\sim": "~", r"\approx": "≈", r"\cdot": "·", r"\pm": "±",
    r"\neq": "≠", r"\gt": ">", r"\lt": "<", r"\ldots": "…", r"\circ": "°",
}
_LATEX_CMD = regex.compile(r"\\[a-zA-Z]+")
_LATEX_WRAPPERS = regex.compile(r"\\(?:mathrm|text|mathbf|textbf|operatorname|mathit)\s*\{([^{}]*)\}")
_MATH = regex.compile(r"\$\$?(.+?)\$\$?", regex.S)
_SUP_SUB = regex.compile(r"<\s*(sup|sub)\s*>(.*?)<\s*/\s*\1\s*>", regex.S | regex.I)
_TAG = regex.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_BR = regex.compile(r"<\s*br\s*/?\s*>", regex.I)
_ENTITY = regex.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(text: str) -> str:
    """What a superscript shows: a footnote letter stays a letter ('a'), but digits become
    superscript digits ('¹'), so that '15.12' with a raised '1' is not read as 15.121."""
    t = text.strip()
    return t.translate(_SUPERSCRIPT_DIGITS) if t.isdigit() else t


def _latex_to_text(expr: str) -> str:
    expr = _LATEX_WRAPPERS.sub(r"\1", expr)
    expr = _LATEX_CMD.sub(lambda m: LATEX_SYMBOLS.get(m.group(0), ""), expr)
    expr = regex.sub(r"[\^_]\{([^{}]*)\}", r"\1", expr)
    expr = regex.sub(r"[\^_]", "", expr)
    expr = expr.replace("{", "").replace("}", "")
    expr = regex.sub(r"\s*([≥≤<>=])\s*", r"\1", expr)
    return regex.sub(r"\s+", " ", expr).strip()


def clean(text: str) -> str:
    """Cell or paragraph text without LaTeX, tags and entities; masked '*' kept."""
    if not text:
        return ""
    if "$" in text:
        text = _MATH.sub(lambda m: _latex_to_text(m.group(1)), text)
    if "<" in text:
        text = _SUP_SUB.sub(lambda m: superscript(m.group(2)) if m.group(1).lower() == "sup"
                            else m.group(2).strip(), text)
        text = _BR.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    lines = [" ".join(ln.split()) for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)
