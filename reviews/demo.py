"""Demo review work on the current demo cycle: two reviewers (one stricter than the other, evened out by the cycle's
normalisation) assigned to every submitted application, their rubric points with one abstention, every value of
the decided applications verified (with one site-visit correction), a site visit, and the decisions behind the
shortlisted and nominated demo applications (so the board, the verified scores and the packets have content)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from indicators.models import AwardCycle
from portal.enums import Role
from portal.models import User
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus
from reviews.models import Decision, RubricScore, SiteVisit, ValueReview
from reviews.services import refresh_cycle_verified_values
from scoring.services import execute_run, request_cycle_rescore

REVIEWED = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
# Every value of these is verified, so their verified scores are final and ranked.
VERIFIED = (ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
OUTCOMES = {
    ApplicationStatus.SHORTLISTED: (DecisionRound.DESK_REVIEW, DecisionOutcome.SHORTLISTED),
    ApplicationStatus.NOT_SHORTLISTED: (DecisionRound.DESK_REVIEW, DecisionOutcome.NOT_SHORTLISTED),
    ApplicationStatus.NOMINATED: (DecisionRound.COMMITTEE, DecisionOutcome.NOMINATED),
}
# (municipality, indicator): the second reviewer cannot judge it and abstains; the first reviewer's points count.
ABSTENTION = ("5099", "UB-04")
# (municipality, indicator, value, reason): a value the site visit found otherwise.
CORRECTION = ("8199", "CL-02", "88", "ตรวจพื้นที่ฝังกลบพบปริมาณขยะที่กำจัดถูกต้องน้อยกว่าที่รายงาน")


def _score_rubrics(application: Application, strict: User, lenient: User) -> None:
    """The strict reviewer gives one level below the self-assessment, the lenient one the level itself."""
    for value in application.values.filter(indicator__value_type="rubric").select_related("indicator"):
        level = value.level or 0
        for reviewer, points in ((strict, max(0, level - 1)), (lenient, level)):
            abstains = reviewer == lenient and (application.municipality.code, value.indicator.code) == ABSTENTION
            RubricScore.objects.get_or_create(
                application=application,
                indicator=value.indicator,
                reviewer=reviewer,
                defaults={
                    "points": None if abstains else points,
                    "abstain": abstains,
                    "comment": "ไม่มีข้อมูลเพียงพอให้ตัดสิน" if abstains else "หลักฐานยืนยันได้ตามที่ระบุ",
                },
            )


def _verify_values(application: Application, reviewer: User) -> None:
    municipality, code, corrected, reason = CORRECTION
    for value in application.values.exclude(indicator__value_type__in=("rubric", "text")).select_related("indicator"):
        correction = (application.municipality.code, value.indicator.code) == (municipality, code)
        ValueReview.objects.get_or_create(
            application=application,
            indicator=value.indicator,
            reviewer=reviewer,
            defaults={
                "status": VerificationStatus.CORRECTED if correction else VerificationStatus.VERIFIED,
                "corrected_number": corrected if correction else None,
                "reason": reason if correction else "",
            },
        )


@transaction.atomic
def seed(stdout: TextIO) -> None:
    cycle = AwardCycle.objects.filter(code="esc-2027").first()
    strict = User.objects.filter(role=Role.REVIEWER, email="reviewer@demo.esc.th").first()
    lenient = User.objects.filter(role=Role.REVIEWER, email="reviewer2@demo.esc.th").first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if (
        cycle is None
        or strict is None
        or lenient is None
        or admin is None
        or Decision.objects.filter(application__cycle=cycle).exists()
    ):
        return
    applications = list(
        Application.objects.filter(cycle=cycle).exclude(status=ApplicationStatus.DRAFT).select_related("municipality")
    )
    for application in applications:
        for reviewer in (strict, lenient):
            ReviewerAssignment.objects.get_or_create(
                application=application, reviewer=reviewer, defaults={"assigned_by": admin}
            )
        if application.status in REVIEWED:
            _score_rubrics(application, strict, lenient)
            SiteVisit.objects.get_or_create(
                application=application,
                visited_on=dt.date(2027, 5, 12),
                defaults={"notes": "ตรวจพื้นที่จุดคัดแยกขยะและสถานีตรวจวัดคุณภาพอากาศ ข้อมูลตรงกับที่ยื่น", "recorded_by": strict},
            )
        if application.status in VERIFIED:
            _verify_values(application, strict)
        if application.status in OUTCOMES:
            round_, outcome = OUTCOMES[application.status]
            Decision.objects.create(
                application=application,
                round=round_,
                outcome=outcome,
                note="ผลการประชุมคณะอนุกรรมการ ครั้งที่ 2/2570",
                decided_by=admin,
            )
    # Normalisation needs every reviewer's points of the cycle at once: one refresh for the whole cycle.
    refresh_cycle_verified_values(cycle=cycle, by=admin, reason="demo reviews")
    execute_run(request_cycle_rescore(cycle=cycle, reason="demo reviews", by=admin).pk)
    stdout.write(
        f"Reviews: {len(applications)} applications assigned to two reviewers (normalised), one abstention, "
        "the decided applications verified, decisions recorded."
    )
