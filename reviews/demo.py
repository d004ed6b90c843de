"""Demo review work on the current demo cycle: two reviewers (one stricter than the other, evened out by the cycle's
normalisation) assigned to every submitted application, their rubric points with one abstention, every value of
the decided applications verified (with one site-visit correction), a clarification asked and answered, a site
visit, and the decisions behind the shortlisted and nominated demo applications (so the board, the verified scores
and the packets have content).

Every dated step follows the one before it, as the cycle's phases do, counted from the application's submission:
clarification asked and answered, reviewers' work, desk-review decision, site visit, committee decision (STEPS)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db import transaction

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, ReviewerAssignment
from indicators.models import AwardCycle
from portal.enums import Role
from portal.models import User
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus
from reviews.models import AseanOutcome, Decision, RubricScore, SiteVisit, ValueReview
from reviews.services import refresh_cycle_verified_values
from scoring.services import execute_run, request_cycle_rescore

REVIEWED = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
# Every value of these is verified, so their verified scores are final and ranked.
VERIFIED = (ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
# The decisions behind each status, in the order taken: a nominee was shortlisted at the desk review first.
OUTCOMES: dict[str, tuple[tuple[DecisionRound, DecisionOutcome], ...]] = {
    ApplicationStatus.SHORTLISTED: ((DecisionRound.DESK_REVIEW, DecisionOutcome.SHORTLISTED),),
    ApplicationStatus.NOT_SHORTLISTED: ((DecisionRound.DESK_REVIEW, DecisionOutcome.NOT_SHORTLISTED),),
    ApplicationStatus.NOMINATED: (
        (DecisionRound.DESK_REVIEW, DecisionOutcome.SHORTLISTED),
        (DecisionRound.COMMITTEE, DecisionOutcome.NOMINATED),
    ),
}
# Days after submission of each step (applications.demo submits 40 days before the demo is seeded).
STEPS = {
    "asked": 4,
    "answered": 6,
    "reviewed": 10,
    DecisionRound.DESK_REVIEW: 15,
    "site_visit": 22,
    DecisionRound.COMMITTEE: 30,
}
NOTES = {
    DecisionRound.DESK_REVIEW: "ผลการตรวจประเมินเอกสาร คณะอนุกรรมการ ครั้งที่ 1/2570",
    DecisionRound.COMMITTEE: "ผลการประชุมคณะอนุกรรมการ ครั้งที่ 2/2570",
}
# (municipality, indicator, question, answer): a clarification asked of a shortlisted application and answered.
CLARIFICATION = (
    "7798",
    "CA-01",
    "สถานีตรวจวัดที่ใช้คำนวณจำนวนวันอยู่ในเขตเทศบาลทั้งหมดหรือไม่",
    "ใช้ข้อมูลสถานีของกรมควบคุมมลพิษ 1 แห่งในเขตเทศบาล และเครื่องวัดของเทศบาล 3 จุด",
)
# (municipality, indicator): the second reviewer cannot judge it and abstains; the first reviewer's points count.
ABSTENTION = ("5099", "UB-04")
# (municipality, indicator, value, reason): a value the site visit found otherwise.
CORRECTION = ("8199", "CL-02", "88", "ตรวจพื้นที่ฝังกลบพบปริมาณขยะที่กำจัดถูกต้องน้อยกว่าที่รายงาน")


def _on(application: Application, step: str) -> dt.datetime:
    assert application.submitted_at is not None  # type guard: only submitted applications are reviewed
    return application.submitted_at + dt.timedelta(days=STEPS[step])


def _ask(application: Application, reviewer: User, officer: User | None) -> None:
    municipality, code, question, answer = CLARIFICATION
    indicator = application.values.filter(indicator__code=code).values_list("indicator", flat=True).first()
    if application.municipality.code != municipality or indicator is None:
        return
    ClarificationRequest.objects.get_or_create(
        application=application,
        indicator_id=indicator,
        defaults={
            "question": question,
            "asked_by": reviewer,
            "asked_at": _on(application, "asked"),
            "answer": answer,
            "answered_by": officer,
            "answered_at": _on(application, "answered"),
            "status": ClarificationStatus.ANSWERED,
        },
    )


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
                    "updated_at": _on(application, "reviewed"),
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
                "updated_at": _on(application, "reviewed"),
            },
        )


BANGKOK = ZoneInfo("Asia/Bangkok")
# The 2021 cycle's national nominees and what the ASEAN level gave them (municipality code, outcome, note).
PAST_OUTCOMES = (
    ("1297", AseanOutcomeChoice.CERTIFICATE, "ได้รับเกียรติบัตรแห่งการรับรองจากที่ประชุมรัฐมนตรีสิ่งแวดล้อมอาเซียน"),
    ("8199", AseanOutcomeChoice.AWARDED, "ได้รับรางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน"),
    ("7798", AseanOutcomeChoice.NOT_SELECTED, ""),
)


def _seed_past_results(admin: User) -> None:
    """The 2021 cycle: committee nominations the day of the national decision, results published a week later,
    ASEAN outcomes recorded on the day of the ministers' ceremony (dates that follow each other)."""
    past = AwardCycle.objects.filter(code="esc-2021").first()
    if past is None or past.results_published_at is not None or past.national_decision_on is None:
        return
    decided_at = dt.datetime.combine(past.national_decision_on, dt.time(10), tzinfo=BANGKOK)
    nominees = Application.objects.filter(cycle=past, status=ApplicationStatus.NOMINATED).select_related("municipality")
    by_code = {application.municipality.code: application for application in nominees}
    for application in by_code.values():
        Decision.objects.create(
            application=application,
            round=DecisionRound.COMMITTEE,
            outcome=DecisionOutcome.NOMINATED,
            note="มติคณะกรรมการสิ่งแวดล้อมแห่งชาติ ครั้งที่ 4/2563",
            decided_by=admin,
            decided_at=decided_at,
        )
    execute_run(request_cycle_rescore(cycle=past, reason="demo results", by=admin).pk)
    ceremony = past.asean_ceremony_on or past.national_decision_on
    for code, outcome, note in PAST_OUTCOMES:
        if code in by_code:
            AseanOutcome.objects.create(
                application=by_code[code],
                outcome=outcome,
                note=note,
                recorded_by=admin,
                recorded_at=dt.datetime.combine(ceremony, dt.time(17), tzinfo=BANGKOK),
            )
    past.results_published_at = decided_at + dt.timedelta(days=7)
    past.save(update_fields=["results_published_at"])


