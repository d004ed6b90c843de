"""Writes of the notification machinery: notify people (mail and in-app), deliver a logged mail, release or cancel
a held mailing, edit mail templates, mark notifications read, and claim a reminder so that it goes only once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.i18n import language_of
from portal.notifications.enums import MailingStatus, MailStatus
from portal.notifications.events import EVENTS, Event, default_texts
from portal.notifications.models import Mailing, MailTemplate, Notification, ReminderLog, SentMail
from portal.notifications.rendering import check_template, render, shown
from portal.queueing import enqueue_after_commit

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)
LANGUAGES = ("th", "en")


@dataclass(frozen=True)
class Texts:
    subject: str
    body: str


def event_for(key: str) -> Event:
    try:
        return EVENTS[key]
    except KeyError as error:
        raise ValueError(f"No mail event {key!r}") from error


def template_texts(event: Event, template: MailTemplate | None, language: str) -> Texts:
    """The subject and body an event's mail is written from in `language`: the admins' row, else the default."""
    if template is not None:
        return Texts(getattr(template, f"subject_{language}"), getattr(template, f"body_{language}"))
    return Texts(*default_texts(event, language))


def render_texts(texts: Texts, values: dict[str, Any], language: str) -> Texts:
    """A subject and body filled with the values as they are said in `language` (a subject stays on one line)."""
    with translation.override(language):  # lazy labels and records' own __str__ speak the recipient's language
        strings = {name: shown(value, language) for name, value in values.items()}
    subject = " ".join(render(texts.subject, strings).split())
    return Texts(subject, render(texts.body, strings))


def _recipients(to: Iterable[str | User]) -> list[tuple[str, User | None]]:
    from portal.models import User  # noqa: PLC0415 -- portal.models imports this package's models

    addresses: list[str] = []
    users: dict[str, User] = {}
    for item in to:
        if isinstance(item, str):
            addresses.append(item.strip().lower())
        else:
            users[item.email] = item
            addresses.append(item.email)
    unknown = [address for address in addresses if address not in users]
    if unknown:
        users.update({user.email: user for user in User.objects.filter(email__in=unknown, is_active=True)})
    return [(address, users.get(address)) for address in dict.fromkeys(addresses)]


@transaction.atomic
def notify(
    *,
    event: str,
    to: Sequence[str | User],
    context: dict[str, Any],
    language: str | None = None,
    link: str = "",
    mailing: Mailing | None = None,
    by: User | None = None,
) -> list[SentMail]:
    """Mail each recipient (an address or a user) in their language and give each user an in-app notification.

    A user's language is their account's; an address without an account gets Thai, unless `language` forces one.
    Mails are rendered now and logged as SentMail rows. Transactional events are queued for sending after commit;
    an announcement (`Event.held`) joins `mailing`, or a new one, in the outbox until an admin releases it, and its
    in-app notifications appear then too. `context` carries records and dates as they are: each recipient reads
    them in their own language. Unknown placeholders in `context` are ignored; missing ones render empty.
    """
    spec = event_for(event)
    recipients = _recipients(to)
    if not recipients:
        return []
    if spec.held and mailing is None:
        mailing = Mailing.objects.create(event=event, created_by=by)
    values = {name: context.get(name) for name in spec.placeholders}
    template = MailTemplate.objects.filter(event=event).first()
    rendered: dict[str, Texts] = {}
    mails = []
    for address, user in recipients:
        chosen = language_of(language or (user.preferred_language if user is not None else None))
        if chosen not in rendered:
            rendered[chosen] = render_texts(template_texts(spec, template, chosen), values, chosen)
        texts = rendered[chosen]
        mails.append(
            SentMail(
                event=event,
                recipient=address,
                user=user,
                language=chosen,
                subject=texts.subject[:300],
                body=texts.body,
                link=link,
                status=MailStatus.HELD if mailing is not None else MailStatus.QUEUED,
                mailing=mailing,
            )
        )
    mails = SentMail.objects.bulk_create(mails)
    if mailing is None:
        _dispatch(mails)
    return mails


def _dispatch(mails: Sequence[SentMail]) -> None:
    """Give the mails' users their in-app notifications, and queue each mail for sending after commit."""
    Notification.objects.bulk_create(
        Notification(user_id=mail.user_id, event=mail.event, title=mail.subject, body=mail.body, link=mail.link)
        for mail in mails
        if mail.user_id is not None
    )
    for mail in mails:
        enqueue_after_commit("portal.send_mail", sent_mail_id=mail.pk)


