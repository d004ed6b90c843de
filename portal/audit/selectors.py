"""Reads of the audit log, newest first, for the admins' audit page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.models import User


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the page narrows the log to; None (or empty) means any."""

    cycle: str = ""
    action: str = ""
    actor: int | None = None
    since: dt.date | None = None  # first day shown, in Bangkok time
    until: dt.date | None = None  # last day shown, in Bangkok time


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(narrowed: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    """Entries newest first, with the content types the page reads their labels from (no query per entry)."""
    entries = AuditEntry.objects.select_related("target_type", "values_type").order_by("-at", "-pk")
    if narrowed is None:
        return entries
    if narrowed.cycle:
        entries = entries.filter(cycle_code=narrowed.cycle)
    if narrowed.action:
        entries = entries.filter(action=narrowed.action)
    if narrowed.actor is not None:
        entries = entries.filter(actor_id=narrowed.actor)
    if narrowed.since is not None:
        entries = entries.filter(at__gte=_start_of(narrowed.since))
    if narrowed.until is not None:
        entries = entries.filter(at__lt=_start_of(narrowed.until + dt.timedelta(days=1)))
    return entries


def audited_cycles() -> list[str]:
    """The codes of the cycles the log has entries for, in code order (one query)."""
    return list(
        AuditEntry.objects.exclude(cycle_code="").order_by("cycle_code").values_list("cycle_code", flat=True).distinct()
    )


def audited_actors() -> QuerySet[User]:
    """The people who have entries in the log, by name (one query)."""
    return User.objects.filter(pk__in=AuditEntry.objects.filter(actor__isnull=False).values("actor_id")).order_by(
        "full_name", "email"
    )
