"""Notifications: the restricted template syntax, mail per recipient language through the Celery task with a log,
held mailings in the outbox, admins' template pages with preview, in-app notifications and the header count."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Mailing, MailTemplate, Notification, ReminderLog, SentMail
from portal.notifications.enums import MailingStatus, MailStatus
from portal.notifications.events import EVENTS, default_texts
from portal.notifications.rendering import Addressed, check_template, placeholders_in, render
from portal.notifications.services import (
    cancel_mailing,
    claim_reminder,
    notify,
    release_mailing,
    save_mail_template,
)
from portal.tasks import send_mail_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TEXTS = {
    "subject_th": "แจ้ง {municipality}",
    "body_th": "เรียน{name} ผลของ {municipality} {{ไม่ใช่ตัวแปร}}",
    "subject_en": "Notice for {municipality}",
    "body_en": "Dear {name}, about {municipality}.",
}


@pytest.mark.unit
def test_placeholders_in_reads_names_and_keeps_doubled_braces_literal():
    assert placeholders_in("{a} and {{b}} and {c}") == ["a", "c"]
    assert render("{a} {{b}}", {"a": "x"}) == "x {b}"


@pytest.mark.unit
@pytest.mark.parametrize("text", ["{a.__class__}", "{a[0]}", "{a!r}", "{a:>10}", "{}", "{0}", "open {", "close }"])
def test_check_template_refuses_everything_but_plain_placeholders(text):
    with pytest.raises(ValidationError):
        check_template(text, ["a"])


def test_check_template_names_the_unknown_placeholder_in_the_users_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_template("Hello {mayor}", ["name", "municipality"])
    assert error.value.messages == ["Unknown placeholder {mayor}. This e-mail offers: {municipality}, {name}."]


@pytest.mark.parametrize("key", sorted(EVENTS))
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_shipped_default_uses_only_its_events_placeholders(key, language):
    subject, body = default_texts(EVENTS[key], language)

    check_template(subject, EVENTS[key].placeholders)
    check_template(body, EVENTS[key].placeholders)
    assert "\n" not in subject
    assert set(placeholders_in(subject + body)) <= set(EVENTS[key].placeholders)


def test_default_text_is_translated_and_renders_the_recipients_language(cast, django_capture_on_commit_callbacks):
    cast.editor_a.preferred_language = "en"
    cast.editor_a.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="registration_approved",
            to=[cast.editor_a, cast.signatory_a],
            context={"name": Addressed("สมศรี ใจงาม"), "municipality": cast.municipality_a},
        )

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[cast.editor_a.email].subject == "Your ESC Award Portal account is approved"
    assert by_recipient[cast.editor_a.email].body.startswith("Dear สมศรี ใจงาม,\n")
    assert "Yala City Municipality" in by_recipient[cast.editor_a.email].body
    assert "คุณสมศรี ใจงาม" in by_recipient[cast.signatory_a.email].body.splitlines()[0]
    assert "เทศบาลนครยะลา" in by_recipient[cast.signatory_a.email].body


def test_notify_logs_each_mail_and_the_task_marks_it_sent(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mails = notify(
            event="clarification_asked",
            to=[cast.editor_a, "no.account@example.go.th"],
            context={"municipality": cast.municipality_a, "code": "CA-01", "question": "ขอข้อมูลรายวัน"},
            link="/applications/",
        )

    assert len(callbacks) == 2  # one task per mail, queued after commit
    assert list(SentMail.objects.order_by("recipient").values_list("recipient", "language", "status", "attempts")) == [
        (cast.editor_a.email, "th", MailStatus.SENT, 1),
        ("no.account@example.go.th", "th", MailStatus.SENT, 1),
    ]
    assert [message.to for message in mail.outbox] == [[cast.editor_a.email], ["no.account@example.go.th"]]
    assert mail.outbox[0].subject == mails[0].subject
    # Only an account holder gets an in-app notification.
    assert list(Notification.objects.values_list("user", "title", "link")) == [
        (cast.editor_a.pk, mails[0].subject, "/applications/")
    ]


def test_running_the_send_task_twice_mails_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (sent,) = notify(event="invitation", to=["new@example.go.th"], context={"inviter": "ก", "link": "x"})
    mail.outbox.clear()

    send_mail_task.apply(kwargs={"sent_mail_id": sent.pk})

    assert mail.outbox == []


def test_send_task_retries_an_smtp_error_then_logs_the_failure(cast, monkeypatch, django_capture_on_commit_callbacks):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("portal.notifications.services.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        (sent,) = notify(event="invitation", to=["new@example.go.th"], context={"inviter": "ก", "link": "x"})

    sent.refresh_from_db()
    assert len(calls) == 4  # the first try and three retries
    assert (sent.status, sent.attempts, sent.error) == (
        MailStatus.FAILED,
        4,
        "SMTPServerDisconnected after 3 retries: gone",
    )


def test_announcements_wait_in_the_outbox_until_released(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mails = notify(
            event="results_published",
            to=[cast.editor_a, cast.editor_b],
            context={"municipality": cast.municipality_a, "cycle": "", "link": "https://x"},
            by=cast.admin,
        )
    mailing = mails[0].mailing

    assert (callbacks, mail.outbox, Notification.objects.count()) == ([], [], 0)
    assert set(SentMail.objects.values_list("status", flat=True)) == {MailStatus.HELD}

    with django_capture_on_commit_callbacks(execute=True):
        release_mailing(mailing=mailing, by=cast.admin)

    mailing.refresh_from_db()
    assert (mailing.status, mailing.decided_by) == (MailingStatus.RELEASED, cast.admin)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([cast.editor_a.email, cast.editor_b.email])
    assert sorted(Notification.objects.values_list("user", flat=True)) == sorted([cast.editor_a.pk, cast.editor_b.pk])
    with pytest.raises(ValidationError):
        release_mailing(mailing=mailing, by=cast.admin)


def test_a_cancelled_mailing_sends_nothing(cast, django_capture_on_commit_callbacks):
    mails = notify(
        event="results_published", to=[cast.editor_a], context={"municipality": cast.municipality_a}, by=cast.admin
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel_mailing(mailing=mails[0].mailing, by=cast.admin)

    assert (mail.outbox, Notification.objects.count()) == ([], 0)
    assert list(SentMail.objects.values_list("status", flat=True)) == [MailStatus.CANCELLED]


def test_an_admins_template_replaces_the_default_and_unknown_placeholders_are_refused(
    cast, django_capture_on_commit_callbacks
):
    save_mail_template(event="registration_approved", texts=TEXTS, by=cast.admin)

    with django_capture_on_commit_callbacks(execute=True):
        notify(
            event="registration_approved",
            to=[cast.editor_a],
            context={"name": "ก", "municipality": cast.municipality_a},
        )

    assert (mail.outbox[0].subject, mail.outbox[0].body) == (
        "แจ้ง เทศบาลนครยะลา",
        "เรียนก ผลของ เทศบาลนครยะลา {ไม่ใช่ตัวแปร}",
    )
    with pytest.raises(ValidationError) as error:
        save_mail_template(event="registration_approved", texts={**TEXTS, "body_en": "{reason}"}, by=cast.admin)
    assert list(error.value.message_dict) == ["body_en"]


def test_claim_reminder_is_true_once_per_user_and_key(cast):
    first = claim_reminder(kind="k", key="1", user=cast.editor_a)
    second = claim_reminder(kind="k", key="1", user=cast.editor_a)
    other = claim_reminder(kind="k", key="1", user=cast.editor_b)

    assert (first, second, other, ReminderLog.objects.count()) == (True, False, True, 2)


# Pages ---------------------------------------------------------------------------------------------------------


def test_template_page_lists_placeholders_and_previews_both_languages(client, cast):
    client.force_login(cast.admin)

    response = client.get(reverse("portal:mail-template-edit", args=["registration_rejected"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [name for name, _description in response.context["placeholders"]] == ["name", "municipality", "reason"]
    assert [language for language, _texts in response.context["previews"]] == ["th", "en"]
    assert "Yala City Municipality" in response.context["previews"][1][1].body
    assert "{reason}" in html


def test_live_preview_shows_the_error_in_the_users_language(client, cast):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("portal:mail-template-preview", args=["registration_rejected"]), {**TEXTS, "subject_en": "{mayor}"}
    )

    assert response.status_code == 200
    assert response.context["preview_errors"] == [
        "Unknown placeholder {mayor}. This e-mail offers: {municipality}, {name}, {reason}."
    ]


def test_saving_an_unknown_placeholder_shows_it_on_the_field_and_stores_nothing(client, cast):
    client.force_login(cast.admin)

    response = client.post(
        reverse("portal:mail-template-edit", args=["registration_rejected"]), {**TEXTS, "body_th": "{mayor}"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body_th"]
    assert MailTemplate.objects.count() == 0


def test_saving_a_template_stores_it_and_reset_restores_the_default(client, cast):
    client.force_login(cast.admin)

    response = client.post(reverse("portal:mail-template-edit", args=["registration_rejected"]), TEXTS)
    stored = MailTemplate.objects.get()
    client.post(reverse("portal:mail-template-reset", args=["registration_rejected"]))

    assert response.status_code == 302
    assert (stored.event, stored.subject_en, stored.updated_by) == (
        "registration_rejected",
        TEXTS["subject_en"],
        cast.admin,
    )
    assert MailTemplate.objects.count() == 0


def test_outbox_page_releases_a_held_mailing(client, cast, django_capture_on_commit_callbacks):
    mails = notify(
        event="results_published", to=[cast.editor_a], context={"municipality": cast.municipality_a}, by=cast.admin
    )
    client.force_login(cast.admin)

    page = client.get(reverse("portal:mailing-detail", args=[mails[0].mailing_id]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:mailing-decide", args=[mails[0].mailing_id, "release"]))

    assert [sample.language for sample in page.context["samples"]] == ["th"]
    assert page.context["samples"][0].mail.subject == mails[0].subject
    assert response.status_code == 302
    assert Mailing.objects.get().status == MailingStatus.RELEASED
    assert [message.to for message in mail.outbox] == [[cast.editor_a.email]]


@pytest.mark.parametrize("count", [1, 3])
def test_mail_log_query_count_is_constant(client, cast, count, django_assert_num_queries):
    for _ in range(count):
        notify(event="invitation", to=["x@example.go.th"], context={"inviter": "ก", "link": "x"})
    client.force_login(cast.admin)

    with django_assert_num_queries(8):
        response = client.get(reverse("portal:sent-mail-list"))

    assert len(response.context["mails"]) == count


def test_notification_list_shows_only_ones_own_and_open_marks_read(client, cast):
    notify(event="invitation", to=[cast.editor_a, cast.editor_b], context={}, link="/applications/")
    own = Notification.objects.get(user=cast.editor_a)
    other = Notification.objects.get(user=cast.editor_b)
    client.force_login(cast.editor_a)

    page = client.get(reverse("portal:notification-list"))
    response = client.post(reverse("portal:notification-open", args=[own.pk]))
    refused = client.post(reverse("portal:notification-open", args=[other.pk]))

    own.refresh_from_db()
    assert list(page.context["notifications"]) == [own]
    assert (response.status_code, response["Location"]) == (302, "/applications/")
    assert own.read_at is not None
    assert refused.status_code == 404


def test_mark_all_read_clears_the_users_unread_only(client, cast):
    notify(event="invitation", to=[cast.editor_a, cast.editor_a.email, cast.editor_b], context={})
    client.force_login(cast.editor_a)

    client.post(reverse("portal:notification-read-all"))

    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert Notification.objects.filter(user=cast.editor_a, read_at__isnull=True).count() == 0


@pytest.mark.parametrize("unread", [0, 1, 3])
def test_header_unread_count_costs_one_query_and_is_labelled(client, cast, unread):
    for _ in range(unread):
        notify(event="invitation", to=[cast.editor_a], context={})
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("password_change"))

    html = response.content.decode()
    assert len([q for q in queries if "portal_notification" in q["sql"]]) == 1
    if unread == 0:
        assert "Notifications, none unread" in html
    else:
        label = "1 unread notification" if unread == 1 else f"{unread} unread notifications"
        assert f'<span class="visually-hidden">{label}</span>' in html
        assert f'data-testid="unread-count">{unread}</span>' in html
