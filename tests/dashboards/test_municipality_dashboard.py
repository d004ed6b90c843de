import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationStatus, ClarificationStatus
from applications.models import Application, ClarificationRequest, IndicatorValue
from applications.selectors import completeness, section_progress, with_completeness
from dashboards.selectors_municipality import municipality_figures
from indicators.enums import CyclePhase, Track
from indicators.models import DeadlineExtension, Indicator
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.models import AseanOutcome
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycles(db):
    """Two cycles on the 2021 framework, the second cloned from the first (its `previous`), the second open."""
    framework = load_shipped_framework()
    first = make_cycle(code="esc-yoy-1", framework=framework, phase=CyclePhase.ARCHIVED, reference_year=2019)
    second = make_cycle(
        code="esc-yoy-2",
        framework=framework,
        phase=CyclePhase.CALL_OPEN,
        reference_year=2023,
        previous=first,
        submission_deadline=timezone.now() + dt.timedelta(days=10, hours=1),
    )
    return first, second


def make_application(cycle, municipality, officer, *, category="CA", status=ApplicationStatus.DRAFT, numbers=None):
    application = Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track=Track.CERTIFICATE,
        category_code=category,
        status=status,
        submitted_at=None if status == ApplicationStatus.DRAFT else timezone.now(),
        created_by=officer,
    )
    for code, number in (numbers or {}).items():
        IndicatorValue.objects.create(
            application=application,
            indicator=Indicator.objects.get(framework_id=cycle.framework_id, code=code),
            number=Decimal(number),
        )
    return application


@pytest.fixture
def world(cast, cycles):
    first, second = cycles
    a_old = make_application(
        first, cast.municipality_a, cast.editor_a, status=ApplicationStatus.NOT_SHORTLISTED, numbers={"CA-01": "70"}
    )
    a_new = make_application(second, cast.municipality_a, cast.editor_a, numbers={"CA-01": "82.5", "CA-02": "12"})
    b_old = make_application(
        first, cast.municipality_b, cast.editor_b, status=ApplicationStatus.SUBMITTED, numbers={"CA-01": "11"}
    )
    b_new = make_application(second, cast.municipality_b, cast.editor_b, numbers={"CA-01": "13"})
    indicator = Indicator.objects.get(framework_id=second.framework_id, code="CA-02")
    for application, status in ((a_new, ClarificationStatus.OPEN), (a_old, ClarificationStatus.CLOSED)):
        ClarificationRequest.objects.create(
            application=application,
            indicator=indicator,
            question=f"คำถาม {status}",
            asked_by=cast.reviewer,
            status=status,
        )
    ClarificationRequest.objects.create(
        application=b_new, indicator=indicator, question="คำถามของหาดใหญ่", asked_by=cast.reviewer
    )
    return {"a_old": a_old, "a_new": a_new, "b_old": b_old, "b_new": b_new}


def test_with_completeness_counts_as_section_progress_does(world, cycles):
    applications = with_completeness(Application.objects.all())

    counted = {
        application.pk: (application.answered_count, application.applicable_count) for application in applications
    }

    assert counted == {application.pk: completeness(section_progress(application)) for application in applications}
    assert counted[world["a_new"].pk][0] == 2


def test_municipality_figures_hold_only_the_officers_municipality(cast, world):
    figures = municipality_figures(cast.editor_a)

    assert [application.pk for application in figures.applications] == [world["a_new"].pk, world["a_old"].pk]
    assert [question.question for question in figures.clarifications] == [f"คำถาม {ClarificationStatus.OPEN}"]
    assert [call.cycle.code for call in figures.open_calls] == ["esc-yoy-2"]
    assert [call.days_left for call in figures.open_calls] == [10]


def test_municipality_figures_compare_year_over_year(cast, world):
    figures = municipality_figures(cast.editor_a)

    (series,) = figures.series
    assert [point.application.pk for point in series.points] == [world["a_old"].pk, world["a_new"].pk]
    trends = {trend.indicator.code: trend for trend in series.indicators}
    assert [value.number if value else None for value in trends["CA-01"].values] == [Decimal("70"), Decimal("82.5")]
    assert trends["CA-01"].change == Decimal("12.5")
    assert [value.number if value else None for value in trends["CA-02"].values] == [None, Decimal("12")]
    assert trends["CA-02"].change is None


