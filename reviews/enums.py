from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", pgettext_lazy("verification", "Verified")
    QUERIED = "queried", pgettext_lazy("verification", "Queried")
    CORRECTED = "corrected", pgettext_lazy("verification", "Corrected")


class DecisionRound(models.TextChoices):
    SCREENING = "screening", _("Screening")
    DESK_REVIEW = "desk_review", _("Desk review")
    SITE_VISIT = "site_visit", _("Site visit")
    COMMITTEE = "committee", _("Committee")


class DecisionOutcome(models.TextChoices):
    SHORTLISTED = "shortlisted", pgettext_lazy("decision", "Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", pgettext_lazy("decision", "Not shortlisted")
    NOMINATED = "nominated", pgettext_lazy("decision", "Nominated")


class AseanOutcome(models.TextChoices):
    """What the ASEAN stage gave a national nominee."""

    AWARDED = "awarded", pgettext_lazy("asean outcome", "ESC Award")
    CERTIFICATE = "certificate", pgettext_lazy("asean outcome", "Certificate of Recognition")
    NOT_SELECTED = "not_selected", pgettext_lazy("asean outcome", "Not selected")
