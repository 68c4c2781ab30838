"""The formulas by which HJ 274-2015 derives an indicator from its components.

Every value here is in the catalogue unit of `schemas/data/hj274_2015_indicators.csv`
(万元, 吨, 万立方米, 平方公里 …), which is why some formulas carry a factor
(I08: 万元/km² → 亿元/km², I14 and I15: 万立方米 → 立方米).

A formula may have several accepted readings where the standard leaves room
(I16), and diagnostic variants that never clear a flag but tell the reviewer
what the report probably did instead (I25 over a subset of the pollutants).
Indicators over the construction period (I10, I13, I25, I26) need the span n,
the years since the planning base year, which `normalize.span` infers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable

Values = dict[str, float]

IVA = "I02.industrial_value_added"
IVA_BASE = "I03.iva_base_year"
IVA_3Y = "I03.iva_three_years_earlier"
LAND = "I08.industrial_land_area"
LAND_3Y = "I09.industrial_land_area_three_years_earlier"
ENERGY = "I10.energy_consumption"
WATER = "I13.fresh_water_use"

# I25: pollutant -> (now, planning base year)
POLLUTANTS = {
    "COD": ("I25.cod", "I25.cod_base_year"),
    "氨氮": ("I25.ammonia_nitrogen", "I25.ammonia_nitrogen_base_year"),
    "SO2": ("I25.so2", "I25.so2_base_year"),
    "NOx": ("I25.nox", "I25.nox_base_year"),
}


@dataclass(frozen=True)
class Reading:
    """One way of computing the indicator. `compute` returns None when the inputs do not allow it."""

    text: str                                   # "I02.industrial_value_added / I02.employees"
    inputs: tuple[str, ...]                     # every component the reading may use
    required: tuple[str, ...]                   # components without which it cannot be computed
    compute: Callable[[Values, int | None], float | None]


@dataclass(frozen=True)
class Formula:
    indicator: str
    readings: tuple[Reading, ...]               # the first is the standard's; any that fits clears the value
    variants: tuple[Reading, ...] = field(default=())  # named in the reason when they fit; never clear it
    needs_span: bool = False

    @property
    def components(self) -> set[str]:
        return {c for r in self.readings for c in r.inputs}


def growth(now: float, then: float, years: float) -> float | None:
    """Average annual growth rate (a fraction) from `then` to `now` over `years`."""
    if not years or now <= 0 or then <= 0:
        return None
    return (now / then) ** (1.0 / years) - 1.0


def ratio(num: float | None, den: float | None, factor: float = 1.0) -> float | None:
    if num is None or not den:
        return None
    return num / den * factor


def elasticity(quantity_now: str, quantity_base: str) -> Callable[[Values, int | None], float | None]:
    """(annual growth of the quantity) / (annual growth of industrial value added) over n years."""

    def compute(v: Values, n: int | None) -> float | None:
        g_q = growth(v[quantity_now], v[quantity_base], n)
        g_iva = growth(v[IVA], v[IVA_BASE], n)
        if g_q is None or not g_iva:
            return None
        return g_q / g_iva

    return compute


def pollutant_elasticity(names: tuple[str, ...]) -> Callable[[Values, int | None], float | None]:
    """Arithmetic mean of the pollutants' elasticities, over those printed for both years."""

    def compute(v: Values, n: int | None) -> float | None:
        each = []
        for name in names:
            now, base = POLLUTANTS[name]
            if now in v and base in v:
                e = elasticity(now, base)(v, n)
                if e is None:
                    return None
                each.append(e)
        return sum(each) / len(each) if each else None

    return compute


def _co2_reduction(v: Values, n: int | None) -> float | None:
    now = ratio(v["I26.co2_emissions"], v[IVA])
    then = ratio(v["I26.co2_emissions_base_year"], v[IVA_BASE])
    if now is None or then is None:
        return None
    g = growth(now, then, n)
    return None if g is None else -g * 100


def _three_year_growth(now: str, then: str, per: tuple[str, str] | None = None):
    def compute(v: Values, n: int | None) -> float | None:
        a, b = v[now], v[then]
        if per:
            a, b = ratio(a, v[per[0]]), ratio(b, v[per[1]])
            if a is None or b is None:
                return None
        g = growth(a, b, 3)
        return None if g is None else g * 100

    return compute


def _share(num: str, den: str, factor: float = 100.0) -> Reading:
    return Reading(f"{num} / {den}" + (f" × {factor:g}" if factor != 1 else ""), (num, den), (num, den),
                   lambda v, n: ratio(v[num], v[den], factor))


def _pollutant_reading(names: tuple[str, ...], label: str) -> Reading:
    inputs = (IVA, IVA_BASE) + tuple(c for p in names for c in POLLUTANTS[p])
    return Reading(label, inputs, (IVA, IVA_BASE), pollutant_elasticity(names))


