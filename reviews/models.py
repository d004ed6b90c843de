"""Reviewers' work on an application: value verification, rubric scores, site visits, decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Application
from indicators.models import AwardCycle, Indicator
from portal.models import private_upload_path
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus


class ValueReview(models.Model):
    """One reviewer's verdict on one value: verified, queried, or corrected (the submitted value stays beside it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="value_reviews")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=VerificationStatus)
    corrected_number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    corrected_flag = models.BooleanField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "indicator", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator", "reviewer"], name="valuereview_once"),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.CORRECTED) | ~Q(reason=""),
                name="valuereview_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.status}"


class RubricScore(models.Model):
    """One reviewer's points for a rubric indicator (0..max with the labelled levels), or an abstention."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rubric_scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain = models.BooleanField(default=False)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "indicator", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator", "reviewer"], name="rubricscore_once"),
            models.CheckConstraint(
                condition=(Q(abstain=True) & Q(points__isnull=True)) | (Q(abstain=False) & Q(points__isnull=False)),
                name="rubricscore_points_or_abstain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.points}"


class SiteVisit(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="site_visits")
    visited_on = models.DateField(_("date of the visit"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "-visited_on"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.visited_on}"


class SiteVisitPhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=private_upload_path)
    name = models.CharField(max_length=150)
    file_type = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """A decision on an application in one round, with its note and author; the latest per round counts."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    round = models.CharField(_("round"), max_length=12, choices=DecisionRound)
    outcome = models.CharField(_("outcome"), max_length=16, choices=DecisionOutcome)
    note = models.TextField(_("note"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.round} {self.outcome}"


class AseanOutcome(models.Model):
    """What the ASEAN stage gave one national nominee (record_asean_outcome); one row per nominee application."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="asean_outcome"
    )
    outcome = models.CharField(
        pgettext_lazy("asean outcome", "ASEAN outcome"), max_length=16, choices=AseanOutcomeChoice
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("asean outcome", "ASEAN outcome")
        verbose_name_plural = pgettext_lazy("asean outcome", "ASEAN outcomes")

    def __str__(self) -> str:
        return f"{self.application_id} {self.outcome}"


class ExportRun(models.Model):
    """A batch export of a cycle's shortlist as a ZIP (packets in Thai and English, evidence, rankings), built by
    Celery tasks with progress (packets rendered in chunks on every worker, then one task writes the ZIP); rebuilding
    replaces the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export status", "Queued")
        RUNNING = "running", pgettext_lazy("export status", "Building")
        DONE = "done", pgettext_lazy("export status", "Ready")
        FAILED = "failed", pgettext_lazy("export status", "Failed")

    class Kind(models.TextChoices):
        SHORTLIST = "shortlist", pgettext_lazy("export kind", "Shortlist packets")
        ASEAN_DOSSIER = "asean_dossier", pgettext_lazy("export kind", "ASEAN dossier (English)")

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.SHORTLIST)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=private_upload_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    # Applications whose packets (both languages) are rendered and stored, by id: a chunk given again to a worker
    # after a crash adds the same ids, so `done` (their count) never runs past `total`.
    rendered = models.JSONField(default=list, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress: a run silent too long died
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"export {self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