def deliver_mail(sent_mail_id: int) -> SentMail | None:
    """Send one queued mail and log it as sent. A mail that vanished, or is no longer queued (already sent,
    cancelled), is left alone, so that a repeated task never mails twice. SMTP errors propagate to the task."""
    mail = SentMail.objects.filter(pk=sent_mail_id).first()
    if mail is None:
        logger.warning("Mail %s vanished before sending", sent_mail_id)
        return None
    if mail.status != MailStatus.QUEUED:
        return mail
    SentMail.objects.filter(pk=mail.pk).update(attempts=mail.attempts + 1)
    send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.recipient])
    mail.status, mail.sent_at, mail.error = MailStatus.SENT, timezone.now(), ""
    mail.save(update_fields=["status", "sent_at", "error"])
    return mail


def mark_mail_failed(sent_mail_id: int, error: str) -> None:
    SentMail.objects.filter(pk=sent_mail_id, status=MailStatus.QUEUED).update(status=MailStatus.FAILED, error=error)


def _held_mailing(mailing: Mailing) -> Mailing:
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != MailingStatus.HELD:
        raise ValidationError(
            _("This mailing is “{status}” already.").format(status=mailing.get_status_display()), code="decided"
        )
    return mailing


@transaction.atomic
def release_mailing(*, mailing: Mailing, by: User) -> Mailing:
    """Send a held mailing: its mails are queued after commit and its users get their in-app notifications."""
    mailing = _held_mailing(mailing)
    mails = list(mailing.mails.filter(status=MailStatus.HELD))
    SentMail.objects.filter(pk__in=[mail.pk for mail in mails]).update(status=MailStatus.QUEUED)
    mailing.status, mailing.decided_at, mailing.decided_by = MailingStatus.RELEASED, timezone.now(), by
    mailing.save(update_fields=["status", "decided_at", "decided_by"])
    _dispatch(mails)
    return mailing


@transaction.atomic
def cancel_mailing(*, mailing: Mailing, by: User) -> Mailing:
    """Drop a held mailing: nothing is sent, and its mails stay in the log as cancelled."""
    mailing = _held_mailing(mailing)
    mailing.mails.filter(status=MailStatus.HELD).update(status=MailStatus.CANCELLED)
    mailing.status, mailing.decided_at, mailing.decided_by = MailingStatus.CANCELLED, timezone.now(), by
    mailing.save(update_fields=["status", "decided_at", "decided_by"])
    return mailing


def check_mail_texts(event: Event, texts: dict[str, str]) -> None:
    """Refuse texts (subject_th, body_th, subject_en, body_en) that are empty, malformed, or name a placeholder the
    event does not offer; the errors are keyed by field."""
    errors: dict[str, list[ValidationError]] = {}
    for name in ("subject_th", "body_th", "subject_en", "body_en"):
        text = texts.get(name, "")
        if not text.strip():
            errors[name] = [ValidationError(_("Write this text; it cannot be empty."), code="required")]
            continue
        try:
            check_template(text, event.placeholders)
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_mail_template(*, event: str, texts: dict[str, str], by: User) -> MailTemplate:
    """Store an admin's wording of an event's mail. Raises ValidationError (per field) for an unknown placeholder."""
    spec = event_for(event)
    check_mail_texts(spec, texts)
    fields = {name: texts[name].strip() if name.startswith("subject") else texts[name] for name in texts}
    template, _created = MailTemplate.objects.update_or_create(event=spec.key, defaults={**fields, "updated_by": by})
    return template


@transaction.atomic
def restore_default_mail_template(*, event: str) -> None:
    MailTemplate.objects.filter(event=event_for(event).key).delete()


@transaction.atomic
def mark_notification_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def claim_reminder(*, kind: str, key: str, user: User) -> bool:
    """Record that `user` gets reminder (kind, key); False when it was recorded before. The unique constraint
    decides between two schedulers racing: only the one whose row goes in sends."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, key=key, user=user)
    except IntegrityError:
        return False
    return True
