"""Mail templates, the mail log and outbox, in-app notifications and the reminder log (imported by portal.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.notifications.enums import MailingStatus, MailStatus


class MailTemplate(models.Model):
    """An admin's wording of one event's e-mail in both languages. Without a row the shipped default applies."""

    event = models.CharField(_("event"), max_length=40, unique=True)
    subject_th = models.CharField(_("subject (Thai)"), max_length=200)
    body_th = models.TextField(_("body (Thai)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("body (English)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event"]
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")

    def __str__(self) -> str:
        return self.event


class Mailing(models.Model):
    """A bulk mailing held in the outbox until an admin releases or cancels it."""

    event = models.CharField(_("event"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=MailingStatus, default=MailingStatus.HELD)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("released or cancelled at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.status})"


class SentMail(models.Model):
    """One e-mail to one recipient, as rendered in their language: the outbox's content and the log of what went."""

    event = models.CharField(_("event"), max_length=40)
    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus, default=MailStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, null=True, blank=True, related_name="mails")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        indexes = [models.Index(fields=["status", "-created_at"], name="sentmail_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="sentmail_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.status})"


class Notification(models.Model):
    """An in-app notice to one user, made by the same call that mails them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # The header's unread count reads this index on every page.
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class ReminderLog(models.Model):
    """A reminder that went to one user. The unique key is what keeps a reminder from ever going twice, even when
    two schedulers run at once: only the one that inserts the row sends."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "user"], name="reminderlog_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user_id}"
