"""English mode shows every data label in English and every date in the Common Era; Thai mode the Thai label and the
Buddhist Era. One test per kind of label, on the pages that show it."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications.selectors_submission import receipt_digest
from applications.services import reopen_application, save_value, start_application, submit_application
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.i18n import current_language, localized
from portal.notifications.services import notify
from portal.thai import period_label
from scoring.services import request_cycle_rescore
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture
def cycle():
    return make_cycle(
        code="esc-lang",
        framework=load_shipped_framework("esc-2024"),
        phase=CyclePhase.CALL_OPEN,
        call_opens_on=dt.date(2027, 1, 15),
        submission_deadline=timezone.now() + dt.timedelta(days=30),
    )


@pytest.fixture
def application(cast, cycle):
    """A certificate application in one of the two categories the 2024 framework added."""
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code="UB", by=cast.editor_a
    )


def page(user, url, language):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def shows(user, url, *, english, thai):
    """The English label on the English page and not the Thai one; the Thai label on the Thai page."""
    english_page, thai_page = page(user, url, "en"), page(user, url, "th")
    return (english in english_page, thai in english_page, thai in thai_page)


# ---- labels on pages ---------------------------------------------------------------------------------------------


def test_municipality_name_follows_the_language(cast, application):
    url = reverse("applications:detail", args=[application.pk])

    assert shows(cast.editor_a, url, english="Yala City Municipality", thai="เทศบาลนครยะลา") == (True, False, True)


def test_province_name_follows_the_language(cast):
    municipality = cast.municipality_a
    url = reverse("portal:municipality-detail", args=[municipality.code])

    result = shows(cast.admin, url, english=municipality.province.name_en, thai=municipality.province.name_th)

    assert result == (True, False, True)


def test_cycle_name_follows_the_language(cast, application):
    url = reverse("applications:detail", args=[application.pk])

    assert shows(cast.editor_a, url, english="Test cycle", thai="รอบทดสอบ") == (True, False, True)


def test_framework_name_follows_the_language(cast, cycle):
    url = reverse("indicators:cycle-detail", args=[cycle.code])

    assert shows(cast.admin, url, english=cycle.framework.name_en, thai=cycle.framework.name_th) == (True, False, True)


@pytest.mark.parametrize(
    ("english", "thai"),
    [
        ("Urban Biodiversity and Green Spaces", "ความหลากหลายทางชีวภาพในเมืองและพื้นที่สีเขียว"),
        ("Circular Economy", "เศรษฐกิจหมุนเวียน"),
    ],
)
def test_the_categories_added_in_2024_follow_the_language(cast, application, english, thai):
    url = reverse("applications:list")  # the start form offers every category of the open cycle

    assert shows(cast.editor_a, url, english=english, thai=thai) == (True, False, True)


def test_size_class_follows_the_language(cast, application):
    url = reverse("applications:list")

    assert shows(cast.editor_a, url, english="Small city", thai="เมืองขนาดเล็ก") == (True, False, True)


def test_track_and_phase_follow_the_language(cast, cycle):
    url = reverse("indicators:cycle-detail", args=[cycle.code])
    with translation.override("th"):
        thai_phase = str(CyclePhase.CALL_OPEN.label)

    assert shows(cast.admin, url, english="Call open", thai=thai_phase) == (True, False, True)


def test_unit_follows_the_language(cast, application):
    url = reverse("applications:detail", args=[application.pk])

    assert shows(cast.editor_a, url, english="square metres per person", thai="ตารางเมตร/คน") == (True, False, True)


def test_score_run_reason_follows_the_language(cast, cycle):
    request_cycle_rescore(cycle=cycle, reason="settings: tiers, max_points", by=cast.admin)
    url = reverse("scoring:runs", args=[cycle.code])

    english, thai = page(cast.admin, url, "en"), page(cast.admin, url, "th")

    assert "Cycle settings changed: tiers, points of the top level" in english
    assert "เปลี่ยนการตั้งค่ารอบการประกวด" in thai
    assert "settings: tiers" not in english + thai


def test_province_choices_of_a_conflict_follow_the_language(cast):
    province = cast.municipality_b.province
    url = reverse("portal:conflict-list")

    assert shows(cast.reviewer, url, english=province.name_en, thai=province.name_th) == (True, False, True)


# ---- dates and periods -------------------------------------------------------------------------------------------


def test_dates_are_in_the_common_era_in_english_and_the_buddhist_era_in_thai(cast, cycle):
    url = reverse("indicators:cycle-detail", args=[cycle.code])

    english, thai = page(cast.admin, url, "en"), page(cast.admin, url, "th")

    assert ("15 Jan 2027" in english, "2570" in english) == (True, False)
    assert ("15 ม.ค. 2570" in thai, "15 Jan 2027" in thai) == (True, False)


def test_date_pickers_follow_the_language(cast, cycle):
    url = reverse("indicators:cycle-update", args=[cycle.code])

    english, thai = page(cast.admin, url, "en"), page(cast.admin, url, "th")

    picker = r'<input type="date" name="call_opens_on"[^>]*>'
    assert 'lang="en"' in re.search(picker, english).group(0)
    assert 'lang="th"' in re.search(picker, thai).group(0)


@pytest.mark.parametrize(
    ("typed", "english", "thai"),
    [
        ("ปีงบประมาณ 2568", "fiscal year 2025", "ปีงบประมาณ 2568"),
        ("ปีงบประมาณ พ.ศ. ๒๕๖๘", "fiscal year 2025", "ปีงบประมาณ พ.ศ. ๒๕๖๘"),
        ("พ.ศ. 2567", "2024", "พ.ศ. 2567"),
        ("ปีปฏิทิน 2567", "calendar year 2024", "ปีปฏิทิน 2567"),
        ("ต.ค. 2566 - ก.ย. 2567", "Oct 2023 – Sep 2024", "ต.ค. 2566 - ก.ย. 2567"),
        ("FY2025", "FY2025", "ปีงบประมาณ 2568"),
        ("สำรวจครึ่งปีแรก", "สำรวจครึ่งปีแรก", "สำรวจครึ่งปีแรก"),  # free text stays as typed
    ],
)
def test_period_label_reads_common_periods_in_the_language(typed, english, thai):
    assert (period_label(typed, language="en"), period_label(typed, language="th")) == (english, thai)


# ---- the helper and e-mail ---------------------------------------------------------------------------------------


def test_localized_picks_the_field_of_the_active_language_and_falls_back_to_thai(cast):
    municipality = cast.municipality_a
    municipality.full_name_en = ""

    with translation.override("en"):
        language, english, empty = (
            current_language(),
            localized(cast.municipality_b, "full_name"),
            localized(municipality, "full_name"),
        )
    with translation.override("th"):
        thai = localized(cast.municipality_b, "full_name")

    assert (language, english, empty, thai) == ("en", "Hat Yai City Municipality", "เทศบาลนครยะลา", "เทศบาลนครหาดใหญ่")


def test_shipped_municipalities_have_their_official_english_names():
    from portal.municipality_data import read_municipality_rows

    names = {row.full_name_th: row.full_name_en for row in read_municipality_rows()}

    assert names["เทศบาลนครยะลา"] == "Yala City Municipality"
    assert names["เทศบาลเมืองกระบี่"] == "Krabi Town Municipality"
    assert names["กรุงเทพมหานคร"] == "Bangkok Metropolitan Administration"
    assert names["เมืองพัทยา"] == "Pattaya City"
    assert all(name and not THAI.search(name) for name in names.values())


@pytest.mark.parametrize(
    ("language", "name", "cycle_name", "date"),
    [
        ("en", "Yala City Municipality", "Test cycle", "12 May 2027 10:30"),
        ("th", "เทศบาลนครยะลา", "รอบทดสอบ", "12 พ.ค. 2570 10:30"),
    ],
)
def test_a_mail_names_records_and_dates_in_the_recipients_language(
    cast, application, django_capture_on_commit_callbacks, language, name, cycle_name, date
):
    submitted_at = dt.datetime(2027, 5, 12, 3, 30, tzinfo=dt.UTC)  # 10:30 in Bangkok

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="application_receipt",
            to=["a@example.go.th"],
            language=language,
            context={
                "municipality": cast.municipality_a,
                "cycle": application.cycle,
                "application": application,
                "submitted_at": submitted_at,
                "digest": "0" * 64,
                "signatory": "A",
            },
        )

    (message,) = mail.outbox
    assert name in message.subject
    assert (f"{name} · esc-lang · UB" in message.body, cycle_name in message.body, date in message.body) == (
        True,
        True,
        True,
    )


def test_each_recipient_gets_a_mail_in_the_language_of_their_account(
    cast, application, django_capture_on_commit_callbacks
):
    cast.editor_a.preferred_language = "en"
    cast.editor_a.save(update_fields=["preferred_language"])
    application = submit_application(
        application=application, by=cast.signatory_a, confirmed_digest=receipt_digest(application)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reopen_application(application=application, by=cast.admin, reason="แก้ไขค่า CA-01")

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(cast.editor_a.email,), (cast.signatory_a.email,)}
    english, thai = by_recipient[(cast.editor_a.email,)], by_recipient[(cast.signatory_a.email,)]
    assert not THAI.search(english.subject)
    assert cast.municipality_a.full_name_en in english.body
    assert THAI.search(thai.subject)
    assert cast.municipality_a.full_name_th in thai.body


@pytest.mark.parametrize(("language", "marked"), [("en", True), ("th", False)])
def test_typed_thai_on_a_web_page_is_marked_as_thai_in_english_mode(language, marked):
    with translation.override(language):
        rendered = Template('{{ source|typed }}|{{ note|typed:"lines" }}|{{ latin|typed }}').render(
            Context({"source": "กองสาธารณสุข <b>", "note": "บรรทัด 1\nบรรทัด 2", "latin": "PCD report"})
        )

    source, note, latin = rendered.split("|")
    assert "&lt;b&gt;" in source  # always escaped
    assert source.startswith('<span lang="th">') is marked
    assert note.startswith('<span lang="th">') is marked
    assert "<br>" in note
    assert latin == "PCD report"


def test_the_application_page_marks_a_typed_thai_source_in_english_mode(cast, application):
    indicator = Indicator.objects.filter(framework_id=application.cycle.framework_id, area__code="UB").first()
    save_value(
        application=application,
        indicator=indicator,
        by=cast.editor_a,
        changes={"source": "กองสาธารณสุขและสิ่งแวดล้อม"},
        expected_version=None,
    )
    url = reverse("applications:detail", args=[application.pk])

    assert '<span lang="th">กองสาธารณสุขและสิ่งแวดล้อม</span>' in page(cast.admin, url, "en")
    assert '<span lang="th">' not in page(cast.admin, url, "th")
