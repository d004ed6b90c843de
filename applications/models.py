"""Municipal applications: the city profile, one value per indicator, evidence, history and imports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.enums import ApplicationStatus, Channel, ClarificationStatus, ImportStatus
from indicators.display import STORED_NO, STORED_YES, canonical_text
from indicators.enums import Track
from indicators.models import AwardCycle, Indicator, SizeClass
from portal.i18n import localized
from portal.models import Municipality, TimeStampedModel, model_field, private_upload_path

# How a yes/no answer is stored in the history (indicators.display.canonical), and how it reads.
YES_NO = {STORED_YES: pgettext_lazy("answer", "yes"), STORED_NO: pgettext_lazy("answer", "no")}


class Application(TimeStampedModel):
    """One municipality × cycle × track (× certificate category)."""

    cycle = models.ForeignKey(
        AwardCycle, verbose_name=_("award cycle"), on_delete=models.PROTECT, related_name="applications"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="applications"
    )
    track = models.CharField(_("track"), max_length=16, choices=Track)
    category_code = models.CharField(_("certificate category"), max_length=10, blank=True)
    size_class = models.ForeignKey(
        SizeClass, verbose_name=_("size class"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus, default=ApplicationStatus.DRAFT)
    # City profile, as the municipality declares it for the cycle's reference year.
    population = models.PositiveIntegerField(_("registered population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population as of 31 Dec of (AD)"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("municipal area (km²)"),
        max_digits=10,
        decimal_places=3,  # official figures give square kilometres to three places (e.g. 40.216)
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    national_certificate = models.CharField(
        _("national sustainable-city certificate (level, year)"), max_length=200, blank=True
    )
    best_practice_th = models.TextField(_("best-practice narrative (Thai)"), blank=True)
    best_practice_en = models.TextField(_("best-practice narrative (English)"), blank=True)
    profile_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["cycle", "municipality__name_th", "track", "category_code"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "municipality", "track", "category_code"], name="application_one_per_track_category"
            ),
            models.CheckConstraint(
                condition=(Q(track=Track.ESC_AWARD) & Q(category_code=""))
                | (Q(track=Track.CERTIFICATE) & ~Q(category_code="")),
                name="application_certificate_has_category",
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="application_submitted_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        label = self.category_code or self.get_track_display()
        return f"{localized(self.municipality, 'full_name')} · {self.cycle.code} · {label}"

    @property
    def is_locked(self) -> bool:
        return self.status != ApplicationStatus.DRAFT


class IndicatorValue(models.Model):
    """A municipality's value for one indicator, with period, source and comment; versioned against lost updates."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    flag = models.BooleanField(_("yes / no"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("self-assessed level"), null=True, blank=True)
    text = models.TextField(_("text or description of what was done"), blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_copied = models.BooleanField(_("copied from the previous cycle, not yet confirmed"), default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["application", "indicator__area__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator"], name="indicatorvalue_one_per_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.display}"

    @property
    def is_answered(self) -> bool:
        """Keep in step with ANSWERED, the same rule as a query condition."""
        return self.number is not None or self.flag is not None or self.level is not None or bool(self.text.strip())

    @property
    def display(self) -> str:
        return canonical_text(number=self.number, flag=self.flag, level=self.level, text=self.text)


# IndicatorValue.is_answered as a query condition (text of blanks only is no answer).
ANSWERED = Q(number__isnull=False) | Q(flag__isnull=False) | Q(level__isnull=False) | ~Q(text__regex=r"^\s*$")


class Evidence(models.Model):
    """A file attached to an indicator; stored outside the web root, served only through a permission check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=private_upload_path)
    name = models.CharField(_("file name"), max_length=150)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "indicator", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.name}"


class ValueChange(models.Model):
    """One change of one field of an application: who, when, old, new, and through which channel."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="changes")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=Channel)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "-changed_at", "-pk"]
        indexes = [models.Index(fields=["application", "indicator", "-changed_at"], name="valuechange_lookup")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"

    @property
    def field_label(self) -> str:
        """The changed field in words, in the active language: "value", "source", "registered population"."""
        if self.field == "evidence":
            return str(_("evidence file"))
        model = IndicatorValue if self.indicator_id else Application
        try:
            return str(model_field(model, self.field).verbose_name)
        except FieldDoesNotExist:
            return self.field

    @property
    def old_display(self) -> str:
        return self._display(self.old)

    @property
    def new_display(self) -> str:
        return self._display(self.new)

    def _display(self, stored: str) -> str:
        """Stored yes/no answers read in the active language; everything else as it was typed."""
        if self.field == "flag" and stored in YES_NO:
            return str(YES_NO[stored])
        return stored


class StatusChange(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ApplicationStatus)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ImportRun(models.Model):
    """One Excel upload: what it would change (dry run) and whether it was applied."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to=private_upload_path)
    name = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=ImportStatus)
    changes = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class ReviewerAssignment(models.Model):
    """A reviewer assigned to judge an application. Kept with the application, so that who may see it is
    answered here; the review workflow (reviews app) creates and removes assignments."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="reviewerassignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.application_id}"


class ClarificationRequest(models.Model):
    """A reviewer's question about one indicator's value. While it is open, the municipality may answer and amend
    that one value, even after submission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="clarifications")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ClarificationStatus, default=ClarificationStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-asked_at"]
        verbose_name = _("clarification request")
        verbose_name_plural = _("clarification requests")

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.question[:40]}"
