"""Writing the audit log: `record`, called by each admin or committee action's service inside its transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation

from portal.audit.enums import AuditAction
from portal.audit.models import AuditEntry
from portal.models import User
from portal.values import json_safe

LANGUAGES = ("th", "en")
LABEL_LENGTH = AuditEntry._meta.get_field("target_label_th").max_length or 300


class CycleRef(Protocol):
    """An award cycle as the audit log keeps it (portal cannot import indicators): its id and code."""

    pk: Any
    code: str


Label = str | Callable[[], str]


def both_languages(label: Label | models.Model) -> dict[str, str]:
    """A label as each language writes it: ``{"th": …, "en": …}``. A model is its ``str``, a callable is called, each
    inside ``translation.override``; a plain text is the same in both. The audit page shows the reader's language."""
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            texts[language] = str(label() if callable(label) else label)
    return texts


def record(
    *,
    action: AuditAction,
    by: User | None,
    target: models.Model | None = None,
    label: Label | None = None,
    cycle: CycleRef | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    values_of: type[models.Model] | None = None,
) -> AuditEntry:
    """Add one entry to the audit log and return it. Call it inside the action's transaction, after the change.

    ``by`` is the acting user (None: the portal itself, e.g. a management command); their name and e-mail address
    are kept as they are now. ``target`` is what the action changed; ``label`` names it (default: its ``str``, in
    Thai and in English). ``before`` and ``after`` hold the changed values keyed by field name, made JSON-safe; the
    keys name fields of ``values_of`` (default: the target's model), which the audit page uses for their labels and
    choices. ``cycle`` files the entry under an award cycle for filtering.
    """
    named = label if label is not None else target
    labels = both_languages(named) if named is not None and (target is not None or label) else {}
    values_model = values_of or (type(target) if target is not None else None)
    return AuditEntry.objects.create(
        actor=by,
        actor_name=by.full_name if by is not None else "",
        actor_email=by.email if by is not None else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label_th=labels.get("th", "")[:LABEL_LENGTH],
        target_label_en=labels.get("en", "")[:LABEL_LENGTH],
        values_type=ContentType.objects.get_for_model(values_model) if values_model else None,
        cycle_id=cycle.pk if cycle is not None else None,
        cycle_code=cycle.code if cycle is not None else "",
        before=json_safe(dict(before or {})),
        after=json_safe(dict(after or {})),
        note=note.strip(),
    )
