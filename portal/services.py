"""Use cases that change identity data: municipalities and users."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from portal.models import Municipality, Province
from portal.municipality_data import MunicipalityRow

MUNICIPALITY_FIELDS = (
    "dla_code",
    "kind",
    "name_th",
    "full_name_th",
    "name_en",
    "district_code",
    "district_th",
    "district_en",
    "population",
    "population_year",
    "population_is_estimate",
    "households",
    "area_km2",
)


@dataclass(frozen=True, slots=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def load_municipalities(*, rows: Iterable[MunicipalityRow]) -> LoadReport:
    """Create or update provinces and municipalities from rows; idempotent (a second run changes nothing).

    Bulk reads and writes: a constant number of queries whatever the number of rows.
    """
    rows = list(rows)
    provinces = {province.code: province for province in Province.objects.all()}
    new_provinces = {
        row.province_code: Province(code=row.province_code, name_th=row.province_th, name_en=row.province_en)
        for row in rows
        if row.province_code not in provinces
    }
    Province.objects.bulk_create(new_provinces.values())
    provinces = {province.code: province for province in Province.objects.all()}

    existing = {municipality.code: municipality for municipality in Municipality.objects.all()}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    for row in rows:
        values = {field: getattr(row, field) for field in MUNICIPALITY_FIELDS}
        province = provinces[row.province_code]
        current = existing.get(row.code)
        if current is None:
            to_create.append(Municipality(code=row.code, province=province, **values))
            continue
        if current.province_id == province.pk and all(getattr(current, f) == v for f, v in values.items()):
            continue
        for field, value in values.items():
            setattr(current, field, value)
        current.province = province
        to_update.append(current)
    Municipality.objects.bulk_create(to_create, batch_size=500)
    Municipality.objects.bulk_update(to_update, [*MUNICIPALITY_FIELDS, "province"], batch_size=500)
    return LoadReport(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )
