"""Choices for municipal applications."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("application status", "Under review")
    SHORTLISTED = "shortlisted", pgettext_lazy("application status", "Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", pgettext_lazy("application status", "Not shortlisted")
    NOMINATED = "nominated", pgettext_lazy("application status", "Nominated")


LOCKED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.NOT_SHORTLISTED,
    ApplicationStatus.NOMINATED,
)


class Channel(models.TextChoices):
    """How a value reached the application (kept in its history)."""

    FORM = "form", _("Form")
    IMPORT = "import", _("Excel import")
    API = "api", _("API")
    PREFILL = "prefill", _("Copied from the previous cycle")
    CLARIFICATION = "clarification", _("Clarification answer")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked (dry run)")
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Refused")


PROFILE_FIELDS = ("population", "population_year", "households", "area_km2", "national_certificate")
# The fields of an indicator value (applications.models.IndicatorValue) that its history and the receipt digest cover.
VALUE_FIELDS = ("number", "flag", "level", "text", "period", "source", "comment")


class ClarificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("clarification status", "Open")
    ANSWERED = "answered", pgettext_lazy("clarification status", "Answered")
    CLOSED = "closed", pgettext_lazy("clarification status", "Closed")
