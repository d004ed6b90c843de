"""What the cycle pages show of stored records: a cycle's settings history, in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from indicators.models import AwardCycle, CycleSettingsChange
from portal.thai import format_date, format_datetime

_DASH = "—"


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
        return AwardCycle._meta.get_field(field)  # type: ignore[return-value]
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
    """A stored before/after value as a reader sees it: dates in the Buddhist Era in Thai, yes/no, lists joined."""
    if value is None or value in ("", []):
        return _DASH
    if isinstance(value, bool):
        return pgettext("setting switched", "on") if value else pgettext("setting switched", "off")
    if isinstance(value, list):
        joined = _LIST_FORMATS.get(field)
        return joined(value, language) if joined else ", ".join(str(item) for item in value)
    model_field = _model_field(field)
    if isinstance(model_field, models.DateTimeField):
        return format_datetime(dt.datetime.fromisoformat(value), language=language)
    if isinstance(model_field, models.DateField):
        return format_date(dt.date.fromisoformat(value), language=language)
    return str(value)


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
