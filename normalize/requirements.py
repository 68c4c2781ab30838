"""The requirement of an indicator (要求 column) as something a value can be tested against.

The same requirement reaches us in many spellings — "≥30", "≥ 15", "＞0，≤0.6",
"缺水城市达到20%以上，京津冀区域达到30%以上，其他地区达到10%以上" — and the
catalogue holds the standard's one. Both are parsed into a `Requirement`;
compliance is computed from the catalogue's, the printed one only serves to
notice a report that prints a different requirement.
"""
from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass, field

import regex

from ecopark.schemas.text import fold, is_dash

# what a categorical requirement accepts and what plainly denies it
ACCEPTS = {
    "达标": {"达标", "是", "稳定达标", "全部达标", "已达标"},
    "全部完成": {"全部完成", "完成", "已完成", "是"},
    "具备": {"具备", "是", "有", "已具备"},
}
_DENIAL = regex.compile(r"^(不|未|否|无|没有)")

REGIONS = {"缺水城市": "water_scarce", "京津冀": "jingjinji", "其他地区": "other"}

_NUM = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Requirement:
    kind: str                       # ge, gt, le, lt, eq, text, elasticity, regional
    threshold: float | None = None  # ge/gt/le/lt/eq; elasticity: the limit of both branches
    text: str = ""                  # text: 达标 / 全部完成 / 具备
    regional: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        if self.kind in SYMBOL:
            return f"{SYMBOL[self.kind]}{self.threshold:g}"
        if self.kind == "eq":
            return f"={self.threshold:g}"
        if self.kind == "elasticity":
            return f"≤{self.threshold:g} when value added grew, ≥{self.threshold:g} when it shrank"
        if self.kind == "regional":
            return "; ".join(f"{name} ≥{self.regional[key]:g}" for name, key in REGIONS.items()
                             if key in self.regional)
        return self.text

    def same_as(self, other: "Requirement") -> bool:
        """Printed `self` says what the standard's `other` says (a regional rule printed in part,
        one line of three cells, still does)."""
        if self.kind == other.kind == "regional":
            return all(other.regional.get(k) == v for k, v in self.regional.items())
        return (self.kind, self.threshold, self.text) == (other.kind, other.threshold, other.text)


SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
_OPERATORS = {"≥": "ge", ">=": "ge", "≧": "ge", ">": "gt", "≤": "le", "<=": "le", "≦": "le", "<": "lt"}


def clean(text: str) -> str:
    """Squeezed, in simplified characters (markup and entities are gone already: extract/ removes them)."""
    return fold(text)


@lru_cache(maxsize=512)
def parse(text: str) -> Requirement | None:
    """A Requirement, or None for "-", empty, masked ("≥**") or unrecognised text."""
    t = clean(text)
    if not t or "*" in t or is_dash(t):
        return None
    if "增长率" in t:
        return _elasticity(t)
    if any(name in t for name in REGIONS):
        return _regional(t)
    for word in ACCEPTS:
        if t.rstrip("。") == word:
            return Requirement("text", text=word)
    m = regex.fullmatch(r"(≥|>=|≧|>|≤|<=|≦|<)" + _NUM + r"%?", t)
    if m:
        return Requirement(_OPERATORS[m.group(1)], float(m.group(2)))
    m = regex.fullmatch(_NUM + r"%?(以上|及以上)", t) or regex.fullmatch(r"(?:不低于|不小于)" + _NUM + r"%?", t)
    if m:
        return Requirement("ge", float(m.group(1)))
    m = regex.fullmatch(_NUM + r"%?(以下|及以下)", t) or regex.fullmatch(r"(?:不高于|不大于|不超过)" + _NUM + r"%?", t)
    if m:
        return Requirement("le", float(m.group(1)))
    m = regex.fullmatch(_NUM + r"%?", t)
    if m:
        return Requirement("eq", float(m.group(1)))
    return None


def _elasticity(t: str) -> Requirement | None:
    """"当…增长率>0，≤0.6；当…增长率<0，≥0.6": the limit must be the same in both branches."""
    up = regex.search(r">0[,，;；]?(?:时)?[,，]?(≤|<=)" + _NUM, t)
    down = regex.search(r"<0[,，;；]?(?:时)?[,，]?(≥|>=)" + _NUM, t)
    if up and down and float(up.group(2)) == float(down.group(2)):
        return Requirement("elasticity", float(up.group(2)))
    if up and not down:
        return Requirement("elasticity", float(up.group(2)))
    return None


def _regional(t: str) -> Requirement | None:
    found = {}
    for name, key in REGIONS.items():
        m = regex.search(regex.escape(name) + r"[^\d]{0,6}?" + _NUM, t)
        if m:
            found[key] = float(m.group(1))
    return Requirement("regional", regional=found) if found else None


@dataclass(frozen=True)
class Verdict:
    compliant: str        # yes / no / ""
    assumption: str = ""  # what had to be assumed, when the verdict depends on it


def judge(req: Requirement, value: float | None, value_text: str = "", *,
          iva_growth: float | None = None, growth_note: str = "", region: str | None = None) -> Verdict:
    """Does the value meet the requirement? Empty verdict when it cannot be told."""
    if req.kind == "text":
        return Verdict(_judge_text(req.text, value, value_text))
    if value is None:
        return Verdict("")
    if req.kind in SYMBOL or req.kind == "eq":
        return Verdict(_yes(_compare(req.kind, value, req.threshold)))
    if req.kind == "elasticity":
        return _judge_elasticity(req.threshold, value, iva_growth, growth_note)
    if req.kind == "regional":
        return _judge_regional(req.regional, value, region)
    return Verdict("")


def _compare(kind: str, value: float, threshold: float) -> bool:
    eps = 1e-9 * max(1.0, abs(threshold))
    return {"ge": value >= threshold - eps, "gt": value > threshold + eps, "le": value <= threshold + eps,
            "lt": value < threshold - eps, "eq": abs(value - threshold) <= eps}[kind]


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"


def _judge_text(word: str, value: float | None, value_text: str) -> str:
    t = clean(value_text)
    if t:
        if t in ACCEPTS[word]:
            return "yes"
        if _DENIAL.match(t):
            return "no"
        return ""
    if value is not None and word == "达标":
        return _yes(value >= 100 - 1e-9)   # a share of sources meeting the standard: all of them
    return ""


def _judge_elasticity(limit: float, value: float, iva_growth: float | None, note: str) -> Verdict:
    """The rule turns on the sign of the construction-period growth of value added.

    `note` says where the sign came from when it is not the printed components."""
    if iva_growth is None:
        return Verdict(_yes(value <= limit + 1e-9),
                       f"the construction-period growth of industrial value added is not printed; "
                       f"assumed positive, so ≤{limit:g} applies")
    if iva_growth > 0:
        return Verdict(_yes(value <= limit + 1e-9), note)
    if iva_growth < 0:
        return Verdict(_yes(value >= limit - 1e-9), note)
    return Verdict("")


def _judge_regional(thresholds: dict[str, float], value: float, region: str | None) -> Verdict:
    if region in thresholds:
        return Verdict(_yes(value >= thresholds[region] - 1e-9))
    loosest, strictest = min(thresholds.values()), max(thresholds.values())
    verdict = _yes(value >= loosest - 1e-9)
    if (value >= strictest - 1e-9) or verdict == "no":
        return Verdict(verdict)  # the region does not matter
    return Verdict(verdict, f"the park's region (缺水城市 / 京津冀 / 其他地区) is not known; "
                            f"judged against the loosest requirement ≥{loosest:g}")
