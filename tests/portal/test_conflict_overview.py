"""Admins see every declared conflict, with who declared it and when; refusals are pages, not bare text."""

import datetime as dt
import zoneinfo

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.enums import Role
from portal.models import ReviewerConflict
from portal.services import declare_conflict
from tests.factories.portal import ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def client_of(user, language):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def rows(response):
    page = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return [
        [" ".join("".join(cell.etree_element.itertext()).split()) for cell in row.query_all("td")]
        for row in page.query_all("[data-testid=conflicts] tbody tr")
    ]


@pytest.fixture
def conflicts(cast):
    second = UserFactory(role=Role.REVIEWER, full_name="อรุณี ศรีสุข", email="arunee@example.go.th")
    songkhla = ProvinceFactory(name_th="สงขลา", name_en="Songkhla")
    declared = [
        declare_conflict(reviewer=cast.reviewer, municipality=cast.municipality_a, reason="อดีตพนักงาน"),
        declare_conflict(reviewer=second, province=songkhla, reason="บ้านเกิด"),
    ]
    moments = [dt.datetime(2027, 1, 5, 9, 30, tzinfo=BANGKOK), dt.datetime(2027, 2, 14, 16, 5, tzinfo=BANGKOK)]
    for conflict, moment in zip(declared, moments, strict=True):
        ReviewerConflict.objects.filter(pk=conflict.pk).update(declared_at=moment)
    return second


def test_admin_sees_every_reviewer_s_conflicts_with_who_and_when(cast, conflicts):
    response = client_of(cast.admin, "en").get(reverse("portal:conflict-list"))

    assert response.status_code == 200
    by_reviewer = {row[0]: row[1:] for row in rows(response)}
    assert by_reviewer == {
        f"{cast.reviewer.full_name}{cast.reviewer.email}": [
            f"{cast.municipality_a.full_name_en} ({cast.municipality_a.province.name_en})",
            "อดีตพนักงาน",
            "5 Jan 2027 09:30",
        ],
        "อรุณี ศรีสุขarunee@example.go.th": ["Province Songkhla whole province", "บ้านเกิด", "14 Feb 2027 16:05"],
    }
    assert "2 declared conflicts, by 2 reviewers." in response.content.decode()


def test_admin_sees_the_dates_in_the_buddhist_era_in_thai(cast, conflicts):
    response = client_of(cast.admin, "th").get(reverse("portal:conflict-list"))

    assert sorted(row[-1] for row in rows(response)) == ["14 ก.พ. 2570 16:05", "5 ม.ค. 2570 09:30"]


def test_admin_cannot_declare_on_behalf_of_a_reviewer(cast):
    response = client_of(cast.admin, "en").post(
        reverse("portal:conflict-list"), {"kind": "province", "province": ProvinceFactory().pk, "reason": "x"}
    )

    assert response.status_code == 405
    assert not ReviewerConflict.objects.exists()


def test_conflicts_page_lists_in_a_bounded_number_of_queries(cast, conflicts, django_assert_max_num_queries):
    for number in range(10):
        declare_conflict(
            reviewer=UserFactory(role=Role.REVIEWER), province=ProvinceFactory(name_th=f"จังหวัด{number}"), reason="ญาติ"
        )
    client = client_of(cast.admin, "en")

    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:conflict-list"))
    assert len(rows(response)) == 12


@pytest.mark.parametrize("role", ["editor_a", "signatory_a"])
def test_a_refusal_is_a_page_of_the_portal_in_the_user_s_language(cast, role):
    response = client_of(cast.by_name(role), "th").get(reverse("portal:conflict-list"))

    assert response.status_code == 403
    page = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    heading = page.query("[data-testid=error-heading]")
    assert heading is not None
    assert "หน้านี้" in "".join(heading.etree_element.itertext())
    assert page.query("nav") is not None  # the portal's navigation, a way back


def test_a_missing_page_is_a_page_of_the_portal(cast):
    response = client_of(cast.editor_a, "en").get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert reverse("home") in response.content.decode()