def _elasticity_formula(indicator: str, now: str, base: str) -> Formula:
    text = f"growth({now}, {base}) / growth({IVA}, {IVA_BASE})"
    inputs = (now, base, IVA, IVA_BASE)
    return Formula(indicator, (Reading(text, inputs, inputs, elasticity(now, base)),), needs_span=True)


_ALL_POLLUTANTS = tuple(POLLUTANTS)

FORMULAS: list[Formula] = [
    Formula("I01", (_share("I01.high_tech_output", "I01.total_industrial_output"),)),
    Formula("I02", (_share(IVA, "I02.employees", 1.0),)),
    Formula("I03", (Reading(f"((({IVA} / {IVA_3Y}) ^ (1/3)) - 1) × 100", (IVA, IVA_3Y), (IVA, IVA_3Y),
                            _three_year_growth(IVA, IVA_3Y)),)),
    Formula("I04", (_share("I04.recycling_industry_va", IVA),)),
    Formula("I06", (Reading("I06.solid_waste_utilized / (I06.solid_waste_generated + I06.stored_waste_utilized) × 100",
                            ("I06.solid_waste_utilized", "I06.solid_waste_generated", "I06.stored_waste_utilized"),
                            ("I06.solid_waste_utilized", "I06.solid_waste_generated"),
                            lambda v, n: ratio(v["I06.solid_waste_utilized"],
                                               v["I06.solid_waste_generated"] + v.get("I06.stored_waste_utilized", 0.0),
                                               100.0)),)),
    Formula("I07", (_share("I07.recycled_amount", "I07.collected_amount"),)),
    Formula("I08", (_share(IVA, LAND, 1 / 10000),)),
    Formula("I09", (Reading(f"((({IVA} / {LAND}) / ({IVA_3Y} / {LAND_3Y})) ^ (1/3) - 1) × 100",
                            (IVA, LAND, IVA_3Y, LAND_3Y), (IVA, LAND, IVA_3Y, LAND_3Y),
                            _three_year_growth(IVA, IVA_3Y, per=(LAND, LAND_3Y))),)),
    _elasticity_formula("I10", ENERGY, "I10.energy_consumption_base_year"),
    Formula("I11", (_share(ENERGY, IVA, 1.0),)),
    Formula("I12", (_share("I12.renewable_energy_use", ENERGY),)),
    _elasticity_formula("I13", WATER, "I13.fresh_water_use_base_year"),
    Formula("I14", (_share(WATER, IVA, 10000.0),)),
    Formula("I15", (Reading(f"I15.reused_water / (I15.reused_water + {WATER} × 10000) × 100",
                            ("I15.reused_water", WATER), ("I15.reused_water", WATER),
                            lambda v, n: ratio(v["I15.reused_water"],
                                               v["I15.reused_water"] + v[WATER] * 10000, 100.0)),)),
    Formula("I16", (_share("I16.reclaimed_water_reused", "I16.wwtp_discharge"),
                    Reading("I16.reclaimed_water_reused / (I16.reclaimed_water_reused + I16.wwtp_discharge) × 100",
                            ("I16.reclaimed_water_reused", "I16.wwtp_discharge"),
                            ("I16.reclaimed_water_reused", "I16.wwtp_discharge"),
                            lambda v, n: ratio(v["I16.reclaimed_water_reused"],
                                               v["I16.reclaimed_water_reused"] + v["I16.wwtp_discharge"], 100.0)))),
    Formula("I25", (_pollutant_reading(_ALL_POLLUTANTS, f"mean of growth(pollutant, its base year) / growth({IVA}, "
                                                        f"{IVA_BASE}) over COD, 氨氮, SO2, NOx as printed"),),
            variants=tuple(_pollutant_reading(c, "mean over " + ", ".join(c) + " only")
                           for k in (1, 2, 3) for c in combinations(_ALL_POLLUTANTS, k)),
            needs_span=True),
    Formula("I26", (Reading(f"(1 - ((I26.co2_emissions / {IVA}) / (I26.co2_emissions_base_year / {IVA_BASE})) ^ (1/n)) × 100",
                            ("I26.co2_emissions", "I26.co2_emissions_base_year", IVA, IVA_BASE),
                            ("I26.co2_emissions", "I26.co2_emissions_base_year", IVA, IVA_BASE),
                            _co2_reduction),), needs_span=True),
    Formula("I27", (_share("I27.wastewater_discharge", IVA, 1.0),)),
    Formula("I28", (_share("I28.solid_waste_generated", IVA, 1.0),)),
]

BY_INDICATOR = {f.indicator: f for f in FORMULAS}


def formulas_using(component: str) -> list[Formula]:
    return [f for f in FORMULAS if component in f.components]


def iva_construction_growth(v: Values) -> float | None:
    """Sign-bearing growth of industrial value added since the planning base year (no span needed)."""
    if IVA in v and IVA_BASE in v and v[IVA_BASE] > 0:
        return v[IVA] / v[IVA_BASE] - 1.0
    return None