@transaction.atomic
def seed(stdout: TextIO) -> None:
    cycle = AwardCycle.objects.filter(code="esc-2027").first()
    strict = User.objects.filter(role=Role.REVIEWER, email="reviewer@demo.esc.th").first()
    lenient = User.objects.filter(role=Role.REVIEWER, email="reviewer2@demo.esc.th").first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if admin is not None:
        _seed_past_results(admin)
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
            _ask(application, strict, application.submitted_by)
            _score_rubrics(application, strict, lenient)
            SiteVisit.objects.get_or_create(
                application=application,
                defaults={
                    "visited_on": _on(application, "site_visit").date(),
                    "notes": "ตรวจพื้นที่จุดคัดแยกขยะและสถานีตรวจวัดคุณภาพอากาศ ข้อมูลตรงกับที่ยื่น",
                    "recorded_by": strict,
                    "recorded_at": _on(application, "site_visit"),
                },
            )
        if application.status in VERIFIED:
            _verify_values(application, strict)
        for round_, outcome in OUTCOMES.get(application.status, ()):
            Decision.objects.create(
                application=application,
                round=round_,
                outcome=outcome,
                note=NOTES[round_],
                decided_by=admin,
                decided_at=_on(application, round_),
            )
    # Normalisation needs every reviewer's points of the cycle at once: one refresh for the whole cycle.
    refresh_cycle_verified_values(cycle=cycle, by=admin, reason="demo reviews")
    execute_run(request_cycle_rescore(cycle=cycle, reason="demo reviews", by=admin).pk)
    stdout.write(
        f"Reviews: {len(applications)} applications assigned to two reviewers (normalised), one abstention, "
        "the decided applications verified, decisions recorded."
    )
