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


def _send(*, template: str, to: Sequence[str], language: str, context: dict[str, Any]) -> None:
    with translation.override(language):
        context = {key: _shown(value, language_of(language)) for key, value in context.items()}
        subject = render_to_string(f"portal/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"portal/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to))


def send_after_commit(*, template: str, to: Sequence[str], language: str = "th", **context: Any) -> None:
    """Queue an e-mail rendered from portal/email/<template>_{subject,body}.txt in `language`. Pass records and dates
    as they are: the mail names them in the recipient's language when it is sent."""
    if not to:
        return
    transaction.on_commit(partial(_send, template=template, to=list(to), language=language, context=context))
