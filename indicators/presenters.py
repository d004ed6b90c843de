"""What the cycle pages show of stored records: a cycle's timeline and its settings history, in the reader's
language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from indicators.models import AwardCycle, CycleSettingsChange
from portal.audit.presenters import display_value
from portal.models import model_field


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SettingsHistoryEntry:
    changed_at: dt.datetime
    changed_by: str
    reason: str
    changes: tuple[FieldChange, ...]


def _model_field(field: str) -> models.Field[Any, Any] | None:
    try:
        return model_field(AwardCycle, field)
    except FieldDoesNotExist:
        return None


def _label(field: str) -> str:
    if field == "size_classes":
        return _("Size classes")
    model_field = _model_field(field)
    return capfirst(str(model_field.verbose_name)) if model_field is not None else field


def _tiers(tiers: Iterable[Mapping[str, Any]], language: str) -> str:
    return ", ".join(f"{tier.get(f'label_{language}', tier.get('code'))} ≥ {tier.get('min_score')}" for tier in tiers)


def _bands(bands: Iterable[Mapping[str, Any]], language: str) -> str:
    def band(size: Mapping[str, Any]) -> str:
        high = size.get("max_population")
        span = f"{size['min_population']:,}–{high:,}" if high is not None else f"{size['min_population']:,}–"
        return f"{size.get(f'name_{language}', size['code'])} {span}"

    return "; ".join(band(size) for size in bands)


_LIST_FORMATS: Final[dict[str, Callable[[Iterable[Mapping[str, Any]], str], str]]] = {
    "tiers": _tiers,
    "size_classes": _bands,
}


def _value(field: str, value: Any, language: str) -> str:
    """A stored before/after value as a reader sees it (portal.audit.presenters.display_value: dates in the Buddhist
    Era in Thai, on/off, lists joined), with tiers and size bands written out."""
    joined = _LIST_FORMATS.get(field)
    if joined is not None and isinstance(value, list) and value:
        return joined(value, language)
    return display_value(_model_field(field), value, language)


def settings_history(changes: Iterable[CycleSettingsChange], *, language: str) -> list[SettingsHistoryEntry]:
    """One entry per recorded change, in the order given (the selector gives the newest first)."""
    return [
        SettingsHistoryEntry(
            changed_at=change.changed_at,
            changed_by=change.changed_by.full_name,
            reason=change.reason,
            changes=tuple(
                FieldChange(
                    _label(field),
                    _value(field, change.before.get(field), language),
                    _value(field, change.after.get(field), language),
                )
                for field in change.fields
            ),
        )
        for change in changes
    ]


# ---------------------------------------------------------------------------------------------------------------
# The timeline: the cycle's planned dates, as the public guide and the results page list them
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineStep:
    field: str
    label: str  # the field's name in the reader's language
    on: dt.date | dt.datetime  # a datetime for the submission deadline (to the minute), a date for the others

    @property
    def has_time(self) -> bool:
        return isinstance(self.on, dt.datetime)


@dataclass(frozen=True, slots=True)
class CycleTimeline:
    national: tuple[TimelineStep, ...]  # the national selection, in the order it happens
    asean: tuple[TimelineStep, ...]  # the ASEAN stage after the hand-over

    def __bool__(self) -> bool:
        return bool(self.national or self.asean)


def _steps(cycle: AwardCycle, fields: Iterable[str]) -> tuple[TimelineStep, ...]:
    return tuple(
        TimelineStep(field, _label(field), value) for field in fields if (value := getattr(cycle, field)) is not None
    )


def cycle_timeline(cycle: AwardCycle) -> CycleTimeline:
    """The dates an admin has set for the cycle (unset ones are left out); no query."""
    return CycleTimeline(national=_steps(cycle, AwardCycle.NATIONAL_DATES), asean=_steps(cycle, AwardCycle.ASEAN_DATES))
