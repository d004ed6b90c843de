"""The audit log's entries (imported by portal.models)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.enums import AuditAction


class AuditEntryChangeError(Exception):
    """An audit entry is a record: once written, it is neither changed nor deleted."""


def _refuse() -> NoReturn:
    raise AuditEntryChangeError("An audit entry is never changed or deleted.")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are read and added, never changed: the ORM's bulk paths refuse (PostgreSQL refuses too, by trigger)."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self) -> NoReturn:
        _refuse()


class AuditEntry(models.Model):
    """One admin or committee action: who, when, what (the action and its target), the values before and after.

    Written by the action's service in the action's transaction (portal.audit.services.record). The actor's name and
    e-mail address and the target's label are kept as they were, so the entry reads the same after a rename. The
    cycle is a plain id and code: portal sits below indicators and cannot refer to a cycle's row.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the portal itself: a command or the demo data."),
    )
    actor_name = models.CharField(_("name"), max_length=150, blank=True)
    actor_email = models.EmailField(_("e-mail address"), blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of target"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target_label_th = models.CharField(_("target (Thai)"), max_length=300, blank=True)
    target_label_en = models.CharField(_("target (English)"), max_length=300, blank=True)
    # The model whose fields the keys of before and after name (usually the target's).
    values_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cycle_id = models.PositiveBigIntegerField(_("cycle id"), null=True, blank=True)
    cycle_code = models.CharField(_("cycle"), max_length=40, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note or reason"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["-at", "-id"], name="auditentry_at_idx"),
            models.Index(fields=["cycle_code", "-at"], name="auditentry_cycle_at_idx"),
            models.Index(fields=["action", "-at"], name="auditentry_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target_label_en}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
