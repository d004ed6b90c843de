"""E-mail to people, in their own language, sent after the transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.i18n import language_of, localized
from portal.thai import format_date, format_datetime


def _shown(value: Any, language: str) -> Any:
    """A context value as the mail says it in `language`: a municipality, cycle or other record by its label in that
    language (full name first), a date in that language's era (Buddhist Era in Thai); anything else as it is."""
    if isinstance(value, models.Model):
        if hasattr(value, "full_name_th"):
            return localized(value, "full_name", language)
        if hasattr(value, "name_th"):
            return localized(value, "name", language)
        return str(value)
    if isinstance(value, dt.datetime):
        return format_datetime(timezone.localtime(value) if timezone.is_aware(value) else value, language=language)
    if isinstance(value, dt.date):
        return format_date(value, language=language)
    return value


def _languages_of(to: Sequence[str]) -> dict[str, list[str]]:
    """The recipients grouped by the language of their account (Thai for an address with no account yet)."""
    from portal.models import User  # noqa: PLC0415 -- models import this module's callers

    chosen = dict(User.objects.filter(email__in=list(to)).values_list("email", "preferred_language"))
    groups: dict[str, list[str]] = {}
    for address in to:
        groups.setdefault(language_of(chosen.get(address)), []).append(address)
    return groups


def _send(*, template: str, to: Sequence[str], language: str | None, context: dict[str, Any]) -> None:
    groups = {language_of(language): list(to)} if language else _languages_of(to)
    for chosen, recipients in groups.items():
        with translation.override(chosen):
            shown = {key: _shown(value, chosen) for key, value in context.items()}
            subject = render_to_string(f"portal/email/{template}_subject.txt", shown).strip()
            body = render_to_string(f"portal/email/{template}_body.txt", shown)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def send_after_commit(*, template: str, to: Sequence[str], language: str | None = None, **context: Any) -> None:
    """Queue an e-mail rendered from portal/email/<template>_{subject,body}.txt after the transaction commits. Each
    recipient gets it in the language of their account (`language` forces one, e.g. for an address with no account
    yet). Pass records and dates as they are: the mail names them in the recipient's language when it is sent."""
    if not to:
        return
    transaction.on_commit(partial(_send, template=template, to=list(to), language=language, context=context))
