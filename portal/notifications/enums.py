from django.db import models
from django.utils.translation import pgettext_lazy


class MailStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("mail status", "Held in the outbox")
    QUEUED = "queued", pgettext_lazy("mail status", "Queued")
    SENT = "sent", pgettext_lazy("mail status", "Sent")
    FAILED = "failed", pgettext_lazy("mail status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("mail status", "Cancelled")


class MailingStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("mailing status", "Waiting for release")
    RELEASED = "released", pgettext_lazy("mailing status", "Released")
    CANCELLED = "cancelled", pgettext_lazy("mailing status", "Cancelled")
