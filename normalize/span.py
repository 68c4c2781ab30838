"""The planning base year, hence the span n of the construction-period indicators.

I10, I13, I25 and I26 are averages over the years since the planning base year,
which tables almost never print. Two sources can tell it:
- the narrative: "经发区于2010年启动国家生态工业示范园区创建工作", "规划基准年为2010年";
- the data: the CO₂ reduction rate moves strongly with n, the elasticities a
  little; the base year at which the most printed values fit their components
  is the one the report used, if it is the only one.
The text wins when the data agree with it or cannot decide; the data win when
they single out one year the text does not give.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from ecopark.normalize.evaluate import evaluate
from ecopark.normalize.formulas import BY_INDICATOR
from ecopark.normalize.precision import Quantity

MAX_SPAN = 30

_BASE_YEAR_PATTERNS = [
    regex.compile(r"规划基准年(?:为|是|定为|：|:)?\s*(\d{4})\s*年"),
    regex.compile(r"以\s*(\d{4})\s*年为(?:规划)?基准年"),
    regex.compile(r"(?<!\d)(\d{4})\s*年[^。；;\n]{0,12}?启动[^。；;\n]{0,20}?生态工业[^。；;\n]{0,12}?创建"),
    regex.compile(r"(?<!\d)(\d{4})\s*年[^。；;\n]{0,12}?(?:开始|着手)[^。；;\n]{0,6}?创建[^。；;\n]{0,12}?生态工业"),
]


@dataclass(frozen=True)
class BaseYear:
    year: int | None
    source: str           # "text", "data" or "" (unknown)
    note: str             # one sentence a reviewer can verify

    def span(self, data_year: int | None) -> int | None:
        if self.year is None or data_year is None or data_year <= self.year:
            return None
        return data_year - self.year


def from_text(text: str) -> tuple[int, str] | None:
    for pattern in _BASE_YEAR_PATTERNS:
        m = pattern.search(text or "")
        if m:
            quote = m.group(0).strip()
            return int(m.group(1)), quote
    return None


# (data_year, indicator printed value, inputs) — what the data offer to fit a span
SpanEvidence = list[tuple[int, str, Quantity, dict[str, Quantity]]]


def _fits(evidence: SpanEvidence, base: int) -> set[str]:
    fitting = set()
    for data_year, indicator, printed, inputs in evidence:
        n = data_year - base
        if n < 1:
            continue
        formula = BY_INDICATOR[indicator]
        for reading in formula.readings:
            expected = evaluate(reading, inputs, n)
            if expected is not None and expected.fits(printed):
                fitting.add(f"{indicator}@{data_year}")
                break
    return fitting


def infer(evidence: SpanEvidence, text: str) -> BaseYear:
    told = from_text(text)
    years = [y for y, *_ in evidence]
    scores: dict[int, set[str]] = {}
    if years:
        for base in range(min(years) - MAX_SPAN, max(years)):
            scores[base] = _fits(evidence, base)
    best = max((len(s) for s in scores.values()), default=0)
    leaders = sorted(b for b, s in scores.items() if len(s) == best) if best else []
    if told:
        base, quote = told
        if not best or len(scores.get(base, ())) == best:
            return BaseYear(base, "text", f"planning base year {base} from the text: “{quote}”")
        if len(leaders) == 1:
            return BaseYear(leaders[0], "data",
                            f"planning base year {leaders[0]}: {_which(scores[leaders[0]])} fit only this year; "
                            f"the text (“{quote}”) suggests {base}")
        return BaseYear(base, "text", f"planning base year {base} from the text: “{quote}”")
    if len(leaders) == 1:
        return BaseYear(leaders[0], "data",
                        f"planning base year {leaders[0]}: {_which(scores[leaders[0]])} fit only this year")
    if leaders:
        return BaseYear(None, "", f"the printed values fit base years {leaders[0]}–{leaders[-1]} equally "
                                  f"and the text names none")
    return BaseYear(None, "", "neither the text nor the printed values give the planning base year")


def _which(fitting: set[str]) -> str:
    return ", ".join(sorted(f.split("@")[0] for f in fitting))
