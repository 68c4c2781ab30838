"""One name per park, so that a park's reports line up in the panel.

Reports name the same park in long and short forms (长春经开区 / 长春经济技术
开发区, 武进经发区 / 江苏武进经济开发区). Only abbreviations of the park
*type* at the end of the name are expanded, and a province prefix is dropped
only when the shorter name is also seen: 长春汽车经济技术开发区 stays a park of
its own, and 经济开发区 is never confused with 经济技术开发区.
"""
from __future__ import annotations

import unicodedata
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


def unify(names) -> dict[str, str]:
    """Each name seen -> the name the panel uses for its park (the full form, with the province
    when one of the report's spellings carries it)."""
    seen = {canonical(n) for n in names if n}
    full = {}
    for c in seen:
        short = _without_province(c)
        if short and short in seen:
            full[short] = c
    return {n: full.get(canonical(n), canonical(n)) for n in set(names)}
