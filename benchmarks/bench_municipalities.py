"""Loading the 2,474 municipalities: the bulk service against a per-row update_or_create loop."""

from __future__ import annotations

from benchmarks.harness import Figure, best_of
from portal.models import Municipality, Province
from portal.municipality_data import read_municipality_rows
from portal.services import MUNICIPALITY_FIELDS, load_municipalities


def _clear() -> None:
    Municipality.objects.all().delete()


def _naive_load(rows: list) -> None:
    for row in rows:
        province, _ = Province.objects.get_or_create(
            code=row.province_code, defaults={"name_th": row.province_th, "name_en": row.province_en}
        )
        Municipality.objects.update_or_create(
            code=row.code,
            defaults={"province": province, **{field: getattr(row, field) for field in MUNICIPALITY_FIELDS}},
        )


def run() -> list[Figure]:
    rows = list(read_municipality_rows())
    bulk = best_of(3, lambda: load_municipalities(rows=rows), setup=_clear)
    naive = best_of(1, lambda: _naive_load(rows), setup=_clear)
    reload_bulk = best_of(3, lambda: load_municipalities(rows=rows))
    return [
        Figure("load 2,474 municipalities (bulk)", bulk, "per-row update_or_create", naive, "≥ 10× faster"),
        Figure("reload unchanged (bulk, idempotent)", reload_bulk, "per-row update_or_create", naive, "≥ 10× faster"),
    ]
