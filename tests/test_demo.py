"""The demo data `make run` loads: the open cycle on the 2024 framework, two reviewers with normalisation on, a tie
decided by a tie-break, an abstention, and stored standings the board shows; loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from applications.models import Application, ReviewerAssignment
from indicators.enums import AreaKind
from indicators.models import AwardCycle
from portal.enums import Role
from portal.models import User
from reviews.models import RubricScore
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore, Standing

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def counts():
    return (
        Application.objects.count(),
        ReviewerAssignment.objects.count(),
        RubricScore.objects.count(),
        ApplicationScore.objects.filter(is_current=True).count(),
    )


def test_seed_demo_loads_what_the_demo_cycle_must_show_and_again_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())

    cycle = AwardCycle.objects.get(code="esc-2027")
    categories = set(cycle.framework.areas.filter(kind=AreaKind.CATEGORY).values_list("code", flat=True))
    reviewers = set(User.objects.filter(role=Role.REVIEWER).values_list("email", flat=True))
    submitted = Application.objects.filter(cycle=cycle).exclude(status="draft")
    tie = ApplicationScore.objects.get(cycle=cycle, kind=ScoreKind.SUBMITTED, is_current=True, tie_break="completeness")
    above = ApplicationScore.objects.get(
        cycle=cycle, kind=ScoreKind.SUBMITTED, is_current=True, group_key=tie.group_key, position=tie.position - 1
    )
    assert counts() == first
    assert (cycle.framework.code, cycle.phase, cycle.normalise_reviewers) == ("esc-2024", "call_open", True)
    assert categories == {"CA", "CW", "CL", "UB", "CE"}
    assert cycle.quota_certificates_total == 10  # the 2024 edition's slots, not the 2021 default of six
    assert reviewers == {"reviewer@demo.esc.th", "reviewer2@demo.esc.th"}
    assert all(application.assignments.count() == 2 for application in submitted)
    assert (above.total, above.completeness > tie.completeness, tie.rank) == (tie.total, True, above.rank + 1)
    assert RubricScore.objects.filter(application__cycle=cycle, abstain=True).count() == 1
    assert ApplicationScore.objects.filter(cycle=cycle, kind=ScoreKind.VERIFIED, is_current=True, rank=1).exists()
    assert Standing.objects.filter(cycle=cycle).count() > 0


def test_the_demo_board_shows_the_tie_and_its_run():
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(email="admin@demo.esc.th"))
    tie = ApplicationScore.objects.get(
        cycle__code="esc-2027", kind=ScoreKind.SUBMITTED, is_current=True, tie_break="completeness"
    )

    response = client.get(reverse("reviews:board", kwargs={"code": "esc-2027"}), {"group": tie.group_key})

    assert response.status_code == 200
    assert 'data-testid="tie-break"' in response.text
    assert [row.rank for row in response.context["rows"]] == sorted(row.rank for row in response.context["rows"])


def test_the_demo_review_steps_follow_each_other_in_time():
    call_command("seed_demo", stdout=StringIO())

    from applications.models import ClarificationRequest
    from reviews.enums import DecisionRound
    from reviews.models import Decision, SiteVisit

    cycle = AwardCycle.objects.get(code="esc-2027")
    decided = Application.objects.filter(cycle=cycle, decisions__isnull=False).distinct()
    assert decided.count() > 0
    assert ClarificationRequest.objects.filter(application__cycle=cycle, answered_at__isnull=False).exists()
    for application in decided:
        steps = [("submitted", application.submitted_at)]
        for request in ClarificationRequest.objects.filter(application=application):
            steps += [("asked", request.asked_at), ("answered", request.answered_at)]
        decisions = Decision.objects.filter(application=application)
        steps += [("desk review", d.decided_at) for d in decisions.filter(round=DecisionRound.DESK_REVIEW)]
        visits = SiteVisit.objects.filter(application=application)
        steps += [("site visit", visit.recorded_at) for visit in visits]
        steps += [("committee", d.decided_at) for d in decisions.filter(round=DecisionRound.COMMITTEE)]
        times = [when for _, when in steps]
        assert times == sorted(times), (application, steps)
        for visit in visits:
            assert all(d.decided_at.date() > visit.visited_on for d in decisions.filter(round=DecisionRound.COMMITTEE))
            assert all(
                d.decided_at.date() < visit.visited_on for d in decisions.filter(round=DecisionRound.DESK_REVIEW)
            )


def test_render_samples_writes_the_packets_and_the_feedback_reports_in_both_languages(tmp_path):
    call_command("seed_demo", stdout=StringIO())

    call_command("render_samples", out=tmp_path, stdout=StringIO())

    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["feedback-en.pdf", "feedback-th.pdf", "packet-en.pdf", "packet-th.pdf"]
    assert all(path.read_bytes().startswith(b"%PDF") for path in tmp_path.iterdir())
