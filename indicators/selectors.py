"""Reads of cycles and frameworks, with their related rows fetched in a constant number of queries."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from indicators.enums import CyclePhase
from indicators.models import Area, AwardCycle, CycleSettingsChange, DeadlineExtension, FrameworkVersion, Indicator
from portal.models import Municipality, User


def cycles_for_admin() -> QuerySet[AwardCycle]:
    return (
        AwardCycle.objects.select_related("framework")
        .defer("framework__source_text")
        .annotate(extension_count=Count("extensions"))
    )


def settings_history_of(cycle: AwardCycle) -> QuerySet[CycleSettingsChange]:
    """A cycle's recorded settings changes with who made them, newest first (one query)."""
    return cycle.settings_changes.select_related("changed_by").order_by("-changed_at", "-pk")


def public_cycles() -> QuerySet[AwardCycle]:
    """Cycles whose indicator guide anyone may read: every cycle past its draft."""
    return (
        AwardCycle.objects.exclude(phase=CyclePhase.DRAFT).select_related("framework").defer("framework__source_text")
    )


def results_are_published(cycle: AwardCycle) -> bool:
    """True once an admin has published the cycle's results (publish_results): then anyone may read them."""
    return cycle.results_published_at is not None


def cycles_visible_to(user: User | AnonymousUser) -> QuerySet[AwardCycle]:
    """The cycles a caller may read through the API: admins every one, drafts too (they create and prepare them);
    anyone else the public ones."""
    if user.is_authenticated and user.is_portal_admin:
        return AwardCycle.objects.select_related("framework").defer("framework__source_text")
    return public_cycles()


def framework_areas(framework: FrameworkVersion) -> list[Area]:
    """The framework's areas with their indicators, in order (two queries)."""
    return list(
        framework.areas.order_by("position").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
        )
    )


def deadline_for(cycle: AwardCycle, municipality: Municipality) -> dt.datetime | None:
    """The submission deadline that applies to one municipality: its extension, else the cycle's."""
    extension = DeadlineExtension.objects.filter(cycle=cycle, municipality=municipality).first()
    return extension.deadline if extension is not None else cycle.submission_deadline


def extension_deadline(cycle: str = "cycle", municipality: str = "municipality") -> Subquery:
    """The municipality's extended deadline as an expression on a row that has `cycle` and `municipality` fields
    (NULL without an extension: then the cycle's deadline applies, as in deadline_for). Annotating a query with it
    gives each row its deadline without a query of its own."""
    return Subquery(
        DeadlineExtension.objects.filter(cycle=OuterRef(cycle), municipality=OuterRef(municipality))
        .order_by()
        .values("deadline")[:1]
    )