def test_deadline_countdown_follows_the_municipalitys_extension(cast, world, cycles):
    DeadlineExtension.objects.create(
        cycle=cycles[1],
        municipality=cast.municipality_a,
        deadline=timezone.now() + dt.timedelta(days=20, hours=1),
        reason="น้ำท่วม",
        granted_by=cast.admin,
    )

    figures = municipality_figures(cast.editor_a)

    assert [(call.days_left, call.extended) for call in figures.open_calls] == [(20, True)]


def test_municipality_dashboard_never_shows_another_municipality(client, cast, world):
    client.force_login(cast.editor_a)

    response = client.get(reverse("dashboards:municipality"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [application.pk for application in response.context["figures"].applications] == [
        world["a_new"].pk,
        world["a_old"].pk,
    ]
    assert cast.municipality_a.full_name_th in html
    assert cast.municipality_b.full_name_th not in html
    assert "คำถามของหาดใหญ่" not in html
    assert f'data-application="{world["b_new"].pk}"' not in html
    assert 'data-testid="completeness">2 ' in html


def application_row(html, application):
    """The dashboard's table row of one application (its <tr> to the next </tr>)."""
    start = html.index(f'<tr data-application="{application.pk}">')
    return html[start : html.index("</tr>", start)]


def test_municipality_dashboard_shows_its_nominees_asean_outcome_and_no_other_municipalitys(client, cast, world):
    nominated = [world["a_old"], world["a_new"], world["b_old"]]
    Application.objects.filter(pk__in=[a.pk for a in nominated]).update(
        status=ApplicationStatus.NOMINATED, submitted_at=timezone.now()
    )
    AseanOutcome.objects.create(application=world["a_old"], outcome=AseanOutcomeChoice.AWARDED, recorded_by=cast.admin)
    AseanOutcome.objects.create(
        application=world["b_old"], outcome=AseanOutcomeChoice.NOT_SELECTED, recorded_by=cast.admin
    )
    client.force_login(cast.editor_a)

    html = client.get(reverse("dashboards:municipality"), HTTP_ACCEPT_LANGUAGE="th").content.decode()

    recorded, waiting = application_row(html, world["a_old"]), application_row(html, world["a_new"])
    assert '<span class="badge asean-outcome text-bg-success" data-testid="asean-outcome">รางวัล ESC</span>' in recorded
    assert 'data-testid="asean-outcome">ยังไม่ได้บันทึกผลระดับอาเซียน</span>' in waiting
    assert html.count('data-testid="asean-outcome"') == 2
    assert "ไม่ได้รับคัดเลือก" not in html  # Hat Yai's outcome


def test_municipality_dashboard_shows_no_asean_outcome_beside_an_application_that_is_not_a_nominee(client, cast, world):
    client.force_login(cast.editor_a)

    html = client.get(reverse("dashboards:municipality")).content.decode()

    assert 'data-testid="asean-outcome"' not in html


def test_municipality_dashboard_shows_years_for_the_reader(client, cast, world):
    client.force_login(cast.editor_a)

    with translation.override("th"):
        thai = client.get(reverse("dashboards:municipality"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    english = client.get(reverse("dashboards:municipality")).content.decode()

    assert ">2566</th>" in thai  # reference year 2023 in the Buddhist Era
    assert ">2023</th>" in english
    assert "82.5 %" in english


def test_municipality_dashboard_is_for_officers_only(client, cast):
    for user in (cast.reviewer, cast.admin):
        client.force_login(user)

        assert client.get(reverse("dashboards:municipality")).status_code == 403


@pytest.mark.parametrize("categories", [["CA"], ["CA", "CW", "CL"]])
def test_municipality_dashboard_query_count_is_constant(client, cast, cycles, categories):
    for category in categories:
        for cycle in cycles:
            application = make_application(
                cycle, cast.municipality_a, cast.editor_a, category=category, numbers={"CA-01": "50"}
            )
        # The newer cycle's application is a nominee with an ASEAN outcome: the outcomes cost no query.
        Application.objects.filter(pk=application.pk).update(
            status=ApplicationStatus.NOMINATED, submitted_at=timezone.now()
        )
        AseanOutcome.objects.create(application=application, outcome=AseanOutcomeChoice.AWARDED, recorded_by=cast.admin)
    client.force_login(cast.editor_a)
    client.get(reverse("dashboards:municipality"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:municipality"))

    assert response.status_code == 200
    assert len(response.context["figures"].series) == len(categories)
    assert len(queries) == 12
    assert response.content.decode().count('data-testid="asean-outcome"') == len(categories)
