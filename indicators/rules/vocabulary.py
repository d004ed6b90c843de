"""The vocabulary of framework files: units, value types, rule types and the patterns codes follow."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final, NamedTuple


class Unit(NamedTuple):
    """Labels of one unit of measurement.

    ``label_th``/``label_en`` are the long labels shown next to an input field; ``symbol_th``/``symbol_en`` are the
    short forms written after a number in tables ("37.5 µg/m³", "7 วัน" / "7 days"). Symbols are per language
    because most units in this domain have no language-neutral symbol (วัน/days, ลิตร/คน/วัน/L/person/day).
    """

    label_th: str
    label_en: str
    symbol_th: str
    symbol_en: str

    def symbol(self, language: str) -> str:
        """Return the short symbol for ``language`` ("th" or "en"; anything else falls back to English)."""
        return self.symbol_th if language == "th" else self.symbol_en


UNITS: Final[dict[str, Unit]] = {
    # Generic units.
    "percent": Unit("ร้อยละ", "percent", "%", "%"),
    "count": Unit("จำนวน", "number", "", ""),
    "rubric": Unit("ระดับการดำเนินงาน (0–4)", "level of practice (0–4)", "ระดับ", "level"),
    "yes_no": Unit("มี/ไม่มี", "yes/no", "", ""),
    "text": Unit("ข้อความ", "text", "", ""),
    # Shares of a named base: the label says what the percentage is taken of.
    "percent_of_monitored_days": Unit("ร้อยละของวันที่ตรวจวัด", "% of monitored days", "%", "%"),
    "percent_of_tested_vehicles": Unit("ร้อยละของยานพาหนะที่ตรวจวัด", "% of vehicles tested", "%", "%"),
    "percent_of_inspected_sources": Unit("ร้อยละของแหล่งกำเนิดที่ตรวจสอบ", "% of sources inspected", "%", "%"),
    "percent_of_households": Unit("ร้อยละของหลังคาเรือน", "% of households", "%", "%"),
    "percent_of_population": Unit("ร้อยละของประชากร", "% of population", "%", "%"),
    "percent_of_samples": Unit("ร้อยละของตัวอย่างที่ตรวจวิเคราะห์", "% of samples tested", "%", "%"),
    "percent_of_sampling_points": Unit("ร้อยละของจุดตรวจวัด", "% of sampling points", "%", "%"),
    "percent_of_generated_flow": Unit("ร้อยละของปริมาณน้ำเสียที่เกิดขึ้น", "% of wastewater generated", "%", "%"),
    "percent_of_water_produced": Unit("ร้อยละของปริมาณน้ำที่ผลิต", "% of water produced", "%", "%"),
    "percent_of_generated": Unit("ร้อยละของปริมาณขยะที่เกิดขึ้น", "% of waste generated", "%", "%"),
    "percent_of_collected": Unit("ร้อยละของปริมาณขยะที่เก็บขน", "% of waste collected", "%", "%"),
    "percent_of_area": Unit("ร้อยละของพื้นที่เขตเทศบาล", "% of municipal area", "%", "%"),
    "percent_of_green_area": Unit("ร้อยละของพื้นที่สีเขียวทั้งหมด", "% of total green area", "%", "%"),
    "percent_of_target": Unit("ร้อยละของค่าเป้าหมาย", "% of target", "%", "%"),
    # Physical quantities.
    "days_per_year": Unit("วัน/ปี", "days per year", "วัน", "days"),
    "ug_m3": Unit("ไมโครกรัม/ลบ.ม.", "micrograms per cubic metre", "µg/m³", "µg/m³"),
    "mg_l": Unit("มิลลิกรัม/ลิตร", "milligrams per litre", "มก./ล.", "mg/l"),
    "l_per_person_day": Unit("ลิตร/คน/วัน", "litres per person per day", "ลิตร/คน/วัน", "L/person/day"),
    "kg_per_person_day": Unit("กิโลกรัม/คน/วัน", "kilograms per person per day", "กก./คน/วัน", "kg/person/day"),
    "m2_per_person": Unit("ตารางเมตร/คน", "square metres per person", "ตร.ม./คน", "m²/person"),
    "tonnes_per_day": Unit("ตัน/วัน", "tonnes per day", "ตัน/วัน", "t/day"),
    "tonnes_per_year": Unit("ตัน/ปี", "tonnes per year", "ตัน/ปี", "t/year"),
    "count_per_10000_population": Unit(
        "จำนวนต่อประชากร 10,000 คน", "number per 10,000 population", "ต่อประชากร 10,000 คน", "per 10,000 population"
    ),
}


def with_unit(number: str, unit_code: str, language: str) -> str:
    """A number written with its unit's symbol in ``language``: the one form of a value in every table, packet,
    report and rule description ("85.5 %", "12 วัน", "37.5 µg/m³"); the number alone for a unit without a symbol
    (a count) or an unknown one."""
    unit = UNITS.get(unit_code)
    symbol = unit.symbol(language) if unit else ""
    return f"{number} {symbol}" if symbol else number


# The tie-breaks a cycle may list, applied after the total in the cycle's order (scoring.standings applies them).
TIE_BREAKS: Final[tuple[str, ...]] = ("completeness", "governance")
VALUE_TYPES: Final[tuple[str, ...]] = ("number", "percent", "count", "yes_no", "rubric", "text")
QUANTITATIVE_VALUE_TYPES: Final[tuple[str, ...]] = ("number", "percent", "count")
DIRECTIONS: Final[tuple[str, ...]] = ("higher_better", "lower_better")
RULE_TYPES: Final[tuple[str, ...]] = ("thresholds", "compliance", "linear", "yes_no", "rubric", "text")
PROVENANCE_STATUSES: Final[tuple[str, ...]] = ("sourced", "sourced_topic", "proposed")
AREA_KINDS: Final[tuple[str, ...]] = ("category", "governance")
RUBRIC_SCORERS: Final[tuple[str, ...]] = ("reviewer", "site_visit_reviewer")
AREA_SCORE_FORMULAS: Final[tuple[str, ...]] = ("weighted_mean",)

# Which rule types may score which value type. A rubric needs a reviewer-assigned level, a yes/no rule needs a
# yes/no answer and compliance bands are percentages, so anything else would score values that cannot occur.
RULE_TYPES_BY_VALUE_TYPE: Final[dict[str, tuple[str, ...]]] = {
    "number": ("thresholds", "linear"),
    "percent": ("thresholds", "compliance", "linear"),
    "count": ("thresholds", "linear"),
    "yes_no": ("yes_no",),
    "rubric": ("rubric",),
    "text": ("text",),
}

# The limit keys of a threshold level or compliance band, as (inclusive key, strict key). Higher is better: a value
# reaches a level when it is ≥ its "min" or > its "above". Lower is better: when it is ≤ its "max" or < its "below".
# Each level has exactly one of the two; the normalised rule keeps the key the file used.
HIGHER_LIMIT_KEYS: Final[tuple[str, str]] = ("min", "above")
LOWER_LIMIT_KEYS: Final[tuple[str, str]] = ("max", "below")

MAX_POINTS_CEILING: Final = 10
HUNDRED: Final = Decimal(100)
URL_PATTERN: Final = re.compile(r"^https?://\S+$")
FRAMEWORK_CODE_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AREA_CODE_PATTERN: Final = re.compile(r"^[A-Z]{2,6}$")
TIER_CODE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]*$")
CHECK_TYPES: Final = ("at_most", "sum_at_most")
