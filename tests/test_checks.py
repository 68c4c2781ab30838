"""Consistency checks against numbers read off the seed reports (see tests/seed_tables.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ecopark.normalize.checks import base_year, check_consistency
from ecopark.normalize.repair import malformed_readings, masked_readings
from seed_tables import (SEED_001, SEED_001_ASSESSED, SEED_001_TEXT, SEED_003, SEED_003_ASSESSED,
                         SEED_003_TEXT, Facts, make, records)


def _checked(table, year, assessed, text):
    recs = records(table, year, assessed)
    check_consistency(recs, Facts(text, year))
    return {r.indicator_id: r for r in recs}


@pytest.fixture
def seed_001():
    return _checked(SEED_001, 2022, SEED_001_ASSESSED, SEED_001_TEXT)


@pytest.fixture
def seed_003():
    return _checked(SEED_003, 2018, SEED_003_ASSESSED, SEED_003_TEXT)


def test_seed_001_span_is_eleven_years_from_the_co2_rate():
    recs = records(SEED_001, 2022, SEED_001_ASSESSED)
    found = base_year(recs, Facts(SEED_001_TEXT, 2022))
    assert (found.year, found.source) == (2011, "data")
    assert "I26" in found.note


def test_seed_001_elasticities_check_out_over_eleven_years(seed_001):
    assert "INCONSISTENT" not in seed_001["I13"].flags
    assert "INCONSISTENT" not in seed_001["I26"].flags
    assert "SPAN_UNKNOWN" not in seed_001["I13"].flags


def test_seed_001_malformed_i10_gets_the_reading_that_fits(seed_001):
    i10 = seed_001["I10"]
    assert i10.value is None and "MALFORMED" in i10.flags and i10.needs_review
    assert i10.suggestion.startswith("-4.85 (fits I10")
    assert "n=11" in i10.suggestion


@pytest.mark.parametrize("indicator", ["I02", "I03", "I06", "I08", "I09", "I11", "I14", "I27", "I28"])
def test_seed_001_plain_ratios_are_consistent(seed_001, indicator):
    assert not seed_001[indicator].flags


def test_seed_001_pollutant_elasticity_is_not_the_mean_of_all_four(seed_001):
    """-9.97 printed; the four pollutants' mean over 11 years is -10.45, COD and NOx alone give -9.97."""
    i25 = seed_001["I25"]
    assert "INCONSISTENT" in i25.flags
    assert "-10.45 expected" in i25.reasons[0]
    assert "COD, NOx only" in i25.reasons[0]


def test_seed_003_base_year_from_the_text():
    found = base_year(records(SEED_003, 2018, SEED_003_ASSESSED), Facts(SEED_003_TEXT, 2018))
    assert (found.year, found.source) == (2010, "text")


def test_seed_003_share_of_high_tech_output_is_inconsistent(seed_003):
    i01 = seed_003["I01"]
    assert "INCONSISTENT" in i01.flags
    assert "34.97 expected, 39.31 printed" in i01.reasons[0]


def test_seed_003_co2_rate_is_inconsistent_because_intensity_rose(seed_003):
    i26 = seed_003["I26"]
    assert "INCONSISTENT" in i26.flags
    assert "expected, 3.37 printed" in i26.reasons[0]
    assert "-4.12 expected" in i26.reasons[0]


@pytest.mark.parametrize("indicator", ["I02", "I03", "I06", "I08", "I09", "I10", "I11", "I13", "I14",
                                       "I25", "I27", "I28"])
def test_seed_003_other_indicators_are_consistent(seed_003, indicator):
    assert not seed_003[indicator].flags


def test_seed_003_water_reuse_rate_uses_a_total_the_table_does_not_print(seed_003):
    """81.17 = 316.30 / 389.68 (narrative); the table's 3163000 m³ and 77.94 万m³ give 80.23."""
    assert "80.23 expected, 81.17 printed" in seed_003["I15"].reasons[0]


def test_flags_stay_rare_on_the_consistent_indicators_of_003():
    clean = {k: v for k, v in SEED_003.items() if k.split(".")[0] not in {"I01", "I15", "I26"}}
    recs = records(clean, 2018, SEED_003_ASSESSED)
    check_consistency(recs, Facts(SEED_003_TEXT, 2018))
    assert sum(r.needs_review for r in recs) < 0.03 * len(recs)


