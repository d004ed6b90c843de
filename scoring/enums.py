from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScoreKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("score kind", "Submitted")
    VERIFIED = "verified", pgettext_lazy("score kind", "Verified")


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("run status", "Queued")
    RUNNING = "running", pgettext_lazy("run status", "Running")
    DONE = "done", pgettext_lazy("run status", "Done")
    FAILED = "failed", pgettext_lazy("run status", "Failed")


class RunScope(models.TextChoices):
    APPLICATION = "application", _("One application")
    CYCLE = "cycle", _("Whole cycle")


class VerifiedStatus(models.TextChoices):
    """How reviewers settled one indicator for the verified score."""

    VERIFIED = "verified", pgettext_lazy("verified value", "Verified as submitted")
    CORRECTED = "corrected", pgettext_lazy("verified value", "Corrected")
    SCORED = "scored", pgettext_lazy("verified value", "Scored by reviewers")
    ABSTAINED = "abstained", pgettext_lazy("verified value", "Every reviewer abstained")
