"""The Thai interface answers in Thai: no default English message of Django's reaches an officer."""

import re
from datetime import timedelta
from decimal import Decimal

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.services import start_application
from indicators.enums import CyclePhase
from portal import django_messages
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-m", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=9))
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def save_profile_field(user, application, field, typed, *, version):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    data = {"field": field, "value": typed, "version": version}
    response = client.post(reverse("applications:profile-save", args=[application.pk]), data)
    page = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    state = page.query(f"#status-profile-{field}").etree_element.get("data-state")
    alerts = [" ".join("".join(a.etree_element.itertext()).split()) for a in page.query_all("[role=alert]")]
    return state, alerts


def test_the_official_area_with_three_decimals_is_accepted_and_shown_as_typed(cast, application):
    state, alerts = save_profile_field(cast.editor_a, application, "area_km2", "40.216", version="0")

    application.refresh_from_db()
    assert (state, alerts) == ("saved", [])
    assert application.area_km2 == Decimal("40.216")
    client = Client()
    client.force_login(cast.editor_a)
    page = client.get(reverse("applications:detail", args=[application.pk]), {"section": "profile"}).content.decode()
    assert 'value="40.216"' in page


@pytest.mark.parametrize(
    ("typed", "thai"),
    [
        ("40.2167", "ทศนิยมต้องไม่เกิน 3 ตำแหน่ง"),
        ("123456789.5", "ตัวเลขหน้าจุดทศนิยมต้องไม่เกิน 7 หลัก"),
    ],
)
def test_an_area_django_refuses_is_explained_in_thai(cast, application, typed, thai):
    state, alerts = save_profile_field(cast.editor_a, application, "area_km2", typed, version="0")

    application.refresh_from_db()
    assert state == "invalid"
    assert alerts == [thai]
    assert application.area_km2 != Decimal(typed)


def test_every_django_message_the_portal_backs_has_thai_with_no_english_words():
    with translation.override("th"):
        for message in django_messages.MESSAGES:
            if isinstance(message, str):
                thai = translation.gettext(message)
            else:  # a lazy plural: render it for 2
                thai = str(message % {"limit_value": 2, "show_value": 1, "max": 2, "length": 3})
            assert thai != message
            assert not LATIN_WORD.search(re.sub(r"%\(\w+\)[sdr]|YYYY|MM|DD|CSRF|null", "", thai)), thai
