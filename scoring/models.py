"""Score runs and their stored, explained results; the verified inputs reviewers set."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from indicators.models import AwardCycle, FrameworkVersion, Indicator
from scoring.enums import RunScope, RunStatus, ScoreKind


class VerifiedValue(models.Model):
    """The value the verified score uses for one indicator: a site-visit correction, or the reviewers' rubric points.

    Written by the review workflow through scoring.services; absent means the submitted value stands.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="verified_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    flag = models.BooleanField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "indicator"], name="verifiedvalue_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.indicator_id}"


class ScoreRun(models.Model):
    """One scoring pass, for one application or a whole cycle, under one framework version."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="score_runs")
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="score_runs")
    scope = models.CharField(max_length=12, choices=RunScope)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=40)
    status = models.CharField(max_length=10, choices=RunStatus, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope=RunScope.CYCLE, application__isnull=True)
                | Q(scope=RunScope.APPLICATION, application__isnull=False),
                name="scorerun_scope_matches_application",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} {self.scope} {self.status} {self.done}/{self.total}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == RunStatus.DONE else 0)


class ApplicationScore(models.Model):
    """An application's score from one run: total, completeness, tier, per-area scores and per-indicator points
    with their explanations. Exactly one row per (application, kind) is current: the latest finished run's."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ScoreKind)
    total = models.DecimalField(max_digits=5, decimal_places=2)
    completeness = models.DecimalField(max_digits=4, decimal_places=3)
    ranked = models.BooleanField()
    tier = models.CharField(max_length=30, blank=True)
    governance = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    areas = models.JSONField(default=dict)
    indicators = models.JSONField(default=list)
    is_current = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "kind", "-computed_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application", "kind"], name="applicationscore_once_per_run"),
            models.UniqueConstraint(
                fields=["application", "kind"], condition=Q(is_current=True), name="applicationscore_one_current"
            ),
        ]
        indexes = [models.Index(fields=["application", "kind", "is_current"], name="applicationscore_current")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.total}"
