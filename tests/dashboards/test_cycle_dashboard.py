import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue, ReviewerAssignment
from dashboards import charts
from dashboards.regions import REGIONS, region_of
from dashboards.selectors import cycle_figures, score_bands
from indicators.enums import CyclePhase, Track
from indicators.models import Indicator
from portal.enums import RegistrationStatus, Role
from portal.models import OfficerRegistration, Province
from reviews.enums import VerificationStatus
from reviews.models import RubricScore, ValueReview
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

YALA, CHIANG_MAI, BANGKOK = "95", "50", "10"


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-dash", phase=CyclePhase.DESK_REVIEW)


def application(
    cycle, *, province, status=ApplicationStatus.SUBMITTED, track=Track.CERTIFICATE, category="CA", when=None
):
    municipality = MunicipalityFactory(province=ProvinceFactory(code=province))
    submitted = status != ApplicationStatus.DRAFT
    return Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track=track,
        category_code="" if track == Track.ESC_AWARD else category,
        status=status,
        size_class=cycle.size_classes.order_by("min_population").first(),
        submitted_at=(when or timezone.now()) if submitted else None,
        created_by=UserFactory(role=Role.EDITOR, municipality=municipality),
    )


@pytest.fixture
def applications(cycle):
    now = timezone.now()
    return [
        application(cycle, province=YALA, when=now - dt.timedelta(days=2)),
        application(cycle, province=YALA, category="CW", status=ApplicationStatus.UNDER_REVIEW, when=now),
        application(cycle, province=CHIANG_MAI, track=Track.ESC_AWARD, status=ApplicationStatus.SHORTLISTED, when=now),
        application(cycle, province=BANGKOK, status=ApplicationStatus.DRAFT),
        # Another cycle's application counts nowhere on this one.
        application(make_cycle(code="esc-other"), province=YALA),
    ]


def test_cycle_figures_match_the_database(cycle, applications):
    OfficerRegistration.objects.create(
        email="a@example.go.th",
        full_name="ก",
        municipality=applications[0].municipality,
        requested_role=Role.EDITOR,
        status=RegistrationStatus.AWAITING_APPROVAL,
    )
    mine = Application.objects.filter(cycle=cycle)

    figures = cycle_figures(cycle)

    assert figures.total == mine.count() == 4
    assert {bar.key: bar.count for bar in figures.by_status} == {
        status: mine.filter(status=status).count() for status in ApplicationStatus
    }
    assert {bar.key: bar.count for bar in figures.by_track} == {
        track: mine.filter(track=track).count() for track in Track
    }
    assert {bar.key: bar.count for bar in figures.by_category if bar.count} == {
        code: mine.filter(track=Track.CERTIFICATE, category_code=code).count() for code in ("CA", "CW")
    }
    assert sum(bar.count for bar in figures.by_size_class) == 4
    assert (
        figures.pending_registrations
        == OfficerRegistration.objects.filter(status=RegistrationStatus.AWAITING_APPROVAL).count()
    )
    provinces = {p.code: p.count for region in figures.by_region for p in region.provinces}
    assert provinces == {
        province.code: mine.filter(municipality__province=province).count() for province in Province.objects.all()
    }
    assert figures.provinces_participating == 3
    assert [(day.day, day.count) for day in figures.submissions] == [
        (timezone.localdate() - dt.timedelta(days=2), 1),
        (timezone.localdate() - dt.timedelta(days=1), 0),
        (timezone.localdate(), 2),
    ]


def test_cycle_figures_group_provinces_by_region():
    assert sum(len(region.province_codes) for region in REGIONS) == 77
    assert region_of(YALA).code == "south"
    assert region_of(CHIANG_MAI).code == "north"
    assert region_of(BANGKOK).code == "central"
    assert region_of("99").code == "other"