def test_span_unknown_without_text_or_a_fitting_co2_rate():
    table = {k: v for k, v in SEED_003.items() if not k.startswith("I26")}
    recs = records(table, 2018, SEED_003_ASSESSED)
    check_consistency(recs, Facts("", 2018))
    by_id = {r.indicator_id: r for r in recs}
    assert "SPAN_UNKNOWN" in by_id["I10"].flags
    assert not by_id["I10"].needs_review
    assert "INCONSISTENT" not in by_id["I10"].flags


def test_a_rate_that_fits_no_span_is_inconsistent_even_when_the_span_is_unknown():
    recs = records(SEED_003, 2018, SEED_003_ASSESSED)
    check_consistency(recs, Facts("", 2018))
    i26 = next(r for r in recs if r.indicator_id == "I26")
    assert {"INCONSISTENT", "SPAN_UNKNOWN"} <= i26.flags


def test_printed_precision_sets_the_tolerance():
    """56.50 printed allows ±0.005: 2595000 / 45928 = 56.502; 56.52 is outside."""
    recs = records({"I02.employees": "45928", "I02.industrial_value_added": "2595000.00", "I02": "56.52"},
                   2022, {})
    check_consistency(recs, Facts())
    assert "INCONSISTENT" in recs[-1].flags
    assert "56.50 expected, 56.52 printed" in recs[-1].reasons[0]


def test_coarse_printing_forgives_more():
    recs = records({"I02.employees": "45928", "I02.industrial_value_added": "2595000", "I02": "57"}, 2022, {})
    check_consistency(recs, Facts())
    assert not recs[-1].flags


def test_masked_indicator_gets_the_recomputed_print_that_fits_the_mask():
    table = dict(SEED_003)
    recs = records(table, 2018, SEED_003_ASSESSED)
    i02 = next(r for r in recs if r.indicator_id == "I02")
    i02.value, i02.value_raw = None, "3*.34"
    i02.flag("MASKED")
    check_consistency(recs, Facts(SEED_003_TEXT, 2018))
    assert i02.suggestion.startswith("38.34 (fits I02")


def test_masked_component_is_solved_from_its_indicator():
    recs = records({"I02.employees": "129*7", "I02.industrial_value_added": "496758.52", "I02": "38.34"},
                   2018, {})
    check_consistency(recs, Facts())
    assert recs[0].suggestion.startswith("12957 (makes I02")


def test_malformed_readings_put_the_point_anywhere():
    values = [q.value for q in malformed_readings("-0.4.85")]
    assert {-0.485, -4.85, -48.5, -0.0485} <= set(values)


def test_masked_readings_only_for_few_holes():
    assert len(masked_readings("5*.3")) == 10
    assert masked_readings("******") == []


def test_compliance_table_values_are_checked_against_assessment_components():
    recs = records({"I01.high_tech_output": "723782.20", "I01.total_industrial_output": "2069827.16"}, 2018, {})
    recs.append(make("I01", "39.31", 2018, table_kind="compliance"))
    check_consistency(recs, Facts())
    assert "INCONSISTENT" in recs[-1].flags


# ---------------------------------------------------------------- the seeds through the whole pipeline

SEED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "text"


def _ingested(name):
    from ecopark.ingest import ingest_file

    path = SEED_DIR / name
    if not path.exists():
        pytest.skip("seed fixtures not present")
    result = ingest_file(path, SEED_DIR)
    assert result.status == "ok", result.error
    return result.records


def _assessment(records):
    return {r.indicator_id: r for r in records if r.table_kind == "assessment" and r.indicator_id}


def test_pipeline_seed_001():
    recs = _assessment(_ingested("001_98bb576f2842cd57.txt"))
    assert recs["I10"].suggestion.startswith("-4.85 (fits I10")
    assert recs["I10"].value is None and recs["I10"].needs_review
    for indicator in ("I02", "I03", "I06", "I08", "I09", "I11", "I13", "I14", "I26", "I27", "I28"):
        assert not recs[indicator].flags, (indicator, recs[indicator].reasons)


def test_pipeline_seed_003():
    recs = _assessment(_ingested("003_b52cdd33f1ff9352.txt"))
    assert "INCONSISTENT" in recs["I01"].flags and "INCONSISTENT" in recs["I26"].flags
    for indicator in ("I02", "I03", "I06", "I08", "I11", "I14", "I27", "I28"):
        assert "INCONSISTENT" not in recs[indicator].flags, (indicator, recs[indicator].reasons)
    assert "n=8" in recs["I26"].reasons[0]


