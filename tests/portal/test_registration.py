import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from axes.utils import reset as reset_axes
from django.contrib.auth.hashers import check_password
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from portal.enums import RegistrationStatus, Role
from portal.models import Invitation, Municipality, MunicipalityCorrection, OfficerRegistration, ReviewerConflict, User
from portal.municipality_data import read_municipality_rows
from portal.services import (
    INVITE_SALT,
    LETTER_MAX_BYTES,
    VERIFY_SALT,
    approve_registration,
    declare_conflict,
    register_officer,
    reject_registration,
    set_user_active,
    verify_registration_email,
)
from portal.services_municipalities import correct_municipality, load_municipalities
from tests.factories.portal import TEST_PASSWORD, MunicipalityFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

OFFICER_EMAIL = "somsri@yala.go.th"
OFFICER_PASSWORD = "mangosteen-harvest-2569"
# 10:20 in Bangkok: 40 minutes before the hourly rate-limit window ends.
MONDAY_MORNING = datetime(2026, 3, 2, 3, 20, tzinfo=UTC)


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), color=(0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = _pdf_bytes()
PNG = _png_bytes()


@pytest.fixture(autouse=True)
def _clean_slate(db, settings, tmp_path):
    """Rate-limit counters (Redis) and axes records outlive a test; uploads go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    reset_axes()
    yield
    cache.clear()


@pytest.fixture
def en_client(client):
    """A client that chose English, so that assertions can use the msgids."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """E-mails leave after commit; run those callbacks at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def th(message: str, **values: str) -> str:
    """The Thai rendering of an e-mail subject (the officers' language), whatever the catalogue holds today."""
    with translation.override("th"):
        text = translation.gettext(message)
    return text % values if values else text


def letter(content: bytes = PDF, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(chosen: Municipality, **overrides: object) -> dict[str, object]:
    return {
        "municipality": f"{chosen.code} {chosen.full_name_th}",
        "municipality_code": chosen.code,
        "requested_role": Role.EDITOR,
        "full_name": "สมศรี ใจดี",
        "position": "นักวิชาการสิ่งแวดล้อม",
        "email": OFFICER_EMAIL,
        "phone": "073 212 345",
        "password": OFFICER_PASSWORD,
        "authorisation_letter": letter(),
        **overrides,
    }


def register(municipality: Municipality, **overrides: Any) -> OfficerRegistration:
    values: dict[str, Any] = {
        "email": OFFICER_EMAIL,
        "full_name": "สมศรี ใจดี",
        "position": "นักวิชาการสิ่งแวดล้อม",
        "phone": "073 212 345",
        "municipality": municipality,
        "requested_role": Role.EDITOR,
        "password": OFFICER_PASSWORD,
        "authorisation_letter": letter(),
        "site_url": "http://testserver",
    }
    return register_officer(**{**values, **overrides})


def awaiting(municipality: Municipality, **overrides: object) -> OfficerRegistration:
    registration = register(municipality, **overrides)
    return verify_registration_email(token=signing.dumps(registration.pk, salt=VERIFY_SALT))


def link_path(message: mail.EmailMessage) -> str:
    [link] = [line for line in message.body.splitlines() if line.startswith("http://testserver/")]
    return link.removeprefix("http://testserver")


def stored_files(settings) -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def form_errors(response) -> dict[str, list[str]]:
    """The form's errors in English (lazy messages are translated when read, after the request ended)."""
    with translation.override("en"):
        return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def messages_on(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def log_in(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def login_redirect(path: str) -> str:
    return f"{reverse('login')}?next={path}"


# Registration -------------------------------------------------------------------------------------------


def test_register_view_records_an_unverified_request_and_emails_a_link(en_client, cast, on_commit, settings):
    data = form_data(cast.municipality_a, authorisation_letter=letter(name="C:\\scans\\หนังสือมอบอำนาจ.pdf"))

    with on_commit():
        response = en_client.post(reverse("portal:register"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:register-sent")
    registration = OfficerRegistration.objects.get()
    assert (registration.status, registration.email, registration.municipality, registration.requested_role) == (
        RegistrationStatus.UNVERIFIED,
        OFFICER_EMAIL,
        cast.municipality_a,
        Role.EDITOR,
    )
    assert check_password(OFFICER_PASSWORD, registration.password_hash) is True
    assert registration.authorisation_letter_name == "หนังสือมอบอำนาจ.pdf"
    assert registration.authorisation_letter_sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored_files(settings) == [Path(registration.authorisation_letter.path)]
    assert Path(registration.authorisation_letter.path).read_bytes() == PDF
    assert [message.to for message in mail.outbox] == [[OFFICER_EMAIL]]
    assert mail.outbox[0].subject == th("Confirm your e-mail address for the ESC Award Portal")
    assert re.fullmatch(r"/register/verify/[\w:-]+/", link_path(mail.outbox[0]))


def test_register_sent_page_names_the_address(en_client, cast):
    response = en_client.post(reverse("portal:register"), form_data(cast.municipality_a), follow=True)

    assert response.redirect_chain == [(reverse("portal:register-sent"), 302)]
    assert (
        f"We sent a link to {OFFICER_EMAIL}. Open it within 3 days to confirm your address; "
        "then an administrator reviews your request."
    ) in response.content.decode()


def test_register_page_is_public(client):
    response = client.get(reverse("portal:register"))

    assert response.status_code == 200
    assert response.templates[0].name == "portal/register.html"


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_verification_link_confirms_the_address_and_tells_the_active_admins(client, cast, on_commit):
    UserFactory(admin=True, email="second.admin@example.go.th")
    UserFactory(admin=True, email="retired.admin@example.go.th", is_active=False)
    with on_commit():
        registration = register(cast.municipality_a)
    path = link_path(mail.outbox[0])

    with on_commit():
        response = client.get(path)

    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL
    assert registration.email_verified_at == MONDAY_MORNING
    # One e-mail per admin, each in their own language.
    assert [message.to for message in mail.outbox[1:]] == [["admin@example.go.th"], ["second.admin@example.go.th"]]
    assert mail.outbox[1].subject == th(
        "New officer registration: %(municipality)s", municipality=cast.municipality_a.full_name_th
    )


def test_verification_link_clicked_twice_is_harmless(client, cast, on_commit):
    with on_commit():
        registration = register(cast.municipality_a)
    path = link_path(mail.outbox[0])
    with on_commit():
        client.get(path)
    first_verified_at = OfficerRegistration.objects.get().email_verified_at

    with on_commit():
        response = client.get(path)

    assert response.status_code == 200
    registration.refresh_from_db()
    assert (registration.status, registration.email_verified_at) == (
        RegistrationStatus.AWAITING_APPROVAL,
        first_verified_at,
    )
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda pk: "forged", id="garbage"),
        pytest.param(lambda pk: signing.dumps(pk, salt=VERIFY_SALT)[:-2] + "xx", id="tampered-signature"),
        pytest.param(lambda pk: signing.dumps(pk, salt=INVITE_SALT), id="invitation-token"),
        pytest.param(lambda pk: signing.dumps(pk + 1000, salt=VERIFY_SALT), id="unknown-request"),
    ],
)
def test_verification_link_that_is_forged_gives_an_error_page(en_client, cast, make_token):
    registration = register(cast.municipality_a)

    response = en_client.get(reverse("portal:register-verify", args=[make_token(registration.pk)]))

    assert response.status_code == 400
    assert '<div class="alert alert-warning" role="alert">This link is not valid.</div>' in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNVERIFIED


def test_verification_link_older_than_three_days_has_expired(en_client, cast, on_commit):
    with time_machine.travel(MONDAY_MORNING, tick=False), on_commit():
        registration = register(cast.municipality_a)
    path = link_path(mail.outbox[0])

    with time_machine.travel(MONDAY_MORNING + timedelta(days=3, seconds=1), tick=False):
        response = en_client.get(path)

    assert response.status_code == 400
    assert (
        '<div class="alert alert-warning" role="alert">This link has expired. Register again.</div>'
        in response.content.decode()
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNVERIFIED


def test_verification_link_still_works_just_before_three_days(client, cast, on_commit):
    with time_machine.travel(MONDAY_MORNING, tick=False), on_commit():
        registration = register(cast.municipality_a)
    path = link_path(mail.outbox[0])

    with time_machine.travel(MONDAY_MORNING + timedelta(days=3, seconds=-1), tick=False):
        response = client.get(path)

    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL


def test_register_refuses_a_png_named_pdf_and_stores_nothing(en_client, cast, settings):
    data = form_data(cast.municipality_a, authorisation_letter=letter(PNG, name="letter.pdf"))

    response = en_client.post(reverse("portal:register"), data)

    assert response.status_code == 200
    assert form_errors(response) == {"authorisation_letter": ["The authorisation letter must be a PDF file."]}
    assert OfficerRegistration.objects.count() == 0
    assert stored_files(settings) == []
    assert mail.outbox == []


def test_register_refuses_a_letter_over_10_mb(en_client, cast, settings):
    oversized = b"%PDF-1.4\n" + b"0" * LETTER_MAX_BYTES
    data = form_data(cast.municipality_a, authorisation_letter=letter(oversized))

    response = en_client.post(reverse("portal:register"), data)

    assert response.status_code == 200
    assert form_errors(response) == {
        "authorisation_letter": ["The letter is larger than 10 MB. Scan it at a lower resolution."]
    }
    assert OfficerRegistration.objects.count() == 0
    assert stored_files(settings) == []


def test_register_officer_accepts_a_letter_of_exactly_10_mb(cast):
    exactly = b"%PDF-1.4\n" + b"0" * (LETTER_MAX_BYTES - 9)

    registration = register(cast.municipality_a, authorisation_letter=letter(exactly))

    assert registration.authorisation_letter.size == LETTER_MAX_BYTES


def test_register_refuses_an_address_that_already_has_an_account(en_client, cast):
    data = form_data(cast.municipality_a, email="Editor.A@Example.go.th")

    response = en_client.post(reverse("portal:register"), data)

    assert response.status_code == 200
    assert form_errors(response) == {
        "email": ["An account with this e-mail address already exists. Log in or reset the password."]
    }
    assert OfficerRegistration.objects.count() == 0


def test_register_refuses_a_second_open_request_with_the_same_address(en_client, cast):
    first = register(cast.municipality_a)

    response = en_client.post(reverse("portal:register"), form_data(cast.municipality_b, email=OFFICER_EMAIL.upper()))

    assert response.status_code == 200
    assert form_errors(response) == {
        "email": ["A request with this e-mail address is already waiting. Check your e-mail."]
    }
    assert list(OfficerRegistration.objects.all()) == [first]


def test_register_accepts_a_new_request_after_a_rejection(cast):
    rejected = reject_registration(registration=awaiting(cast.municipality_a), by=cast.admin, reason="Unsigned.")

    again = register(cast.municipality_a)

    assert sorted(OfficerRegistration.objects.values_list("pk", "status")) == [
        (rejected.pk, RegistrationStatus.REJECTED),
        (again.pk, RegistrationStatus.UNVERIFIED),
    ]


WEAK_PASSWORD_MESSAGES = [
    "This password is too short. It must contain at least 10 characters.",
    "This password is too common.",
    "This password is entirely numeric.",
]


def test_register_refuses_a_weak_password_with_djangos_messages(en_client, cast, settings):
    response = en_client.post(reverse("portal:register"), form_data(cast.municipality_a, password="12345678"))

    assert response.status_code == 200
    errors = form_errors(response)
    assert [message for messages in errors.values() for message in messages] == WEAK_PASSWORD_MESSAGES
    assert OfficerRegistration.objects.count() == 0
    assert stored_files(settings) == []


def test_register_shows_a_weak_password_error_on_the_password_field(en_client, cast):
    response = en_client.post(reverse("portal:register"), form_data(cast.municipality_a, password="12345678"))

    assert form_errors(response) == {"password": WEAK_PASSWORD_MESSAGES}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        pytest.param("เทศบาลนครที่ไม่มีอยู่จริง", "", id="unknown-text"),
        pytest.param("ยะลา", "", id="typed-but-not-picked"),
        pytest.param("9599 เทศบาลนครยะลา", "000000", id="unknown-code"),
    ],
)
def test_register_refuses_a_municipality_not_picked_from_the_list(en_client, cast, typed, code):
    data = form_data(cast.municipality_a, municipality=typed, municipality_code=code)

    response = en_client.post(reverse("portal:register"), data)

    assert response.status_code == 200
    assert form_errors(response) == {"municipality": ["Choose your municipality from the list."]}
    assert OfficerRegistration.objects.count() == 0


# Approval and rejection ------------------------------------------------------------------------------------


def test_approve_registration_creates_an_active_officer_who_logs_in_with_the_chosen_password(client, cast, on_commit):
    registration = awaiting(cast.municipality_b, requested_role=Role.SIGNATORY)

    with on_commit():
        user = approve_registration(registration=registration, by=cast.admin)
    response = log_in(client, OFFICER_EMAIL, OFFICER_PASSWORD)

    user.refresh_from_db()
    assert (user.email, user.full_name, user.role, user.municipality, user.is_active) == (
        OFFICER_EMAIL,
        "สมศรี ใจดี",
        Role.SIGNATORY,
        cast.municipality_b,
        True,
    )
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by, registration.user) == (
        RegistrationStatus.APPROVED,
        cast.admin,
        user,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [message.to for message in mail.outbox] == [[OFFICER_EMAIL]]
    assert mail.outbox[0].subject == th("Your ESC Award Portal account is approved")
    assert mail.outbox[0].body.splitlines()[0] == "เรียน คุณสมศรี ใจดี"


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [("นางสมศรี ใจดี", "เรียน นางสมศรี ใจดี"), ("ดร.สมศรี ใจดี", "เรียน ดร.สมศรี ใจดี")],
)
def test_approval_mail_greets_a_titled_name_without_a_second_honorific(cast, on_commit, full_name, greeting):
    registration = awaiting(cast.municipality_b, full_name=full_name)
    mail.outbox.clear()

    with on_commit():
        approve_registration(registration=registration, by=cast.admin)

    assert mail.outbox[0].body.splitlines()[0] == greeting


def test_approve_view_lets_the_admin_approve_a_signatory_request_as_an_editor(en_client, cast, on_commit):
    registration = awaiting(cast.municipality_a, requested_role=Role.SIGNATORY)
    en_client.force_login(cast.admin)

    with on_commit():
        response = en_client.post(
            reverse("portal:registration-decide", args=[registration.pk, "approve"]), {"role": Role.EDITOR}, follow=True
        )

    assert response.redirect_chain == [(reverse("portal:registration-list"), 302)]
    assert messages_on(response) == ["สมศรี ใจดี can now log in."]
    assert User.objects.get(email=OFFICER_EMAIL).role == Role.EDITOR


def test_approve_registration_refuses_a_second_active_signatory(cast):
    registration = awaiting(cast.municipality_a, requested_role=Role.SIGNATORY)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        approve_registration(registration=registration, by=cast.admin)

    assert error.value.messages == [
        "Yala City Municipality already has an active signatory. Approve this officer as an editor instead."
    ]
    assert User.objects.filter(email=OFFICER_EMAIL).exists() is False
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL


def test_approve_view_shows_the_signatory_message_and_creates_no_user(en_client, cast):
    registration = awaiting(cast.municipality_a, requested_role=Role.SIGNATORY)
    en_client.force_login(cast.admin)
    detail = reverse("portal:registration-detail", args=[registration.pk])

    response = en_client.post(
        reverse("portal:registration-decide", args=[registration.pk, "approve"]),
        {"role": Role.SIGNATORY},
        follow=True,
    )

    assert response.redirect_chain == [(detail, 302)]
    assert messages_on(response) == [
        "Yala City Municipality already has an active signatory. Approve this officer as an editor instead."
    ]
    assert User.objects.filter(email=OFFICER_EMAIL).exists() is False


def test_approve_registration_twice_is_refused(cast):
    registration = awaiting(cast.municipality_b)
    approve_registration(registration=registration, by=cast.admin)
    users_before = User.objects.count()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        approve_registration(registration=registration, by=cast.admin)

    assert error.value.messages == ["This request is “Approved” and cannot be decided now."]
    assert User.objects.count() == users_before


def test_approve_registration_refuses_a_request_whose_address_is_not_verified(cast):
    registration = register(cast.municipality_b)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        approve_registration(registration=registration, by=cast.admin)

    assert error.value.messages == ["This request is “E-mail not yet verified” and cannot be decided now."]


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_registration_requires_a_reason(cast, reason):
    registration = awaiting(cast.municipality_a)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        reject_registration(registration=registration, by=cast.admin, reason=reason)

    assert error.value.message_dict == {"reason": ["Give the reason for the rejection; the officer receives it."]}
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL


def test_reject_registration_emails_the_reason_to_the_officer(cast, on_commit):
    registration = awaiting(cast.municipality_a)

    with on_commit():
        reject_registration(registration=registration, by=cast.admin, reason="  หนังสือมอบอำนาจไม่มีลายมือชื่อนายกเทศมนตรี  ")

    registration.refresh_from_db()
    assert (registration.status, registration.decided_by, registration.decision_reason) == (
        RegistrationStatus.REJECTED,
        cast.admin,
        "หนังสือมอบอำนาจไม่มีลายมือชื่อนายกเทศมนตรี",
    )
    assert [message.to for message in mail.outbox] == [[OFFICER_EMAIL]]
    assert mail.outbox[0].subject == th("Your ESC Award Portal registration was not approved")
    assert "หนังสือมอบอำนาจไม่มีลายมือชื่อนายกเทศมนตรี" in mail.outbox[0].body.splitlines()


def test_reject_view_without_a_reason_keeps_the_request_open(en_client, cast):
    registration = awaiting(cast.municipality_a)
    en_client.force_login(cast.admin)

    response = en_client.post(
        reverse("portal:registration-decide", args=[registration.pk, "reject"]), {"reason": ""}, follow=True
    )

    assert response.redirect_chain == [(reverse("portal:registration-detail", args=[registration.pk]), 302)]
    assert messages_on(response) == ["Give the reason for the rejection; the officer receives it."]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL


def test_registration_detail_shows_the_letter_preview_and_the_signatory_warning(en_client, cast):
    registration = awaiting(cast.municipality_a, requested_role=Role.SIGNATORY)
    en_client.force_login(cast.admin)
    letter_url = reverse("portal:registration-letter", args=[registration.pk])

    response = en_client.get(reverse("portal:registration-detail", args=[registration.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<iframe class="letter-preview" title="Authorisation letter" src="{letter_url}"></iframe>' in content
    assert (
        f"{cast.signatory_a.full_name} is already the active signatory of this municipality. "
        "Approve this officer as an editor, or deactivate the current signatory first."
    ) in content


def test_registration_letter_is_served_inline_to_admins(client, cast):
    registration = awaiting(cast.municipality_a, authorisation_letter=letter(name="หนังสือ.pdf"))
    client.force_login(cast.admin)

    response = client.get(reverse("portal:registration-letter", args=[registration.pk]))
    content = b"".join(response.streaming_content)
    response.close()

    assert response.status_code == 200
    assert content == PDF
    assert (response["Content-Type"], response["X-Content-Type-Options"], response["Cache-Control"]) == (
        "application/pdf",
        "nosniff",
        "private, no-store",
    )
    assert (
        response["Content-Disposition"]
        == "inline; filename*=utf-8''%E0%B8%AB%E0%B8%99%E0%B8%B1%E0%B8%87%E0%B8%AA%E0%B8%B7%E0%B8%AD.pdf"
    )


def test_registration_letter_may_be_framed_by_the_portals_own_pages(client, cast):
    registration = awaiting(cast.municipality_a)
    client.force_login(cast.admin)

    response = client.get(reverse("portal:registration-letter", args=[registration.pk]))
    response.close()

    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("role", ["editor_a", "signatory_a", "reviewer"])
@pytest.mark.parametrize("page", ["registration-list", "registration-detail", "registration-letter"])
def test_registration_pages_are_for_admins_only(client, cast, role, page):
    registration = awaiting(cast.municipality_a)
    client.force_login(cast.by_name(role))
    args = [] if page == "registration-list" else [registration.pk]

    response = client.get(reverse(f"portal:{page}", args=args))

    assert response.status_code == 403


def test_registration_decision_is_for_admins_only(client, cast):
    registration = awaiting(cast.municipality_a)
    client.force_login(cast.signatory_a)

    response = client.post(reverse("portal:registration-decide", args=[registration.pk, "approve"]))

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_APPROVAL


def test_registration_list_sends_anonymous_visitors_to_login(client):
    path = reverse("portal:registration-list")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == login_redirect(path)


def test_registration_list_shows_requests_awaiting_approval(en_client, cast):
    waiting = awaiting(cast.municipality_a)
    register(cast.municipality_b, email="unverified@hatyai.go.th")
    en_client.force_login(cast.admin)

    response = en_client.get(reverse("portal:registration-list"))

    assert response.status_code == 200
    assert list(response.context["registrations"]) == [waiting]


@pytest.mark.parametrize("rows", [1, 3])
def test_registration_list_query_count_is_constant(client, cast, django_assert_num_queries, rows):
    for number in range(rows):
        awaiting(cast.municipality_a, email=f"officer{number}@yala.go.th")
    client.force_login(cast.admin)

    with django_assert_num_queries(8):  # 7, and the header's unread notifications
        response = client.get(reverse("portal:registration-list"))

    assert len(response.context["registrations"]) == rows


# Invitations --------------------------------------------------------------------------------------------------


def test_signatory_invites_an_editor_by_email(en_client, cast, on_commit):
    en_client.force_login(cast.signatory_a)
    code = cast.municipality_a.code

    with on_commit():
        response = en_client.post(
            reverse("portal:invite-editor", args=[code]), {"email": "Colleague@Yala.go.th"}, follow=True
        )

    assert response.redirect_chain == [(reverse("portal:municipality-detail", args=[code]), 302)]
    assert messages_on(response) == ["Invitation sent to colleague@yala.go.th."]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.municipality, invitation.invited_by) == (
        "colleague@yala.go.th",
        cast.municipality_a,
        cast.signatory_a,
    )
    assert [message.to for message in mail.outbox] == [["colleague@yala.go.th"]]
    assert mail.outbox[0].subject == th(
        "Invitation to the ESC Award Portal for %(municipality)s", municipality="เทศบาลนครยะลา"
    )
    assert re.fullmatch(r"/invitations/[\w:-]+/", link_path(mail.outbox[0]))


@pytest.mark.parametrize(
    ("role", "municipality", "status"),
    [
        pytest.param("editor_a", "municipality_a", 403, id="editor-of-a"),
        pytest.param("reviewer", "municipality_a", 403, id="reviewer"),
        pytest.param("admin", "municipality_a", 403, id="admin"),
        pytest.param("signatory_a", "municipality_b", 404, id="signatory-of-a-on-b"),
    ],
)
def test_only_the_signatory_of_the_municipality_may_invite(client, cast, role, municipality, status):
    client.force_login(cast.by_name(role))
    code = getattr(cast, municipality).code

    response = client.post(reverse("portal:invite-editor", args=[code]), {"email": "colleague@example.go.th"})

    assert response.status_code == status
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_invite_editor_sends_anonymous_visitors_to_login(client, cast):
    path = reverse("portal:invite-editor", args=[cast.municipality_a.code])

    response = client.post(path, {"email": "colleague@example.go.th"})

    assert response.status_code == 302
    assert response["Location"] == login_redirect(path)


def test_invite_editor_refuses_an_address_that_already_has_an_account(en_client, cast):
    en_client.force_login(cast.signatory_a)

    response = en_client.post(
        reverse("portal:invite-editor", args=[cast.municipality_a.code]), {"email": cast.editor_b.email}, follow=True
    )

    assert messages_on(response) == [
        "An account with this e-mail address already exists. Log in or reset the password."
    ]
    assert Invitation.objects.count() == 0


def _invite(en_client, cast, on_commit) -> str:
    en_client.force_login(cast.signatory_a)
    with on_commit():
        en_client.post(reverse("portal:invite-editor", args=[cast.municipality_a.code]), {"email": "new@yala.go.th"})
    en_client.logout()
    en_client.cookies["django_language"] = "en"
    return link_path(mail.outbox[0])


def test_invitation_link_creates_an_editor_of_that_municipality_and_logs_them_in(en_client, cast, on_commit):
    path = _invite(en_client, cast, on_commit)
    form_page = en_client.get(path)

    response = en_client.post(
        path,
        {"full_name": "วิชัย ขยัน", "position": "นักวิเคราะห์นโยบาย", "phone": "073 000 111", "password": OFFICER_PASSWORD},
        follow=True,
    )

    assert form_page.status_code == 200
    assert (
        "Create your editor account for Yala City Municipality with the address new@yala.go.th."
        in form_page.content.decode()
    )
    user = User.objects.get(email="new@yala.go.th")
    assert (user.full_name, user.role, user.municipality, user.is_active) == (
        "วิชัย ขยัน",
        Role.EDITOR,
        cast.municipality_a,
        True,
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user"] == user
    assert messages_on(response) == ["Welcome. Your editor account is ready."]
    invitation = Invitation.objects.get()
    assert invitation.user == user


def test_invitation_link_used_twice_gives_the_error_page(en_client, cast, on_commit):
    path = _invite(en_client, cast, on_commit)
    en_client.post(
        path, {"full_name": "วิชัย ขยัน", "position": "นักวิเคราะห์", "phone": "073 000 111", "password": OFFICER_PASSWORD}
    )
    en_client.logout()
    en_client.cookies["django_language"] = "en"

    response = en_client.get(path)

    assert response.status_code == 400
    assert (
        '<div class="alert alert-warning" role="alert">This invitation was already used. Log in instead.</div>'
        in response.content.decode()
    )
    assert User.objects.filter(email="new@yala.go.th").count() == 1


@pytest.mark.parametrize("token", ["forged", signing.dumps(1, salt=VERIFY_SALT)], ids=["garbage", "other-salt"])
def test_invitation_link_that_is_forged_gives_the_error_page(en_client, token):
    response = en_client.get(reverse("portal:invitation-accept", args=[token]))

    assert response.status_code == 400
    assert (
        '<div class="alert alert-warning" role="alert">This invitation link is not valid.</div>'
        in response.content.decode()
    )


def test_invitation_link_with_a_weak_password_creates_nothing(en_client, cast, on_commit):
    path = _invite(en_client, cast, on_commit)

    response = en_client.post(
        path, {"full_name": "วิชัย ขยัน", "position": "นักวิเคราะห์", "phone": "073 000 111", "password": "12345678"}
    )

    assert response.status_code == 200
    assert User.objects.filter(email="new@yala.go.th").exists() is False
    assert Invitation.objects.get().accepted_at is None


# Staff accounts and deactivation ----------------------------------------------------------------------------


def test_admin_creates_a_reviewer_who_sets_a_password_from_the_email(en_client, cast, on_commit):
    en_client.force_login(cast.admin)

    with on_commit():
        response = en_client.post(
            reverse("portal:staff-user-create"),
            {"full_name": "ดร. วิภา รักษ์โลก", "email": "Wipa@onep.go.th", "role": Role.REVIEWER},
            follow=True,
        )

    assert response.redirect_chain == [(reverse("portal:user-list"), 302)]
    assert messages_on(response) == ["Account created. wipa@onep.go.th received a link to choose a password."]
    reviewer = User.objects.get(email="wipa@onep.go.th")
    assert (reviewer.role, reviewer.municipality, reviewer.has_usable_password()) == (Role.REVIEWER, None, False)
    assert [message.to for message in mail.outbox] == [["wipa@onep.go.th"]]
    assert mail.outbox[0].subject == th("Your ESC Award Portal account")

    en_client.logout()
    confirm = en_client.get(link_path(mail.outbox[0]), follow=True)
    assert confirm.context["validlink"] is True
    done = en_client.post(
        confirm.redirect_chain[-1][0], {"new_password1": OFFICER_PASSWORD, "new_password2": OFFICER_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    login = log_in(en_client, "wipa@onep.go.th", OFFICER_PASSWORD)
    assert (login.status_code, en_client.session["_auth_user_id"]) == (302, str(reviewer.pk))


@pytest.mark.parametrize("role", ["editor_a", "signatory_a", "reviewer"])
def test_staff_user_create_is_for_admins_only(client, cast, role):
    client.force_login(cast.by_name(role))

    response = client.post(
        reverse("portal:staff-user-create"), {"full_name": "X", "email": "x@example.go.th", "role": Role.ADMIN}
    )

    assert response.status_code == 403
    assert User.objects.filter(email="x@example.go.th").exists() is False


def test_admin_cannot_deactivate_their_own_account(en_client, cast):
    en_client.force_login(cast.admin)

    response = en_client.post(reverse("portal:user-active", args=[cast.admin.pk]), {"active": "0"}, follow=True)

    assert messages_on(response) == ["You cannot deactivate your own account."]
    cast.admin.refresh_from_db()
    assert cast.admin.is_active is True


def test_deactivated_officer_cannot_log_in(en_client, cast):
    admin = Client()
    admin.force_login(cast.admin)
    admin.post(reverse("portal:user-active", args=[cast.editor_a.pk]), {"active": "0"})

    response = log_in(en_client, cast.editor_a.email, TEST_PASSWORD)

    cast.editor_a.refresh_from_db()
    assert cast.editor_a.is_active is False
    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["The e-mail address or password is not correct. Both are case-sensitive."]
    }
    assert "_auth_user_id" not in en_client.session


def test_deactivation_ends_the_officers_open_session(client, cast):
    client.force_login(cast.editor_a)

    set_user_active(user=cast.editor_a, active=False, by=cast.admin)
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == login_redirect("/")


def test_reactivating_a_second_signatory_is_refused(cast):
    set_user_active(user=cast.signatory_a, active=False, by=cast.admin)
    UserFactory(role=Role.SIGNATORY, municipality=cast.municipality_a, email="new.mayor@yala.go.th")

    with translation.override("en"), pytest.raises(ValidationError) as error:
        set_user_active(user=cast.signatory_a, active=True, by=cast.admin)

    assert error.value.messages == ["This municipality already has an active signatory."]
    assert User.objects.get(pk=cast.signatory_a.pk).is_active is False


@pytest.mark.parametrize("role", ["editor_a", "reviewer"])
def test_user_active_is_for_admins_only(client, cast, role):
    client.force_login(cast.by_name(role))

    response = client.post(reverse("portal:user-active", args=[cast.editor_b.pk]), {"active": "0"})

    assert response.status_code == 403
    cast.editor_b.refresh_from_db()
    assert cast.editor_b.is_active is True


@pytest.mark.parametrize("rows", [1, 3])
def test_user_list_query_count_is_constant(client, cast, django_assert_num_queries, rows):
    User.objects.exclude(pk=cast.admin.pk).delete()
    for number in range(rows - 1):
        UserFactory(editor=True, email=f"editor{number}@example.go.th")
    client.force_login(cast.admin)

    with django_assert_num_queries(8):  # 7, and the header's unread notifications
        response = client.get(reverse("portal:user-list"))

    assert len(response.context["users"]) == rows


# Conflicts of interest --------------------------------------------------------------------------------------


def test_reviewer_declares_a_municipality_and_a_province(en_client, cast):
    province = ProvinceFactory(name_th="สงขลา")
    en_client.force_login(cast.reviewer)
    municipality_a = cast.municipality_a

    first = en_client.post(
        reverse("portal:conflict-list"),
        {
            "kind": "municipality",
            "municipality": f"{municipality_a.code} {municipality_a.full_name_th}",
            "reason": "อดีตพนักงาน",
        },
    )
    second = en_client.post(
        reverse("portal:conflict-list"), {"kind": "province", "province": province.pk, "reason": "บ้านเกิด"}
    )

    assert (first.status_code, first["Location"]) == (302, reverse("portal:conflict-list"))
    assert (second.status_code, second["Location"]) == (302, reverse("portal:conflict-list"))
    assert set(
        ReviewerConflict.objects.filter(reviewer=cast.reviewer).values_list("municipality", "province", "reason")
    ) == {(municipality_a.pk, None, "อดีตพนักงาน"), (None, province.pk, "บ้านเกิด")}


def test_a_conflict_covers_every_municipality_of_a_declared_province(cast):
    songkhla = ProvinceFactory(name_th="สงขลา")
    hat_yai = MunicipalityFactory(province=songkhla)
    sadao = MunicipalityFactory(province=songkhla)
    declare_conflict(reviewer=cast.reviewer, province=songkhla, reason="บ้านเกิด")
    declare_conflict(reviewer=cast.reviewer, municipality=cast.municipality_a, reason="อดีตพนักงาน")
    other_reviewer = UserFactory(role=Role.REVIEWER)

    results = {
        "hat_yai": ReviewerConflict.objects.filter(reviewer=cast.reviewer).covering(hat_yai).exists(),
        "sadao": ReviewerConflict.objects.filter(reviewer=cast.reviewer).covering(sadao).exists(),
        "municipality_a": ReviewerConflict.objects.filter(reviewer=cast.reviewer)
        .covering(cast.municipality_a)
        .exists(),
        "municipality_b": ReviewerConflict.objects.filter(reviewer=cast.reviewer)
        .covering(cast.municipality_b)
        .exists(),
        "other_reviewer": ReviewerConflict.objects.filter(reviewer=other_reviewer).covering(hat_yai).exists(),
    }

    assert results == {
        "hat_yai": True,
        "sadao": True,
        "municipality_a": True,
        "municipality_b": False,
        "other_reviewer": False,
    }


def test_declare_conflict_needs_exactly_one_target_and_a_reason(cast):
    with translation.override("en"):
        with pytest.raises(ValidationError) as neither:
            declare_conflict(reviewer=cast.reviewer, reason="x")
        with pytest.raises(ValidationError) as no_reason:
            declare_conflict(reviewer=cast.reviewer, municipality=cast.municipality_a, reason=" ")

    assert neither.value.messages == ["Choose a municipality or a province."]
    assert no_reason.value.message_dict == {"reason": ["Say briefly why, e.g. “former employee”."]}
    assert ReviewerConflict.objects.count() == 0


@pytest.mark.parametrize("role", ["editor_a", "signatory_a"])
def test_conflicts_page_is_closed_to_officers(client, cast, role):
    client.force_login(cast.by_name(role))

    response = client.get(reverse("portal:conflict-list"))

    assert response.status_code == 403


def test_conflicts_page_sends_anonymous_visitors_to_login(client):
    path = reverse("portal:conflict-list")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == login_redirect(path)


def test_reviewer_withdraws_their_own_conflict(client, cast):
    conflict = declare_conflict(reviewer=cast.reviewer, municipality=cast.municipality_a, reason="x")
    client.force_login(cast.reviewer)

    response = client.post(reverse("portal:conflict-withdraw", args=[conflict.pk]))

    assert response.status_code == 302
    assert ReviewerConflict.objects.count() == 0


def test_reviewer_cannot_withdraw_another_reviewers_conflict(client, cast):
    other_reviewer = UserFactory(role=Role.REVIEWER)
    conflict = declare_conflict(reviewer=other_reviewer, municipality=cast.municipality_a, reason="x")
    client.force_login(cast.reviewer)

    response = client.post(reverse("portal:conflict-withdraw", args=[conflict.pk]))

    assert response.status_code == 404
    assert list(ReviewerConflict.objects.all()) == [conflict]


# Municipality correction ------------------------------------------------------------------------------------


@pytest.fixture
def estimated_municipality(cast) -> Municipality:
    Municipality.objects.filter(pk=cast.municipality_a.pk).update(
        population=45_000, population_is_estimate=True, households=18_000, area_km2=Decimal("19.50")
    )
    return Municipality.objects.get(pk=cast.municipality_a.pk)


def correction_form(municipality: Municipality, **overrides: object) -> dict[str, object]:
    return {
        "name_th": municipality.name_th,
        "full_name_th": municipality.full_name_th,
        "name_en": municipality.name_en,
        "full_name_en": municipality.full_name_en,
        "population": municipality.population,
        "population_year": municipality.population_year,
        "households": municipality.households,
        "area_km2": municipality.area_km2,
        "reason": "ทะเบียนราษฎร ธันวาคม 2567",
        **overrides,
    }


def test_admin_corrects_the_population_with_a_logged_reason(en_client, cast, estimated_municipality):
    en_client.force_login(cast.admin)
    code = estimated_municipality.code

    response = en_client.post(
        reverse("portal:municipality-correct", args=[code]),
        correction_form(estimated_municipality, population=61_250),
        follow=True,
    )

    assert response.redirect_chain == [(reverse("portal:municipality-detail", args=[code]), 302)]
    assert messages_on(response) == ["1 field(s) corrected and logged."]
    assert list(
        MunicipalityCorrection.objects.values_list("field", "old_value", "new_value", "reason", "corrected_by")
    ) == [("population", "45000", "61250", "ทะเบียนราษฎร ธันวาคม 2567", cast.admin.pk)]
    estimated_municipality.refresh_from_db()
    assert (estimated_municipality.population, estimated_municipality.population_is_estimate) == (61_250, False)


def test_correcting_only_the_households_keeps_the_population_estimate_flag(en_client, cast, estimated_municipality):
    en_client.force_login(cast.admin)

    en_client.post(
        reverse("portal:municipality-correct", args=[estimated_municipality.code]),
        correction_form(estimated_municipality, households=19_000),
    )

    estimated_municipality.refresh_from_db()
    assert (estimated_municipality.households, estimated_municipality.population_is_estimate) == (19_000, True)


def test_municipality_correction_view_requires_a_reason(en_client, cast, estimated_municipality):
    en_client.force_login(cast.admin)

    response = en_client.post(
        reverse("portal:municipality-correct", args=[estimated_municipality.code]),
        correction_form(estimated_municipality, population=61_250, reason=""),
    )

    assert response.status_code == 200
    assert form_errors(response) == {"reason": ["This field is required."]}
    assert MunicipalityCorrection.objects.count() == 0
    estimated_municipality.refresh_from_db()
    assert estimated_municipality.population == 45_000


def test_correct_municipality_requires_a_reason(cast, estimated_municipality):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        correct_municipality(
            municipality=estimated_municipality, by=cast.admin, changes={"population": 61_250}, reason="  "
        )

    assert error.value.message_dict == {"reason": ["Give the reason for the correction."]}
    estimated_municipality.refresh_from_db()
    assert (estimated_municipality.population, estimated_municipality.population_is_estimate) == (45_000, True)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        pytest.param("reviewer", 403, id="reviewer"),
        pytest.param("editor_a", 403, id="editor-of-a"),
        pytest.param("signatory_a", 403, id="signatory-of-a"),
        pytest.param("editor_b", 404, id="editor-of-b"),
    ],
)
def test_municipality_correction_is_for_admins_only(client, cast, estimated_municipality, role, status):
    client.force_login(cast.by_name(role))
    url = reverse("portal:municipality-correct", args=[estimated_municipality.code])

    get = client.get(url)
    post = client.post(url, correction_form(estimated_municipality, population=1))

    assert (get.status_code, post.status_code) == (status, status)
    assert MunicipalityCorrection.objects.count() == 0


def test_officer_of_b_does_not_see_the_page_of_a(client, cast):
    client.force_login(cast.editor_b)

    response = client.get(reverse("portal:municipality-detail", args=[cast.municipality_a.code]))

    assert response.status_code == 404


def test_municipality_correction_sends_anonymous_visitors_to_login(client, cast):
    path = reverse("portal:municipality-correct", args=[cast.municipality_a.code])

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == login_redirect(path)


# Public municipality search ---------------------------------------------------------------------------------


def options(response) -> list[tuple[str, str]]:
    content = response.content.decode()
    return re.findall(r'data-code="(\d+)".*?<strong>(.*?)</strong>', content, flags=re.DOTALL)


def test_municipality_search_is_public_and_puts_the_exact_thai_name_first(client):
    load_municipalities(rows=read_municipality_rows())

    response = client.get(reverse("portal:municipality-search"), {"municipality": "ยะลา"})

    assert response.status_code == 200
    found = options(response)
    assert found[0] == ("9599", "เทศบาลนครยะลา")
    assert len(found) == 12
    assert set(
        Municipality.objects.filter(code__in=[code for code, _name in found]).values_list(
            "province__name_th", flat=True
        )
    ) == {"ยะลา"}


def test_municipality_search_by_code(client, cast):
    response = client.get(reverse("portal:municipality-search"), {"q": cast.municipality_b.code})

    assert options(response) == [(cast.municipality_b.code, "เทศบาลนครหาดใหญ่")]


@pytest.mark.parametrize("params", [{}, {"municipality": ""}], ids=["no-parameter", "empty"])
def test_municipality_search_with_an_empty_query_returns_no_options(client, cast, params):
    response = client.get(reverse("portal:municipality-search"), params)

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_municipality_search_says_when_nothing_matches(en_client, cast):
    response = en_client.get(reverse("portal:municipality-search"), {"municipality": "ไม่มี"})

    assert response.content.decode().strip() == (
        '<p class="small text-secondary mt-1 mb-0">No municipality matches “ไม่มี”.</p>'
    )


# Rate limits and lockout ------------------------------------------------------------------------------------


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_sixth_registration_post_from_one_address_within_the_hour_is_refused(en_client, cast):
    statuses = [en_client.post(reverse("portal:register"), {}).status_code for _attempt in range(5)]

    sixth = en_client.post(reverse("portal:register"), form_data(cast.municipality_a))
    other_address = en_client.post(reverse("portal:register"), {}, REMOTE_ADDR="10.1.2.3")

    assert statuses == [200] * 5
    assert sixth.status_code == 429
    assert sixth.templates[0].name == "portal/rate_limited.html"
    assert (
        '<div class="alert alert-warning" role="alert" data-testid="rate-limited">Please try again in 40 minutes.</div>'
    ) in sixth.content.decode()
    assert OfficerRegistration.objects.count() == 0
    assert other_address.status_code == 200


def test_registration_rate_limit_opens_again_in_the_next_hour(client, cast):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        for _attempt in range(6):
            client.post(reverse("portal:register"), {})

    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=40), tick=False):
        response = client.post(reverse("portal:register"), {})

    assert response.status_code == 200


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_sixth_password_reset_post_from_one_address_within_the_hour_is_refused(en_client, cast):
    statuses = [
        en_client.post(reverse("password_reset"), {"email": "nobody@example.go.th"}).status_code
        for _attempt in range(5)
    ]

    sixth = en_client.post(reverse("password_reset"), {"email": cast.editor_a.email})

    assert statuses == [302] * 5
    assert sixth.status_code == 429
    assert "Please try again in 40 minutes." in sixth.content.decode()
    assert mail.outbox == []


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_rate_limited_page_in_thai(client, cast):
    for _attempt in range(5):
        client.post(reverse("portal:register"), {})

    response = client.post(reverse("portal:register"), {})

    assert response.status_code == 429
    assert response["Content-Language"] == "th"
    content = response.content.decode()
    assert '<h1 class="h3">ดำเนินการหลายครั้งเกินไป</h1>' in content
    assert (
        '<div class="alert alert-warning" role="alert" data-testid="rate-limited">โปรดลองใหม่อีกครั้งในอีก 40 นาที</div>'
    ) in content


def _fail_five_times(client, email: str) -> list[int]:
    return [log_in(client, email, "wrong-password-123").status_code for _attempt in range(5)]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(en_client, cast):
    _fail_five_times(en_client, cast.editor_a.email)

    response = log_in(en_client, cast.editor_a.email, TEST_PASSWORD)

    assert "_auth_user_id" not in en_client.session
    assert response.status_code == 429
    assert (
        "Too many wrong passwords. For your security, log-in with this account is locked. "
        "Try again after 10:35 (in about 15 minutes)."
    ) in response.content.decode()


def test_lockout_ends_after_fifteen_minutes(client, cast):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        _fail_five_times(client, cast.editor_a.email)

    with time_machine.travel(MONDAY_MORNING + timedelta(minutes=15, seconds=1), tick=False):
        response = log_in(client, cast.editor_a.email, TEST_PASSWORD)
        session_user = client.session.get("_auth_user_id")

    assert response.status_code == 302
    assert session_user == str(cast.editor_a.pk)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_lockout_does_not_lock_another_account_from_the_same_address(client, cast):
    _fail_five_times(client, cast.editor_a.email)

    response = log_in(client, cast.editor_b.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.editor_b.pk)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_one_wrong_password_for_another_account_after_a_lockout_is_an_ordinary_error(en_client, cast):
    _fail_five_times(en_client, cast.editor_a.email)

    response = log_in(en_client, cast.editor_b.email, "wrong-password-123")

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["The e-mail address or password is not correct. Both are case-sensitive."]
    }


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_lockout_page_in_thai(client, cast):
    _fail_five_times(client, cast.editor_a.email)

    response = log_in(client, cast.editor_a.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert response["Content-Language"] == "th"
    content = response.content.decode()
    assert '<h1 class="h3">ระงับการเข้าสู่ระบบชั่วคราว</h1>' in content
    assert (
        "ป้อนรหัสผ่านผิดหลายครั้งเกินไป เพื่อความปลอดภัย ระบบได้ระงับการเข้าสู่ระบบของบัญชีผู้ใช้นี้ชั่วคราว "
        "โปรดลองใหม่อีกครั้งหลังเวลา 10:35 (ในอีกประมาณ 15 นาที)"
    ) in content


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_fifth_wrong_password_shows_the_lockout_page_in_thai(client, cast):
    responses = [log_in(client, cast.editor_a.email, "wrong-password-123") for _attempt in range(5)]

    fifth = responses[-1]

    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    assert (
        "ป้อนรหัสผ่านผิดหลายครั้งเกินไป เพื่อความปลอดภัย ระบบได้ระงับการเข้าสู่ระบบของบัญชีผู้ใช้นี้ชั่วคราว "
        "โปรดลองใหม่อีกครั้งหลังเวลา 10:35 (ในอีกประมาณ 15 นาที)"
    ) in fifth.content.decode()


# Signing in before the account exists ---------------------------------------------------------------------


def test_login_with_an_unconfirmed_registration_says_to_open_the_link(en_client, cast):
    register(cast.municipality_a)

    response = log_in(en_client, OFFICER_EMAIL, OFFICER_PASSWORD)

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": [
            "Your registration is waiting for you to confirm your e-mail address. Open the link we sent to "
            f"{OFFICER_EMAIL}; it is valid for three days."
        ]
    }
    assert "_auth_user_id" not in en_client.session


