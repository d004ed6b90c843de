"""The municipality's answer to a clarification request: the answer, and the one value and evidence it may amend
even after submission. Asking and closing a request are reviewer actions and live in reviews.services_clarifications;
this app only stores the requests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import Channel, ClarificationStatus
from applications.models import ClarificationRequest
from applications.services import write_value
from applications.services_evidence import store_evidence
from portal.models import User
from portal.notifications.services import notify


@transaction.atomic
def answer_clarification(
    *,
    request: ClarificationRequest,
    answer: str,
    by: User,
    amended_value: str | None = None,
    evidence: UploadedFile | None = None,
) -> ClarificationRequest:
    """The municipality answers an open request and may amend that one value, even after submission.

    The amendment goes through the same validation as the form and lands in the history (channel
    "clarification"); the reviewer who asked is told by e-mail.
    """
    request = (
        ClarificationRequest.objects.select_for_update().select_related("application", "indicator").get(pk=request.pk)
    )
    if request.status != ClarificationStatus.OPEN:
        raise ValidationError(_("This request is no longer open."), code="closed")
    if by.municipality_id != request.application.municipality_id:
        raise ValidationError(_("Only the municipality's officers can answer."), code="not_officer")
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    if amended_value is not None and amended_value.strip() != "":
        write_value(
            application=request.application,
            indicator=request.indicator,
            by=by,
            changes={"value": amended_value},
            expected_version=None,
            channel=Channel.CLARIFICATION,
        )
    if evidence is not None:
        # The requested document may be attached even though the application is locked: only to this indicator.
        store_evidence(application=request.application, indicator=request.indicator, file=evidence, by=by)
    request.answer, request.answered_by, request.answered_at = answer.strip(), by, timezone.now()
    request.status = ClarificationStatus.ANSWERED
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    notify(
        event="clarification_answered",
        to=[request.asked_by],
        context={
            "municipality": request.application.municipality,
            "code": request.indicator.code,
            "answer": request.answer,
        },
        # The reviewer reads the answer on the review sheet (a page of the reviews app, named, not imported).
        link=reverse("reviews:sheet", args=[request.application_id]),
        by=by,
    )
    return request
