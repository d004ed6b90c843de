"""The shipped list of Thai municipalities (portal/data/municipalities.csv), read into typed rows.

Source: the DOPA/DLA-derived list of 2,472 municipalities plus Bangkok and Pattaya (docs/data-sources.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities.csv"

# The official English form of a local government's name (DLA usage): "Yala City Municipality" for เทศบาลนครยะลา,
# "Krabi Town Municipality" for เทศบาลเมืองกระบี่, "Kok Kung Subdistrict Municipality" for เทศบาลตำบลกกกุง.
ENGLISH_FULL_NAMES = {
    "city": "{name} City Municipality",
    "town": "{name} Town Municipality",
    "subdistrict": "{name} Subdistrict Municipality",
    "bangkok": "Bangkok Metropolitan Administration",
    "pattaya": "Pattaya City",
}


def english_full_name(kind: str, name_en: str) -> str:
    """The official English full name from the kind of local government and its romanised name."""
    return ENGLISH_FULL_NAMES.get(kind, "{name}").format(name=name_en.strip())


@dataclass(frozen=True, slots=True)
class MunicipalityRow:
    code: str
    dla_code: str
    kind: str
    name_th: str
    full_name_th: str
    name_en: str
    full_name_en: str
    province_code: str
    province_th: str
    province_en: str
    district_code: str
    district_th: str
    district_en: str
    population: int | None
    population_year: int | None
    population_is_estimate: bool
    households: int | None
    area_km2: Decimal | None


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def _official_names() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Province and district names by DOPA code from geothai (official spellings, offline)."""
    import geothai  # noqa: PLC0415 -- loads its data files; only the loader needs it

    provinces = {p.code: (p.name_th, p.name_en) for p in geothai.provinces()}
    districts = {d.code: (d.name_th, d.name_en) for code in provinces for d in geothai.districts(code)}
    return provinces, districts


def read_municipality_rows(path: Path = DATA_FILE) -> Iterator[MunicipalityRow]:
    """Rows of the shipped list; province and district names come from geothai by their DOPA codes."""
    provinces, districts = _official_names()
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            province_th, province_en = provinces.get(
                record["province_code"], (record["province_th"], record["province_en"])
            )
            district_th, district_en = districts.get(
                record["district_code"], (record["district_th"], record["district_en"])
            )
            yield MunicipalityRow(
                code=record["code"],
                dla_code=record["dla_code"],
                kind=record["kind"],
                name_th=record["name_th"],
                full_name_th=record["full_name_th"],
                name_en=record["name_en"],
                full_name_en=english_full_name(record["kind"], record["name_en"]),
                province_code=record["province_code"],
                province_th=province_th,
                province_en=province_en,
                district_code=record["district_code"],
                district_th=district_th,
                district_en=district_en,
                population=_int_or_none(record["population"]),
                population_year=_int_or_none(record["population_year"]),
                population_is_estimate=record["population_is_estimate"] == "1",
                households=_int_or_none(record["households"]),
                area_km2=Decimal(record["area_km2"]) if record["area_km2"] else None,
            )
