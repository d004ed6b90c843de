"""Decisions in rounds (screening, committee): one decision for several applications at once, with its note and
author, the applications' status following it, nominations held to the cycle's ASEAN quota, the officers told by one
mailing; and who the current nominees are."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application, StatusChange
from indicators.enums import Track
from indicators.models import AwardCycle
from portal.audit.enums import AuditAction
from portal.audit.services import both_languages, record
from portal.models import User
from portal.notifications.services import notify
from portal.selectors import active_officers
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision


def current_nominees(cycle: AwardCycle) -> list[Application]:
    """Applications whose latest committee decision is a nomination."""
    latest: dict[int, str] = {}
    for application_id, outcome in (
        Decision.objects.filter(application__cycle=cycle, round=DecisionRound.COMMITTEE)
        .order_by("application_id", "-decided_at", "-pk")
        .values_list("application_id", "outcome")
    ):
        latest.setdefault(application_id, outcome)
    ids = [pk for pk, outcome in latest.items() if outcome == DecisionOutcome.NOMINATED]
    return list(Application.objects.filter(pk__in=ids))


def _check_quota(cycle: AwardCycle, applications: list[Application]) -> None:
    nominees = {app.pk: app for app in current_nominees(cycle)}
    for application in applications:
        nominees[application.pk] = application
    esc = [a for a in nominees.values() if a.track == Track.ESC_AWARD]
    certificates = [a for a in nominees.values() if a.track == Track.CERTIFICATE]
    if len(esc) > cycle.quota_esc_award:
        raise ValidationError(
            _("The ESC Award quota is {quota} nominee(s); this decision would make {count}.").format(
                quota=cycle.quota_esc_award, count=len(esc)
            ),
            code="quota",
        )
    if len(certificates) > cycle.quota_certificates_total:
        raise ValidationError(
            _("The certificate quota is {quota} nominee(s) in all; this decision would make {count}.").format(
                quota=cycle.quota_certificates_total, count=len(certificates)
            ),
            code="quota",
        )
    groups: dict[tuple[str, int | None], int] = defaultdict(int)
    for application in certificates:
        groups[(application.category_code, application.size_class_id)] += 1
    for (category, _size), count in groups.items():
        if count > cycle.quota_per_category_and_size:
            raise ValidationError(
                _("At most {quota} nominee(s) per category and size class; {category} would have {count}.").format(
                    quota=cycle.quota_per_category_and_size, category=category, count=count
                ),
                code="quota",
            )


STATUS_FOR_OUTCOME: dict[str, ApplicationStatus] = {
    DecisionOutcome.SHORTLISTED: ApplicationStatus.SHORTLISTED,
    DecisionOutcome.NOT_SHORTLISTED: ApplicationStatus.NOT_SHORTLISTED,
    DecisionOutcome.NOMINATED: ApplicationStatus.NOMINATED,
}


@transaction.atomic
def decide(*, applications: list[Application], round: str, outcome: str, note: str, by: User) -> list[Decision]:
    """Record one decision for several applications at once (bulk action), with its note and author.

    Nominations are checked against the cycle's ASEAN quota and refused whole when they would exceed it.
    """
    if not note.strip():
        raise ValidationError({"note": _("Every decision needs a note.")})
    if not applications:
        raise ValidationError(_("Choose at least one application."))
    if any(application.status == ApplicationStatus.DRAFT for application in applications):
        raise ValidationError(_("A draft cannot be decided on: it was never submitted."), code="draft")
    cycles = {application.cycle_id for application in applications}
    if len(cycles) != 1:
        raise ValidationError(_("Decide on applications of one cycle at a time."))
    cycle = applications[0].cycle
    if outcome == DecisionOutcome.NOMINATED:
        if round != DecisionRound.COMMITTEE:
            raise ValidationError(_("Nominations are decided in the committee round."))
        _check_quota(cycle, applications)
    decisions = Decision.objects.bulk_create(
        Decision(application=application, round=round, outcome=outcome, note=note.strip(), decided_by=by)
        for application in applications
    )
    new_status = STATUS_FOR_OUTCOME[outcome]
    changes = [
        StatusChange(
            application=application,
            from_status=application.status,
            to_status=new_status,
            reason=note.strip(),
            changed_by=by,
        )
        for application in applications
        if application.status != new_status
    ]
    StatusChange.objects.bulk_create(changes)
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=new_status, updated_at=timezone.now())
    record(
        action=AuditAction.DECISION_RECORDED,
        by=by,
        target=cycle,
        cycle=cycle,
        after={
            "round": round,
            "outcome": outcome,
            "applications": [both_languages(application) for application in applications],
        },
        note=note,
        values_of=Decision,
    )
    _mail_decisions(decisions, by=by)
    return decisions


def _mail_decisions(decisions: list[Decision], *, by: User) -> None:
    """Tell each application's officers of its decision: one mailing for the whole action, held in the outbox until an
    admin releases it (decisions are often recorded for a whole cycle at once)."""
    mailing = None
    officers: dict[int | None, list[User]] = defaultdict(list)
    for officer in active_officers({decision.application.municipality_id for decision in decisions}):
        officers[officer.municipality_id].append(officer)
    for decision in decisions:
        application = decision.application
        recipients = officers.get(application.municipality_id, [])
        if not recipients:
            continue
        mails = notify(
            event="decision_recorded",
            to=recipients,
            context={
                "municipality": application.municipality,
                "cycle": application.cycle,
                "application": application,
                "round": DecisionRound(decision.round).label,  # lazy: each recipient reads it in their language
                "outcome": DecisionOutcome(decision.outcome).label,
                "note": decision.note,
            },
            link=reverse("reviews:decision-history", args=[application.pk]),
            mailing=mailing,
            by=by,
        )
        mailing = mailing or mails[0].mailing
