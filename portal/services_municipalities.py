"""Use cases that change the municipalities' reference data: the bulk load from the DLA list and an admin's
correction of one municipality, field by field, with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.models import Municipality, MunicipalityCorrection, Province, User
from portal.municipality_data import MunicipalityRow
from portal.statistics import analyze

MUNICIPALITY_FIELDS = (
    "dla_code",
    "kind",
    "name_th",
    "full_name_th",
    "name_en",
    "full_name_en",
    "district_code",
    "district_th",
    "district_en",
    "population",
    "population_year",
    "population_is_estimate",
    "households",
    "area_km2",
)
CORRECTABLE_FIELDS = (
    "name_th",
    "full_name_th",
    "name_en",
    "full_name_en",
    "population",
    "population_year",
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
    names = {row.province_code: (row.province_th, row.province_en) for row in rows}
    renamed = [p for code, p in provinces.items() if code in names and (p.name_th, p.name_en) != names[code]]
    for province in renamed:
        province.name_th, province.name_en = names[province.code]
    Province.objects.bulk_update(renamed, ["name_th", "name_en"])

    existing = {municipality.code: municipality for municipality in Municipality.objects.all()}
    now = timezone.now()
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
        current.updated_at = now
        to_update.append(current)
    Municipality.objects.bulk_create(to_create, batch_size=500)
    # updated_at too (bulk_update does not touch auto_now fields): pages that keep a municipality's name in a cache
    # see that it changed.
    Municipality.objects.bulk_update(to_update, [*MUNICIPALITY_FIELDS, "province", "updated_at"], batch_size=500)
    if to_create or to_update or new_provinces:
        analyze(Province)
        analyze(Municipality)
    return LoadReport(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )


@transaction.atomic
def correct_municipality(
    *, municipality: Municipality, by: User, changes: dict[str, Any], reason: str
) -> list[MunicipalityCorrection]:
    """Change reference fields of a municipality; every changed field is logged with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be corrected: {fields}").format(fields=", ".join(sorted(unknown))))
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    corrections = []
    changed: dict[str, tuple[Any, Any]] = {}
    for field, new in changes.items():
        old = getattr(municipality, field)
        if old == new:
            continue
        changed[field] = (old, new)
        setattr(municipality, field, new)
        corrections.append(
            MunicipalityCorrection(
                municipality=municipality,
                field=field,
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
                reason=reason.strip(),
                corrected_by=by,
            )
        )
    if corrections:
        if any(correction.field == "population" for correction in corrections):
            municipality.population_is_estimate = False
        municipality.full_clean()
        municipality.save()
        MunicipalityCorrection.objects.bulk_create(corrections)
        record(
            action=AuditAction.MUNICIPALITY_CORRECTED,
            by=by,
            target=municipality,
            before={field: old for field, (old, _new) in changed.items()},
            after={field: new for field, (_old, new) in changed.items()},
            note=reason,
        )
    return corrections
