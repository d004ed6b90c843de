"""Demo review work on the current demo cycle: the demo reviewer assigned, rubric points, a correction, a site
visit, and the decisions behind the shortlisted and nominated demo applications (so packets have content)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from indicators.models import AwardCycle
from portal.enums import Role
from portal.models import User
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision, RubricScore, SiteVisit
from reviews.services import refresh_verified_values
from scoring.services import execute_run, request_cycle_rescore

REVIEWED = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
OUTCOMES = {
    ApplicationStatus.SHORTLISTED: (DecisionRound.DESK_REVIEW, DecisionOutcome.SHORTLISTED),
    ApplicationStatus.NOT_SHORTLISTED: (DecisionRound.DESK_REVIEW, DecisionOutcome.NOT_SHORTLISTED),
    ApplicationStatus.NOMINATED: (DecisionRound.COMMITTEE, DecisionOutcome.NOMINATED),
}


@transaction.atomic
def seed(stdout: TextIO) -> None:
    cycle = AwardCycle.objects.filter(code="esc-2027").first()
    reviewer = User.objects.filter(role=Role.REVIEWER, email="reviewer@demo.esc.th").first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if cycle is None or reviewer is None or admin is None or Decision.objects.filter(application__cycle=cycle).exists():
        return
    applications = list(Application.objects.filter(cycle=cycle).exclude(status=ApplicationStatus.DRAFT))
    for application in applications:
        ReviewerAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": admin}
        )
        if application.status in REVIEWED:
            for value in application.values.filter(indicator__value_type="rubric").select_related("indicator"):
                RubricScore.objects.get_or_create(
                    application=application,
                    indicator=value.indicator,
                    reviewer=reviewer,
                    defaults={"points": max(0, (value.level or 0) - 1), "comment": "หลักฐานยืนยันได้บางส่วน"},
                )
            SiteVisit.objects.get_or_create(
                application=application,
                visited_on=dt.date(2027, 5, 12),
                defaults={"notes": "ตรวจพื้นที่จุดคัดแยกขยะและสถานีตรวจวัดคุณภาพอากาศ ข้อมูลตรงกับที่ยื่น", "recorded_by": reviewer},
            )
            refresh_verified_values(application=application, by=reviewer, reason="demo review")
        if application.status in OUTCOMES:
            round_, outcome = OUTCOMES[application.status]
            Decision.objects.create(
                application=application,
                round=round_,
                outcome=outcome,
                note="ผลการประชุมคณะอนุกรรมการ ครั้งที่ 2/2570",
                decided_by=admin,
            )
    execute_run(request_cycle_rescore(cycle=cycle, reason="demo reviews").pk)
    stdout.write(f"Reviews: {len(applications)} applications assigned to the demo reviewer, decisions recorded.")
