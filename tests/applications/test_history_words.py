"""The history page names what changed in words of the reader's language, never the stored key."""

from datetime import timedelta

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import ValueChange
from applications.services import save_profile, save_value, start_application
from applications.services_evidence import upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
KEYS = {"number", "source", "evidence", "population", "flag", "level", "text"}


@pytest.fixture
def application(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cycle = make_cycle(code="esc-w", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=9))
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    ca01 = Indicator.objects.get(framework_id=cycle.framework_id, code="CA-01")
    save_value(
        application=application,
        indicator=ca01,
        by=cast.editor_a,
        changes={"value": "80", "source": "สำนักงานสิ่งแวดล้อมภาค 12"},
        expected_version=None,
    )
    upload_evidence(
        application=application,
        indicator=ca01,
        file=SimpleUploadedFile("รายงาน.pdf", PDF, content_type="application/pdf"),
        by=cast.editor_a,
    )
    save_profile(application=application, by=cast.editor_a, changes={"population": 46100}, expected_version=None)
    return application


def field_column(user, application, language):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("applications:history", args=[application.pk]))
    page = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))
    return ["".join(cell.etree_element.itertext()).strip() for cell in page.query_all("tbody tr td:nth-child(4)")]


def test_history_in_english_names_the_fields_in_words(cast, application):
    assert set(ValueChange.objects.values_list("field", flat=True)) == {"number", "source", "evidence", "population"}

    fields = field_column(cast.editor_a, application, "en")

    assert sorted(fields) == ["Evidence file", "Registered population", "Source", "Value"]


def test_history_in_thai_names_the_fields_in_thai(cast, application):
    fields = field_column(cast.editor_a, application, "th")

    assert len(fields) == 4
    assert not KEYS & set(fields)
    assert all(any("\u0e00" <= char <= "\u0e7f" for char in field) for field in fields), fields


def test_a_yes_no_answer_reads_in_the_reader_s_language(cast, application):
    change = ValueChange(field="flag", old="", new="yes", indicator_id=1)

    with translation.override("en"):
        assert (change.field_label, change.new_display) == ("yes / no", "yes")
    with translation.override("th"):
        assert change.new_display not in ("yes", "")