@pytest.mark.parametrize("name", ["000_dfd356fa93262e66.txt", "002_4a25218a541a50f3.txt"])
def test_consistent_seeds_send_fewer_than_3_in_100_to_review(name):
    recs = _ingested(name)
    assert sum(r.needs_review for r in recs) < 0.03 * len(recs)


# ---------------------------------------------------------------- clean synthetic reports stay clean

def _synthetic_report(rng: "random.Random", value_added_in_yi: bool = False):
    """A report computed the way a park's staff computes it: from unrounded figures, then every
    figure printed rounded (components to integers or two decimals, indicators to two decimals).
    The formulas are written out here independently of normalize.formulas."""
    data_year, base_year = rng.randint(2016, 2023), rng.randint(2006, 2014)
    n = data_year - base_year
    iva = rng.uniform(1e5, 5e6)
    iva_base = iva / (1 + rng.uniform(-0.03, 0.15)) ** n
    iva_3y = iva / (1 + rng.uniform(-0.05, 0.2)) ** 3
    employees = iva / rng.uniform(10, 80)
    land = rng.uniform(2, 40)
    land_3y = land * rng.uniform(0.8, 1.0)
    energy = iva * rng.uniform(0.05, 0.6)
    energy_base = energy / (1 + rng.uniform(-0.1, 0.1)) ** n
    water = iva * rng.uniform(0.5, 8) / 10000
    water_base = water / (1 + rng.uniform(-0.1, 0.1)) ** n
    co2 = iva * rng.uniform(0.2, 2)
    co2_base = co2 / iva * iva_base / (1 - rng.uniform(-0.05, 0.15)) ** n
    polls = {}
    for p in ("cod", "ammonia_nitrogen", "so2", "nox"):
        now = rng.uniform(1, 3000)
        polls[p] = (now, now / (1 + rng.uniform(-0.3, 0.05)) ** n)
    high, total = iva * rng.uniform(1, 3) * rng.uniform(0.1, 0.9), iva * rng.uniform(3, 4)
    generated, stored = iva * rng.uniform(0.01, 0.1), rng.uniform(0, 500)
    used = (generated + stored) * rng.uniform(0.6, 1.0)
    reused = water * 10000 * rng.uniform(1, 10)
    wastewater, solid = iva * rng.uniform(0.2, 6), generated

    def g(a, b, years):
        return (a / b) ** (1 / years) - 1

    e = {p: g(now, base, n) / g(iva, iva_base, n) for p, (now, base) in polls.items()}
    table = {
        "I01.high_tech_output": f"{high:.2f}", "I01.total_industrial_output": f"{total:.2f}",
        "I01": f"{high / total * 100:.2f}",
        "I02.employees": f"{employees:.0f}", "I02.industrial_value_added": f"{iva:.0f}",
        "I02": f"{iva / employees:.2f}",
        "I03.iva_base_year": f"{iva_base:.0f}", "I03.iva_three_years_earlier": f"{iva_3y:.0f}",
        "I03": f"{g(iva, iva_3y, 3) * 100:.2f}",
        "I06.solid_waste_utilized": f"{used:.2f}", "I06.solid_waste_generated": f"{generated:.2f}",
        "I06.stored_waste_utilized": f"{stored:.2f}", "I06": f"{used / (generated + stored) * 100:.2f}",
        "I08.industrial_land_area": f"{land:.2f}", "I08": f"{iva / land / 10000:.2f}",
        "I09.industrial_land_area_three_years_earlier": f"{land_3y:.2f}",
        "I09": f"{g(iva / land, iva_3y / land_3y, 3) * 100:.2f}",
        "I10.energy_consumption": f"{energy:.1f}", "I10.energy_consumption_base_year": f"{energy_base:.0f}",
        "I10": f"{g(energy, energy_base, n) / g(iva, iva_base, n):.2f}",
        "I11": f"{energy / iva:.3f}",
        "I13.fresh_water_use": f"{water:.2f}", "I13.fresh_water_use_base_year": f"{water_base:.2f}",
        "I13": f"{g(water, water_base, n) / g(iva, iva_base, n):.2f}",
        "I14": f"{water * 10000 / iva:.2f}",
        "I15.reused_water": f"{reused:.0f}", "I15": f"{reused / (reused + water * 10000) * 100:.2f}",
        "I25": f"{sum(e.values()) / 4:.2f}",
        "I26.co2_emissions": f"{co2:.0f}", "I26.co2_emissions_base_year": f"{co2_base:.0f}",
        "I26": f"{(1 - ((co2 / iva) / (co2_base / iva_base)) ** (1 / n)) * 100:.2f}",
        "I27.wastewater_discharge": f"{wastewater:.2f}", "I27": f"{wastewater / iva:.2f}",
        "I28.solid_waste_generated": f"{solid:.2f}", "I28": f"{solid / iva:.3f}",
    }
    for p, (now, base) in polls.items():
        table[f"I25.{p}"], table[f"I25.{p}_base_year"] = f"{now:.3f}", f"{base:.2f}"
    if value_added_in_yi:  # known in 亿元 to one decimal, typed in as 万元 ("2595000")
        for key, v in (("I02.industrial_value_added", iva), ("I03.iva_base_year", iva_base),
                       ("I03.iva_three_years_earlier", iva_3y)):
            table[key] = f"{round(v, -3):.0f}"
    return data_year, base_year, table


