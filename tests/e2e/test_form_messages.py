"""The browser's own validation bubbles give way to the portal's messages, in the page's language."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from portal.enums import RegistrationStatus, Role
from portal.models import OfficerRegistration
from portal.services import VERIFY_SALT, register_officer, verify_registration_email
from tests.factories.portal import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _focused_page(page):
    """These tests read where focus is: their tab must be the browser's focused one (other tests leave tabs open)."""
    page.bring_to_front()


def point_at(page, frame):
    """Puts the pointer over the frame, and makes sure the page knows it.

    The page learns that the pointer is over a frame when the pointer enters it: a letter that finishes loading under
    a pointer already there is never entered (as for a user whose pointer rests on it). Enter it again until it is.
    """
    for _ in range(10):
        page.mouse.move(0, 0)
        frame.hover()
        if frame.evaluate("frame => frame.matches(':hover')"):
            return
        page.wait_for_timeout(100)
    pytest.fail("The page never saw the pointer over the frame.")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def registration(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    registration = register_officer(
        email="somsri@yala.go.th",
        full_name="สมศรี ใจดี",
        position="นักวิชาการสิ่งแวดล้อม",
        phone="073 212 345",
        municipality=cast.municipality_a,
        requested_role=Role.EDITOR,
        password="mangosteen-harvest-2569",
        authorisation_letter=SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf"),
        site_url="http://testserver",
    )
    return verify_registration_email(token=signing.dumps(registration.pk, salt=VERIFY_SALT))


def log_in_as_admin(page: Page, base_url: str, email: str, language: str) -> None:
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("home-heading")).to_be_visible()


@pytest.mark.parametrize(
    ("language", "message", "reject"),
    [("th", "กรุณากรอกช่องนี้", "ไม่อนุมัติ"), ("en", "Fill in this field.", "Reject")],
)
def test_an_empty_required_field_is_explained_under_it_in_the_page_s_language(
    live_server, page, cast, registration, language, message, reject
):
    log_in_as_admin(page, live_server.url, cast.admin.email, language)
    detail = f"{live_server.url}{reverse('portal:registration-detail', args=[registration.pk])}"
    page.goto(detail)

    page.get_by_role("button", name=reject, exact=True).click()

    reason = page.locator("textarea[name=reason]")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    error = page.locator("#client-error-id_reason")
    expect(error).to_have_text(message)
    assert error.get_attribute("id") in reason.get_attribute("aria-describedby").split()
    assert page.url == detail  # nothing was sent
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL

    # Typing clears the message; the form then goes through.
    reason.fill("หนังสือมอบอำนาจไม่มีลายมือชื่อ")
    expect(error).to_have_count(0)
    assert reason.get_attribute("aria-invalid") is None
    page.get_by_role("button", name=reject, exact=True).click()
    expect(page.locator(".alert").first).to_be_visible()
    assert OfficerRegistration.objects.get(pk=registration.pk).status == RegistrationStatus.REJECTED


def test_the_letter_preview_does_not_take_the_focus_from_the_decision_form(live_server, page, cast, registration):
    # Chromium's PDF viewer takes the focus when the letter finishes loading; here the frame is focused by script, as
    # the viewer does, while the admin is in the reason field: the focus comes back. With the pointer over the
    # letter (the admin clicking into it), it stays there.
    log_in_as_admin(page, live_server.url, cast.admin.email, "th")
    page.goto(f"{live_server.url}{reverse('portal:registration-detail', args=[registration.pk])}")
    reason = page.locator("textarea[name=reason]")
    reason.focus()

    page.evaluate("document.querySelector('iframe.letter-preview').focus()")

    expect(reason).to_be_focused()
    point_at(page, page.locator("iframe.letter-preview"))
    page.evaluate("document.querySelector('iframe.letter-preview').focus()")
    page.wait_for_timeout(200)  # the check runs on the next turn of the event loop
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
