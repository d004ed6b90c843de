"""The officer's home: the open cycle, the deadline that applies to the municipality, and what to press next."""

from datetime import timedelta

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.services import start_application
from indicators.enums import CyclePhase
from indicators.services.cycles import grant_extension
from portal.thai import format_datetime
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-h", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30))


def home(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def text(page, selector):
    return [" ".join("".join(found.etree_element.itertext()).split()) for found in page.query_all(selector)]


def hrefs(page, selector):
    return [found.etree_element.get("href") for found in page.query_all(selector)]


def local(moment, language="en"):
    return format_datetime(timezone.localtime(moment), language=language)


def test_home_of_an_officer_names_the_open_cycle_its_deadline_and_a_start_button(cast, cycle):
    _response, page = home(cast.editor_a)

    [heading] = text(page, "[data-testid=open-call] h2")
    assert heading == f"{cycle.name_en} is open for applications"
    [deadline] = text(page, "[data-testid=open-call-deadline]")
    assert deadline.startswith(f"Submission deadline: {local(cycle.submission_deadline)}")
    assert "extended for your municipality" not in deadline
    assert hrefs(page, "[data-testid=start-application]") == [f"{reverse('applications:list')}#start-{cycle.code}"]
    assert hrefs(page, "[data-testid=continue-application]") == []
    assert "when the next call opens" not in _response.content.decode()


def test_home_shows_the_municipality_s_extension_not_the_cycle_deadline(cast, cycle):
    later = cycle.submission_deadline + timedelta(days=10)
    grant_extension(cycle=cycle, municipality=cast.municipality_a, deadline=later, reason="น้ำท่วม", by=cast.admin)

    _response, page = home(cast.editor_a)
    _other, other_page = home(cast.editor_b)

    [deadline] = text(page, "[data-testid=open-call-deadline]")
    assert deadline.startswith(f"Submission deadline: {local(later)} extended for your municipality")
    [other_deadline] = text(other_page, "[data-testid=open-call-deadline]")
    assert other_deadline.startswith(f"Submission deadline: {local(cycle.submission_deadline)}")
    assert "extended" not in other_deadline


def test_home_in_thai_gives_the_deadline_in_the_buddhist_era(cast, cycle):
    _response, page = home(cast.editor_a, language="th")

    [deadline] = text(page, "[data-testid=open-call-deadline]")
    assert local(cycle.submission_deadline, "th") in deadline
    assert str(timezone.localtime(cycle.submission_deadline).year + 543) in deadline


def test_home_with_a_draft_offers_to_continue_it(cast, cycle):
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )

    _response, page = home(cast.signatory_a)

    assert hrefs(page, "[data-testid=continue-application]") == [reverse("applications:detail", args=[application.pk])]
    assert text(page, "[data-testid=start-application]") == ["Start another application (certificate category)"]


def test_home_after_the_deadline_offers_no_start_and_says_what_to_do(cast, cycle):
    cycle.submission_deadline = timezone.now() - timedelta(hours=1)
    cycle.save(update_fields=["submission_deadline"])

    response, page = home(cast.editor_a)

    assert hrefs(page, "[data-testid=start-application]") == []
    assert "The deadline has passed." in response.content.decode()


def test_home_without_an_open_cycle_says_so(cast, cycle):
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save(update_fields=["phase"])

    response, page = home(cast.editor_a)

    assert text(page, "[data-testid=open-call]") == []
    assert "No award cycle is open for applications at the moment." in response.content.decode()


def test_home_of_a_submitted_application_links_to_it_without_continue(cast, cycle):
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    application.status = "submitted"
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at"])

    _response, page = home(cast.editor_a)

    assert hrefs(page, "[data-testid=continue-application]") == []
    assert reverse("applications:detail", args=[application.pk]) in hrefs(page, "[data-testid=open-call] a")


def test_home_reads_the_open_calls_in_a_bounded_number_of_queries(cast, cycle, django_assert_max_num_queries):
    start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    for number in range(3):
        make_cycle(
            code=f"esc-h{number}",
            phase=CyclePhase.CALL_OPEN,
            submission_deadline=timezone.now() + timedelta(days=5),
            framework=cycle.framework,
        )
    client = Client()
    client.force_login(cast.editor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert len(response.context["calls"]) == 4


@pytest.mark.parametrize(("language", "expected"), [("en", "29 days left"), ("th", "เหลืออีก 29 วัน")])
def test_home_counts_the_days_left_in_the_reader_s_language(cast, cycle, language, expected):
    _response, page = home(cast.editor_a, language=language)

    assert text(page, "[data-testid=days-left]") == [expected]


def test_home_on_the_last_day_says_so(cast, cycle):
    cycle.submission_deadline = timezone.now() + timedelta(hours=5)
    cycle.save(update_fields=["submission_deadline"])

    _response, page = home(cast.editor_a)

    assert text(page, "[data-testid=days-left]") == ["Last day: submit before the time above."]