@pytest.mark.parametrize("with_text, value_added_in_yi", [(True, False), (False, False), (True, True)])
def test_clean_synthetic_reports_stay_out_of_review(with_text, value_added_in_yi):
    import random

    rng = random.Random(20151201)
    total = flagged = 0
    reasons = []
    for _ in range(60):
        data_year, base, table = _synthetic_report(rng, value_added_in_yi)
        recs = records(table, data_year, {})
        text = f"园区于{base}年启动国家生态工业示范园区创建工作" if with_text else ""
        check_consistency(recs, Facts(text, data_year))
        total += len(recs)
        for r in recs:
            if r.needs_review:
                flagged += 1
                reasons.extend(r.reasons)
    assert flagged < 0.03 * total, reasons[:5]
    assert flagged == 0 or not with_text, reasons[:5]


def test_a_wrong_indicator_in_a_synthetic_report_is_caught():
    """Each report gets one indicator printed 5% off; nearly all are caught, nothing else is flagged."""
    import random

    rng = random.Random(274)
    caught = innocent = 0
    runs = 60
    for _ in range(runs):
        data_year, base, table = _synthetic_report(rng)
        wrong = rng.choice([k for k in table if "." not in k])
        printed = table[wrong]
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        value = float(printed)
        table[wrong] = f"{value + max(abs(value) * 0.05, 3 * 10 ** -decimals):.{decimals}f}"
        recs = records(table, data_year, {})
        check_consistency(recs, Facts(f"于{base}年启动生态工业示范园区创建工作", data_year))
        caught += any(r.indicator_id == wrong and "INCONSISTENT" in r.flags for r in recs)
        innocent += sum(r.needs_review for r in recs if r.indicator_id != wrong)
    assert caught >= 0.85 * runs
    assert innocent == 0


@pytest.mark.parametrize("indicator, slipped, meant", [("I02", "58.50", "56.50"),   # OCR 6→8
                                                         ("I03", "-4.07", "4.07"),   # sign
                                                         ("I08", "13.83", "13.38")])  # digits swapped
def test_a_value_one_slip_away_gets_the_fitting_reading(indicator, slipped, meant):
    table = dict(SEED_001, **{indicator: slipped})
    recs = {r.indicator_id: r for r in records(table, 2022, SEED_001_ASSESSED)}
    check_consistency(list(recs.values()), Facts(SEED_001_TEXT, 2022))
    assert "INCONSISTENT" in recs[indicator].flags
    assert recs[indicator].suggestion.startswith(f"{meant} (one character away from the printed {slipped}")


def test_a_slip_that_also_hides_the_span_still_gets_a_suggestion():
    """I13 printed 3.00 for -3.00: I13 no longer confirms n=11, I25 fits n=9, so the span is open;
    -3.00 fits some span, 3.00 none."""
    table = dict(SEED_001, I13="3.00")
    recs = {r.indicator_id: r for r in records(table, 2022, SEED_001_ASSESSED)}
    check_consistency(list(recs.values()), Facts(SEED_001_TEXT, 2022))
    i13 = recs["I13"]
    assert {"INCONSISTENT", "SPAN_UNKNOWN"} <= i13.flags
    assert i13.suggestion.startswith("-3.00 (fits with n=")