def test_login_while_awaiting_approval_says_so_in_thai(client, cast):
    awaiting(cast.municipality_a)

    response = log_in(client, OFFICER_EMAIL.upper(), OFFICER_PASSWORD)

    assert response.status_code == 200
    with translation.override("th"):
        expected = translation.gettext(
            "Your e-mail address is confirmed and your registration is waiting for an administrator's approval. "
            "We will e-mail you as soon as it is decided; you can sign in from then on."
        )
    assert "ผู้ดูแลระบบ" in expected
    assert [str(error) for error in response.context["form"].non_field_errors()] == [expected]
    assert "_auth_user_id" not in client.session


def test_login_after_rejection_gives_the_reason(en_client, cast):
    reject_registration(registration=awaiting(cast.municipality_a), by=cast.admin, reason="Unsigned letter.")

    response = log_in(en_client, OFFICER_EMAIL, OFFICER_PASSWORD)

    assert form_errors(response) == {"__all__": ["Your registration was not approved: Unsigned letter."]}


def test_login_with_a_registration_but_the_wrong_password_tells_nothing_more(en_client, cast):
    awaiting(cast.municipality_a)

    response = log_in(en_client, OFFICER_EMAIL, "not-the-chosen-password")

    assert form_errors(response) == {
        "__all__": ["The e-mail address or password is not correct. Both are case-sensitive."]
    }
