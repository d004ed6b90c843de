"""What the audit page shows of an entry: the changed values as a reader sees them, in the reader's language."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from portal.audit.models import AuditEntry
from portal.i18n import language_of
from portal.models import User
from portal.thai import format_date, format_datetime

_DASH = "—"

# Keys of before and after that name no field of the entry's model: what an action did to several rows at once.
OTHER_FIELDS: Final[Mapping[str, Promise | models.Field[Any, Any]]] = {
    "applications": pgettext_lazy("audit field", "Applications"),
    "reviewers": pgettext_lazy("audit field", "Reviewers"),
    "size_classes": pgettext_lazy("audit field", "Size classes"),
    "assigned": pgettext_lazy("audit field", "Assignments made"),
    "per_application": pgettext_lazy("audit field", "Reviewers per application"),
    "cap": pgettext_lazy("audit field", "Most assignments per reviewer"),
    "short": pgettext_lazy("audit field", "Applications still short of reviewers"),
    "role": User._meta.get_field("role"),
}


@dataclass(frozen=True, slots=True)
class ValueChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    entry: AuditEntry
    actor: str
    actor_email: str
    action: str
    target: str
    changes: tuple[ValueChange, ...]


def _field(model: type[models.Model] | None, key: str) -> Promise | models.Field[Any, Any] | ForeignObjectRel | None:
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if isinstance(field, models.Field):  # a relation from another model (a cycle's size classes) is named below
            return field
    return OTHER_FIELDS.get(key)


def _label(field: Promise | models.Field[Any, Any] | ForeignObjectRel | None, key: str) -> str:
    if isinstance(field, models.Field):
        return capfirst(str(field.verbose_name))
    return str(field) if field is not None else key


def _is_bilingual(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"th", "en"}


def display_value(field: Any, value: Any, language: str) -> str:
    """A stored value as a reader sees it: a choice by its label, days and moments in the reader's calendar (Buddhist
    Era in Thai), on/off, lists joined, a label kept in both languages in the reader's; other structures as JSON."""
    if value is None or value in ("", [], {}):
        return _DASH
    if _is_bilingual(value):
        return str(value[language_of(language)] or value["th"])
    if isinstance(value, list) and all(_is_bilingual(item) or not isinstance(item, Mapping | list) for item in value):
        return ", ".join(display_value(field, item, language) for item in value)
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)
    return _scalar(field, value, language)


def _scalar(field: Any, value: Any, language: str) -> str:
    if isinstance(value, bool):
        return pgettext("setting switched", "on") if value else pgettext("setting switched", "off")
    if isinstance(field, models.Field) and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return format_datetime(dt.datetime.fromisoformat(value), language=language)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return format_date(dt.date.fromisoformat(value), language=language)
    return str(value)


def _ordered(keys: Iterable[str], model: type[models.Model] | None) -> list[str]:
    """The keys in the model's field order, then the other keys in OTHER_FIELDS' order, then the rest by name
    (PostgreSQL's jsonb does not keep the order in which a dictionary was written)."""
    fields = [field.name for field in model._meta.get_fields()] if model is not None else []
    order = {name: position for position, name in enumerate([*fields, *OTHER_FIELDS])}
    return sorted(keys, key=lambda key: (order.get(key, len(order)), key))


def _changes(entry: AuditEntry, language: str) -> tuple[ValueChange, ...]:
    model = entry.values_type.model_class() if entry.values_type is not None else None
    keys = _ordered({*entry.before, *entry.after}, model)
    changes = []
    for key in keys:
        field = _field(model, key)
        changes.append(
            ValueChange(
                _label(field, key),
                display_value(field, entry.before.get(key), language),
                display_value(field, entry.after.get(key), language),
            )
        )
    return tuple(changes)


def audit_rows(entries: Iterable[AuditEntry], *, language: str) -> list[AuditRow]:
    """One row per entry, in the order given; no query of its own (the entries come with their content types)."""
    english = language_of(language) == "en"
    return [
        AuditRow(
            entry=entry,
            actor=entry.actor_name or _("The portal (a command or the demo data)"),
            actor_email=entry.actor_email,
            action=entry.get_action_display(),
            target=(entry.target_label_en if english else "") or entry.target_label_th,
            changes=_changes(entry, language),
        )
        for entry in entries
    ]