def test_cycle_figures_count_reviewer_progress(cycle, applications, cast):
    first, second = applications[0], applications[1]
    for item in (first, second):
        ReviewerAssignment.objects.create(application=item, reviewer=cast.reviewer, assigned_by=cast.admin)
    ReviewerAssignment.objects.filter(application=first).update(completed_at=timezone.now())
    indicators = list(Indicator.objects.filter(framework=cycle.framework, area__code="CA").order_by("position"))
    numeric = [indicator for indicator in indicators if indicator.value_type != "rubric"][:2]
    rubric = [indicator for indicator in indicators if indicator.value_type == "rubric"][:2]
    for indicator in numeric:
        ValueReview.objects.create(
            application=first, indicator=indicator, reviewer=cast.reviewer, status=VerificationStatus.VERIFIED
        )
    RubricScore.objects.create(application=first, indicator=rubric[0], reviewer=cast.reviewer, points=3)
    RubricScore.objects.create(application=first, indicator=rubric[1], reviewer=cast.reviewer, abstain=True)
    idle = UserFactory(role=Role.REVIEWER, full_name="ข ว่าง")

    figures = cycle_figures(cycle)

    progress = {row.name: (row.assigned, row.completed, row.verified, row.scored) for row in figures.reviewers}
    assert progress[cast.reviewer.full_name] == (
        ReviewerAssignment.objects.filter(reviewer=cast.reviewer, application__cycle=cycle).count(),
        1,
        ValueReview.objects.filter(reviewer=cast.reviewer, application__cycle=cycle).count(),
        2,
    )
    assert progress[idle.full_name] == (0, 0, 0, 0)


def test_cycle_figures_score_distributions_are_the_current_submitted_totals(cycle, applications) -> None:
    for item in applications[:3]:
        IndicatorValue.objects.create(
            application=item,
            indicator=Indicator.objects.get(framework=cycle.framework, code="CA-01"),
            number=Decimal("90"),
        )
    execute_run(request_cycle_rescore(cycle=cycle, reason="test", enqueue=False).pk)
    current = ApplicationScore.objects.filter(cycle=cycle, kind=ScoreKind.SUBMITTED, is_current=True)

    figures = cycle_figures(cycle)

    expected: dict[str, list[Decimal]] = {}
    for score in current.select_related("application"):
        expected.setdefault(score.application.category_code or "esc", []).append(score.total)
    assert {row.key: sorted(row.totals) for row in figures.scores} == {k: sorted(v) for k, v in expected.items()}
    for row in figures.scores:
        assert sum(row.bands) == row.count == len(expected[row.key])
        for total in row.totals:
            band = min(int(total // 10), 9)
            assert score_bands()[band][0] <= total <= score_bands()[band][1] + 1


def test_cycle_dashboard_is_for_admins_only(client, cast, cycle):
    for user in (cast.editor_a, cast.signatory_a, cast.reviewer):
        client.force_login(user)
        assert client.get(reverse("dashboards:cycle", args=[cycle.code])).status_code == 403
    client.force_login(cast.admin)

    response = client.get(reverse("dashboards:cycle-latest"))

    assert response.status_code == 302


def test_cycle_dashboard_shows_the_figures(client, cast, cycle, applications):
    client.force_login(cast.admin)

    response = client.get(reverse("dashboards:cycle", args=[cycle.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-applications">4<' in html
    assert 'data-province="95" data-count="2"' in html
    assert 'data-province="50" data-count="1"' in html


@pytest.mark.parametrize("extra", [0, 5])
def test_cycle_dashboard_query_count_is_constant(
    client, cast, cycle, applications, extra, django_assert_max_num_queries
):
    for index in range(extra):
        application(cycle, province=f"{20 + index}", category="CL")
    client.force_login(cast.admin)
    client.get(reverse("dashboards:cycle", args=[cycle.code]))  # session and caches warm

    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(14):
        response = client.get(reverse("dashboards:cycle", args=[cycle.code]))

    assert response.status_code == 200
    assert len(queries) == 14


def test_map_levels_and_legend():
    assert [charts.map_level(count, 8) for count in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert [(step.level, step.low, step.high) for step in charts.map_legend(8)] == [
        (0, 0, 0),
        (1, 1, 2),
        (2, 3, 4),
        (3, 5, 6),
        (4, 7, 8),
    ]
    assert [(step.level, step.low, step.high) for step in charts.map_legend(2)] == [(0, 0, 0), (2, 1, 1), (4, 2, 2)]
