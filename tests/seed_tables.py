"""Assessment tables of seeds 001 and 003, typed in by hand from /work/shared/seeds.

The unit tests of the checks must not depend on the row reader, so the value
cells are copied here exactly as printed (value_raw) with the id of the
catalogue row they sit in. `records()` turns them into Records the way the
pipeline would for plain numbers, and flags what is not a number.
"""
from __future__ import annotations

import re

from ecopark.normalize import metadata
from ecopark.schemas.records import Record

# seed 001 (长春经济技术开发区, 数据基准年为2022年); "-" cells left out
SEED_001 = {
    "I02.employees": "45928",
    "I02.industrial_value_added": "2595000",
    "I02": "56.50",
    "I03.iva_base_year": "1887000",
    "I03.iva_three_years_earlier": "2302000",   # 2019年工业增加值
    "I03": "4.07",
    "I05": "11",
    "I06.solid_waste_utilized": "151012",
    "I06.solid_waste_generated": "176234",
    "I06.stored_waste_utilized": "100",
    "I06": "85.64",
    "I08.industrial_land_area": "19.39",
    "I08": "13.38",
    "I09.industrial_land_area_three_years_earlier": "19.36",
    "I09": "4.02",
    "I10.energy_consumption": "637183.3",
    "I10.energy_consumption_base_year": "3461985",
    "I10": "-0.4.85",
    "I11": "0.25",
    "I13.fresh_water_use": "488.6",
    "I13.fresh_water_use_base_year": "1350.55",
    "I13": "-3.00",
    "I14": "1.88",
    "I17": "达标",
    "I18": "全部完成",
    "I19": "0",
    "I20": "100",
    "I21": "100",
    "I22": "具备",
    "I23": "100",
    "I24": "100",
    "I25.cod": "17.591",
    "I25.ammonia_nitrogen": "0.414",
    "I25.so2": "145.434",
    "I25.nox": "844.974",
    "I25.cod_base_year": "4190",
    "I25.ammonia_nitrogen_base_year": "89",
    "I25.so2_base_year": "3768",
    "I25.nox_base_year": "9048",
    "I25": "-9.97",
    "I26.co2_emissions": "2603881",
    "I26.co2_emissions_base_year": "10992066",
    "I26": "14.8",
    "I27.wastewater_discharge": "1449735.44",
    "I27": "0.6",
    "I28.solid_waste_generated": "176234",
    "I28": "0.07",
    "I29": "21%",
    "I30": "100",
    "I31": "100",
    "I32": "2",
}
SEED_001_ASSESSED = {"I01": "no", "I02": "yes", "I03": "no", "I04": "no", "I06": "yes", "I07": "no",
                     "I08": "yes", "I09": "no", "I11": "yes", "I12": "no", "I14": "yes", "I15": "no",
                     "I16": "no", "I27": "yes", "I28": "yes"}
SEED_001_TEXT = "经历了十余年建设，2022年11月19日，在中国生态文明论坛南昌年会上，长春经济技术开发区成功获批"

