"""The nomination packet is one click away from the application page, the review sheet and the board."""

import datetime as dt

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.selectors_submission import receipt_digest
from applications.services import save_value, start_application, submit_application
from applications.services_evidence import upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.i18n import localized
from reviews.services_assignments import assign_reviewers
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def application(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cycle = make_cycle(code="esc-pl", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(9))
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    ca01 = Indicator.objects.get(framework_id=cycle.framework_id, code="CA-01")
    save_value(application=application, indicator=ca01, by=cast.editor_a, changes={"value": "80"}, expected_version=0)
    upload_evidence(application=application, indicator=ca01, file=SimpleUploadedFile("a.pdf", PDF), by=cast.editor_a)
    application = submit_application(
        application=application, by=cast.signatory_a, confirmed_digest=receipt_digest(application)
    )
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save()
    assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
    execute_run(request_cycle_rescore(cycle=cycle, reason="test").pk)
    return application


def page_of(user, path, language="th"):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def links(page, selector):
    return [found.etree_element.get("href") for found in page.query_all(selector)]


def packet(application, language):
    return reverse("reviews:packet", args=[application.pk, language])


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_application_page_links_both_packets(cast, application, role):
    page = page_of(cast.by_name(role), reverse("applications:detail", args=[application.pk]))

    assert links(page, "[data-testid=packet-th]") == [packet(application, "th")]
    assert links(page, "[data-testid=packet-en]") == [packet(application, "en")]


@pytest.mark.parametrize("role", ["editor_a", "signatory_a"])
def test_the_municipality_sees_no_packet_link_it_could_not_open(cast, application, role):
    page = page_of(cast.by_name(role), reverse("applications:detail", args=[application.pk]))

    assert links(page, "[data-testid^=packet]") == []
    assert Client().get(packet(application, "th")).status_code == 302  # and the packet stays closed to them


def test_the_review_sheet_links_both_packets(cast, application):
    page = page_of(cast.reviewer, reverse("reviews:sheet", args=[application.pk]))

    assert links(page, "[data-testid=packet-th]") == [packet(application, "th")]
    assert links(page, "[data-testid=packet-en]") == [packet(application, "en")]


@pytest.mark.parametrize("ranked", [True, False])
@pytest.mark.parametrize("language", ["th", "en"])
def test_each_board_row_links_the_packet_in_the_page_s_language(cast, application, language, ranked):
    if ranked:  # one value is enough to be ranked when the cycle asks for no minimum completeness
        application.cycle.completeness_minimum = 0
        application.cycle.save(update_fields=["completeness_minimum"])
        execute_run(request_cycle_rescore(cycle=application.cycle, reason="test").pk)
    page = page_of(cast.admin, reverse("reviews:board", args=[application.cycle.code]), language)

    assert len(list(page.query_all("[data-testid=unranked] tbody tr"))) == (0 if ranked else 1)
    assert links(page, "[data-testid=packet-link]") == [packet(application, language)]
    [link] = page.query_all("[data-testid=packet-link]")
    assert localized(application.municipality, "full_name", language) in "".join(link.etree_element.itertext())
