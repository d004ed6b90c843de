"""E-mail to people, in their own language, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def _send(*, template: str, to: Sequence[str], language: str, context: dict[str, Any]) -> None:
    with translation.override(language):
        subject = render_to_string(f"portal/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"portal/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to))


def send_after_commit(*, template: str, to: Sequence[str], language: str = "th", **context: Any) -> None:
    """Queue an e-mail rendered from portal/email/<template>_{subject,body}.txt in `language`."""
    if not to:
        return
    transaction.on_commit(partial(_send, template=template, to=list(to), language=language, context=context))
