"""Clarification requests, the reviewer's side: ask the municipality a question about one indicator, close the
request. The requests are stored in applications (applications.models.ClarificationRequest, see the README's
Layout); the municipality's answer is applications.services_clarifications.answer_clarification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ClarificationStatus
from applications.models import Application, ClarificationRequest
from indicators.models import Indicator
from portal.models import User
from portal.notifications.services import notify
from portal.selectors import active_officers


@transaction.atomic
def ask_clarification(
    *, application: Application, indicator: Indicator, question: str, by: User
) -> ClarificationRequest:
    """Open a question about one indicator; the municipality's officers are told by e-mail."""
    if not question.strip():
        raise ValidationError({"question": _("Write the question for the municipality.")})
    request = ClarificationRequest.objects.create(
        application=application, indicator=indicator, question=question.strip(), asked_by=by
    )
    notify(
        event="clarification_asked",
        to=list(active_officers([application.municipality_id])),
        context={"municipality": application.municipality, "code": indicator.code, "question": request.question},
        link=reverse("applications:clarification-answer", args=[application.pk, request.pk]),
        by=by,
    )
    return request


@transaction.atomic
def close_clarification(*, request: ClarificationRequest, by: User) -> ClarificationRequest:
    request.status, request.closed_at = ClarificationStatus.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request
