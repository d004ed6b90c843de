"""Loading the 2,474 municipalities: the bulk service against a per-row update_or_create loop, in turns (median of
the rounds)."""

from __future__ import annotations

from benchmarks.harness import Figure, median_of_interleaved
from portal.models import Municipality, Province
from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import MUNICIPALITY_FIELDS, load_municipalities

ROUNDS = 3
MAX_SECONDS = 90  # no new round after this (the per-row loop takes about 10 s)


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
    # In each round: the bulk load into an empty table, the reload of the same rows (the table the bulk load just
    # filled, unchanged), the per-row loop into an empty table. Emptying the table is not timed.
    timings = median_of_interleaved(
        ROUNDS,
        {
            "bulk": lambda: load_municipalities(rows=rows),
            "reload": lambda: load_municipalities(rows=rows),
            "naive": lambda: _naive_load(rows),
        },
        setups={"bulk": _clear, "naive": _clear},
        max_seconds=MAX_SECONDS,
    )
    naive = timings["naive"]
    return [
        Figure(
            "load 2,474 municipalities (bulk)",
            timings["bulk"],
            "per-row update_or_create",
            naive,
            "≥ 10× faster",
            goal_ratio=10,
        ),
        Figure(
            "reload unchanged (bulk, idempotent)",
            timings["reload"],
            "per-row update_or_create",
            naive,
            "≥ 10× faster",
            goal_ratio=10,
        ),
    ]
