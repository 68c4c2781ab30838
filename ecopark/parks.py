"""One id per park, so that a park's reports line up in the panel.

Reports name the same park in long and short forms (长春经开区 / 长春经济技术
开发区, 武进经发区 / 江苏武进经济开发区). A park's id is its full official
name. Known spellings are data (`schemas/data/parks.csv`: park_id, alias), so
adding one seen in a report is a one-line change. A name not listed there is
normalised by rule: only abbreviations of the park *type* at the end of the
name are expanded, and a province prefix is dropped only when the shorter name
is also seen: 长春汽车经济技术开发区 stays a park of its own, and 经济开发区 is
never confused with 经济技术开发区.
"""
from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from importlib import resources

import regex

# short type suffix -> full type suffix (longest first)
TYPE_SUFFIXES = [
    ("高新技术开发区", "高新技术产业开发区"),
    ("经济技术开发区", "经济技术开发区"),
    ("高新技术产业开发区", "高新技术产业开发区"),
    ("经开区", "经济技术开发区"),
    ("高新区", "高新技术产业开发区"),
    ("经发区", "经济开发区"),
]
PROVINCES = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
             "广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆").split()
_PROVINCE = regex.compile(r"^(?:" + "|".join(PROVINCES) + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)?")
_DECORATION = regex.compile(r"^(?:国家级|国家)|(?:国家)?生态工业示范园区$|[（(][^）)]*[）)]$")


def canonical(name: str) -> str:
    """The park's name with spacing, decoration and abbreviated type suffixes normalised."""
    n = regex.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    previous = None
    while previous != n:
        previous = n
        stripped = _DECORATION.sub("", n)
        n = stripped if len(stripped) >= 4 else n
    for short, full in TYPE_SUFFIXES:
        if n.endswith(short):
            return n[: -len(short)] + full
    return n


def _without_province(name: str) -> str | None:
    m = _PROVINCE.match(name)
    if not m:
        return None
    rest = name[m.end():]
    core = rest
    for _, full in TYPE_SUFFIXES:
        if rest.endswith(full):
            core = rest[: -len(full)]
            break
    return rest if len(core) >= 2 else None


@lru_cache(maxsize=1)
def listed() -> dict[str, str]:
    """canonical(spelling) -> park id, from parks.csv (each id also stands for itself)."""
    table = {}
    with resources.files("ecopark.schemas").joinpath("data", "parks.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            park_id = row["park_id"].strip()
            for name in (park_id, row["alias"]):
                key = canonical(name)
                if table.setdefault(key, park_id) != park_id:
                    raise ValueError(f"parks.csv: “{name}” is listed for both {table[key]} and {park_id}")
    return table


def unify(names) -> dict[str, str]:
    """Each name seen -> its park id: the id parks.csv lists for it, else the full form of the
    name (with the province when one of the spellings seen carries it)."""
    table = listed()
    seen = {canonical(n) for n in names if n}
    full = {}
    for c in seen:
        short = _without_province(c)
        if short and short in seen:
            full[short] = c
    ids = {}
    for n in set(names):
        c = canonical(n)
        c = full.get(c, c)
        ids[n] = table.get(c) or table.get(_without_province(c) or "", c)
    return ids
