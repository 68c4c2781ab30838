"""How text is compared: one squeeze, one fold to simplified characters, one set of dashes.

Reports differ in width (full-width digits, `（）`), in spacing ("指 标", "序\\n号"),
in script (a web copy in traditional characters prints 對照考核表, 指標, 達標)
and in which dash they print for "nothing here" (-, —, –, －, ―). Every place that
compares a cell with a word uses these, so that a variant fixed once is fixed
everywhere. Printed text itself (value_raw, name_raw) is never replaced by them.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Dashes that stand for "no value" / "not applicable", and minus signs a number may carry.
DASHES = frozenset("-—–―－‐‑‒﹣−")
MINUS_SIGNS = "\u2212－﹣‐‑‒–"   # printed for '-' before a number (NFKC already maps the full-width one)

_MINUS = str.maketrans({ch: "-" for ch in MINUS_SIGNS})


def squeeze(text: str | None) -> str:
    """NFKC, every whitespace removed: '指 标' and '指\\n标' and '指标' compare equal."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def minus_to_ascii(text: str) -> str:
    """U+2212 '−', full-width '－' and the other printed minus dashes as '-'."""
    return text.translate(_MINUS)


def is_dash(text: str | None) -> bool:
    """A cell that holds only dashes (or a slash): printed for "no value" or "not applicable"."""
    s = squeeze(text)
    return bool(s) and all(ch in DASHES or ch in "/\\" for ch in s)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # dictionaries ship inside the wheel; nothing is downloaded

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def simplify(text: str | None) -> str:
    """Traditional characters as simplified ones (對照考核表 → 对照考核表); simplified text is unchanged."""
    if not text or text.isascii():
        return text or ""
    return _t2s().convert(text)


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """The form used to compare a cell with a word: squeezed and simplified. Kept for the
    texts met again (the same words are folded by every reader and every check of a report)."""
    return simplify(squeeze(text))