# seed 003 (江苏武进经济开发区, 数据基准年为2018年); "/" cells left out
SEED_003 = {
    "I01.high_tech_output": "723782.20",
    "I01.total_industrial_output": "2069827.16",
    "I01": "39.31",
    "I02.employees": "12957",
    "I02.industrial_value_added": "496758.52",
    "I02": "38.34",
    "I03.iva_base_year": "192300.00",
    "I03.iva_three_years_earlier": "412800.00",  # 2015年工业增加值
    "I03": "6.37",
    "I05": "13",
    "I06.solid_waste_utilized": "14035.40",
    "I06.solid_waste_generated": "14001.20",
    "I06.stored_waste_utilized": "382.28",
    "I06": "97.58",
    "I08.industrial_land_area": "3.10",
    "I08": "16.02",
    "I09.industrial_land_area_three_years_earlier": "3.24",
    "I09": "7.90",
    "I10.energy_consumption": "27029.17",
    "I10.energy_consumption_base_year": "23076.00",
    "I10": "0.16",
    "I11": "0.054",
    "I13.fresh_water_use": "77.94",
    "I13.fresh_water_use_base_year": "72.69",
    "I13": "0.07",
    "I14": "1.57",
    "I15.reused_water": "3163000",
    "I15": "81.17",
    "I17": "达标",
    "I18": "全部完成",
    "I19": "0",
    "I20": "100.00",
    "I21": "100.00",
    "I22": "具备",
    "I23": "100.00",
    "I24": "100.00",
    "I25.cod": "21.89",
    "I25.ammonia_nitrogen": "0.40",
    "I25.so2": "0.13",
    "I25.nox": "2.07",
    "I25.cod_base_year": "26.92",
    "I25.so2_base_year": "0.77",
    "I25.nox_base_year": "5.19",
    "I25": "-0.89",
    "I26.co2_emissions": "135509.97",
    "I26.co2_emissions_base_year": "37968.00",
    "I26": "3.37",
    "I27.wastewater_discharge": "624580.56",
    "I27": "1.26",
    "I28.solid_waste_generated": "14001.20",
    "I28": "0.028",
    "I29": "24.83",
    "I30": "100.00",
    "I31": "100.00",
}
SEED_003_ASSESSED = {"I01": "no", "I02": "yes", "I03": "no", "I04": "no", "I06": "yes", "I07": "no",
                     "I08": "yes", "I09": "no", "I11": "yes", "I12": "no", "I14": "yes", "I15": "no",
                     "I16": "no", "I27": "yes", "I28": "no"}
SEED_003_TEXT = "经发区于2010年启动国家生态工业示范园区创建工作，于2013年4月获得三部委同意建设的批复"

TEXT_VALUES = {"达标", "全部完成", "完成", "具备"}
MANDATORY = {"I05", "I10", "I13", "I17", "I18", "I19", "I20", "I21", "I22", "I23", "I24", "I25", "I26",
             "I29", "I30", "I31", "I32"}


def make(indicator_id: str, raw: str, year: int | None, table_kind: str = "assessment",
         source_file: str = "seed.txt", assessed: str = "") -> Record:
    """A Record as the pipeline builds it for one value cell."""
    r = Record(source_file=source_file, table_kind=table_kind, name_raw=indicator_id, value_raw=raw,
               data_year=year, indicator_id=indicator_id, assessed=assessed, column_label="数值")
    r.record_key = f"{source_file}|{table_kind}|{indicator_id}|数值|1"
    text = raw.strip()
    if text in {"", "-", "/"}:
        pass
    elif text in TEXT_VALUES:
        r.value_text = text
    elif re.fullmatch(r"-?\d+(\.\d+)?%?", text):
        r.value = float(text.rstrip("%"))
    elif "*" in text:
        r.flag("MASKED")
        r.masked_digits = text.count("*")
    else:
        r.flag("MALFORMED")
    return r


def records(table: dict[str, str], year: int, assessed: dict[str, str],
            source_file: str = "seed.txt") -> list[Record]:
    out = []
    for indicator_id, raw in table.items():
        status = "" if "." in indicator_id else ("mandatory" if indicator_id in MANDATORY
                                                 else assessed.get(indicator_id, ""))
        out.append(make(indicator_id, raw, year, assessed=status, source_file=source_file))
    return out


def Facts(text: str = "", data_year: int | None = None, park_name: str = "",
          report_year: int | None = None) -> metadata.Facts:
    """A real normalize.metadata.Facts with what the passes read, region derived as find() does."""
    facts = metadata.Facts(park_name=park_name, text=text, base_year=metadata.YearFact(data_year),
                           report_year=metadata.YearFact(report_year))
    facts.region = metadata.region_of(facts)
    return facts
