"""The restricted syntax of admin-edited mail templates, and the values they show.

Admins write plain text with placeholders in braces, `{municipality}`, from the list their event offers, and `{{` or
`}}` for a literal brace. Nothing else is code: no tags, no filters, no dots or brackets (which `str.format` would
follow into attributes), no format specs. Django's template engine was the other candidate; it was not chosen
because even with autoescape off it offers tags and attribute lookups that an admin's text must never reach, and a
template that names only whitelisted placeholders is simple to check on save and to explain on the page.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.i18n import localized
from portal.thai import addressed, format_date, format_datetime

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Addressed:
    """A person's name as an e-mail's greeting says it (in Thai "คุณ" before a name without a title)."""

    name: str


@dataclass(frozen=True)
class Both:
    """A text given in both languages (sample data, or a label the caller already has in both)."""

    th: str
    en: str


def shown(value: Any, language: str) -> str:
    """A context value as the mail says it in `language`: a municipality, cycle or other record by its label in that
    language (full name first), a date in that language's era (Buddhist Era in Thai); anything else as text."""
    if isinstance(value, Addressed):
        return addressed(value.name, language=language)
    if isinstance(value, Both):
        return value.th if language == "th" else (value.en or value.th)
    if isinstance(value, models.Model):
        return _record_label(value, language)
    if isinstance(value, dt.datetime):
        return format_datetime(timezone.localtime(value) if timezone.is_aware(value) else value, language=language)
    if isinstance(value, dt.date):
        return format_date(value, language=language)
    return "" if value is None else str(value)


def _record_label(record: models.Model, language: str) -> str:
    if hasattr(record, "full_name_th"):
        return localized(record, "full_name", language)
    if hasattr(record, "name_th"):
        return localized(record, "name", language)
    with translation.override(language):
        return str(record)


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a template uses, in order. Raises ValidationError for anything that is not one."""
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as error:
        raise ValidationError(
            _("A brace stands alone. Write {example} for a placeholder, and doubled braces for a brace itself.").format(
                example="{municipality}"
            ),
            code="brace",
        ) from error
    names = []
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise ValidationError(
                _(
                    "“{text}” is not a placeholder. Write a placeholder's name alone in braces, such as {example}."
                ).format(
                    text="{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}",
                    example="{municipality}",
                ),
                code="syntax",
            )
        names.append(field)
    return names


def check_template(text: str, allowed: Iterable[str]) -> None:
    """Refuse a template that is malformed or names a placeholder its event does not offer."""
    offered = set(allowed)
    unknown = [name for name in dict.fromkeys(placeholders_in(text)) if name not in offered]
    if unknown:
        raise ValidationError(
            _("Unknown placeholder {names}. This e-mail offers: {offered}.").format(
                names=", ".join("{" + name + "}" for name in unknown),
                offered=", ".join("{" + name + "}" for name in sorted(offered)) or "—",
            ),
            code="unknown_placeholder",
        )


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill a checked template's placeholders; a placeholder with no value is left empty."""
    return "".join(
        literal + (values.get(field, "") if field is not None else "")
        for literal, field, _spec, _conversion in _FORMATTER.parse(text)
    )
