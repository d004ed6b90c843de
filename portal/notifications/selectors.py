"""Reads of the notification machinery: a user's notifications and unread count, the mail log, the outbox, and
each event's current wording."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from portal.notifications.events import EVENTS, Event
from portal.notifications.models import Mailing, MailTemplate, Notification, SentMail

if TYPE_CHECKING:
    from portal.models import User


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (another user's are not found: 404)."""
    return Notification.objects.filter(user_id=user.pk)


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


class UnreadCount:
    """The header's unread count: one query, made only when a page shows it (none when the page counted already)."""

    def __init__(self, user: User, *, counted: int | None = None) -> None:
        self.user = user
        if counted is not None:
            self.value = counted

    @cached_property
    def value(self) -> int:
        return unread_notification_count(self.user) if self.user.is_authenticated else 0


def sent_mails(*, status: str | None = None) -> QuerySet[SentMail]:
    mails = SentMail.objects.all()
    return mails.filter(status=status) if status else mails


def mailings() -> QuerySet[Mailing]:
    return (
        Mailing.objects.select_related("created_by", "decided_by")
        .annotate(mail_count=Count("mails"))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class MailingSample:
    language: str
    count: int
    mail: SentMail


def mailing_samples(mailing: Mailing) -> list[MailingSample]:
    """For each language of a mailing: how many mails, and the first one as it will read (Thai first)."""
    mails = list(mailing.mails.order_by("language", "pk"))
    samples = []
    for language in sorted({mail.language for mail in mails}, key=lambda code: code != "th"):
        of_language = [mail for mail in mails if mail.language == language]
        samples.append(MailingSample(language=language, count=len(of_language), mail=of_language[0]))
    return samples


@dataclass(frozen=True)
class TemplateRow:
    event: Event
    template: MailTemplate | None


def mail_template_rows() -> list[TemplateRow]:
    """Every event with the admins' wording of it, or None where the shipped default applies."""
    templates = {template.event: template for template in MailTemplate.objects.select_related("updated_by")}
    return [TemplateRow(event=event, template=templates.get(key)) for key, event in EVENTS.items()]


def mail_template_of(event: Event) -> MailTemplate | None:
    return MailTemplate.objects.filter(event=event.key).first()
