"""The reviewer's workspace as its template shows it: the assignments filtered by cycle, status and province, open
work first, with progress "n / N" and the next open assignment."""

from __future__ import annotations

from typing import Any

from portal.i18n import current_language
from portal.models import Province, User
from reviews.selectors import assignments_of


def workspace_context(reviewer: User, chosen: dict[str, str]) -> dict[str, Any]:
    """`chosen`: the filters asked for ("cycle", "status" open/done, "province"; empty for all)."""
    everything = list(assignments_of(reviewer))
    cycles = sorted({a.application.cycle for a in everything}, key=lambda cycle: (-cycle.reference_year, cycle.code))
    in_cycle = [a for a in everything if not chosen["cycle"] or a.application.cycle.code == chosen["cycle"]]
    shown = [
        a
        for a in in_cycle
        if (chosen["status"] != "open" or a.completed_at is None)
        and (chosen["status"] != "done" or a.completed_at is not None)
        and (not chosen["province"] or str(a.application.municipality.province_id) == chosen["province"])
    ]
    # Open work first; the selector's order (municipality name, Thai collation) within each group.
    shown.sort(key=lambda a: a.completed_at is not None)
    done = sum(1 for a in in_cycle if a.completed_at is not None)
    province_ids = {a.application.municipality.province_id for a in everything}
    return {
        "assignments": shown,
        "cycles": cycles,
        "provinces": Province.objects.filter(pk__in=province_ids).order_by("name_th") if province_ids else [],
        "chosen": chosen,
        "done": done,
        "total": len(in_cycle),
        "percent": round(100 * done / len(in_cycle)) if in_cycle else 0,
        "filtered": any(chosen.values()),
        "language": current_language(),
        "next_open": next((a for a in in_cycle if a.completed_at is None), None),
    }
