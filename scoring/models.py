"""Score runs and their stored, explained results; the verified inputs reviewers set."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from indicators.models import AwardCycle, FrameworkVersion, Indicator, SizeClass
from scoring.enums import RunScope, RunStatus, ScoreKind, VerifiedStatus
from scoring.reasons import run_reason_label


class VerifiedValue(models.Model):
    """What reviewers settled for one indicator, as the verified score uses it: the submitted value confirmed, a
    site-visit correction, the reviewers' combined rubric points, or every reviewer abstaining.

    Written by the review workflow through scoring.services. No row: nobody has settled the indicator yet, so the
    verified score waits for it ("awaiting review") instead of counting it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="verified_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=VerifiedStatus, default=VerifiedStatus.VERIFIED)
    number = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    flag = models.BooleanField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    disagreement = models.BooleanField(default=False)  # reviewers' rubric points spread beyond the cycle's threshold
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
    # Later requests that found this run still queued and joined it instead of queueing another.
    joined = models.PositiveIntegerField(default=0)
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
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress: a running run silent too long died
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
    def reason_label(self) -> str:
        """Why the run was requested, in the active language."""
        return run_reason_label(self.reason)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == RunStatus.DONE else 0)


class ApplicationScore(models.Model):
    """An application's score from one run: total, completeness, tier, per-area scores and per-indicator points
    with their explanations, and its standing in its ranking group. Exactly one row per (application, kind) is
    current: the latest requested run's.

    The standing (group, rank, position, tie-break) of the current rows is kept by the runs: each run re-ranks the
    groups it touched in the same transaction that makes its scores current, so every page reads one rank.
    """

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    # No indexes of their own: scores are found by the standing index (cycle first) and by application; every
    # index costs each whole-cycle run 5,000 entries.
    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="+", db_index=False)
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=ScoreKind)
    total = models.DecimalField(max_digits=5, decimal_places=2)
    completeness = models.DecimalField(max_digits=4, decimal_places=3)
    ranked = models.BooleanField()  # complete enough to be ranked
    tier = models.CharField(max_length=30, blank=True)
    governance = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    areas = models.JSONField(default=dict)
    indicators = models.JSONField(default=list)
    # Verified score only: indicators nobody has settled yet, and those every reviewer abstained on. The verified
    # score is final (shown, tiered and ranked) only when both are 0.
    pending = models.PositiveSmallIntegerField(default=0)
    needs_reviewer = models.PositiveSmallIntegerField(default=0)
    disagreement = models.BooleanField(default=False)
    # The other kind's figures from the same run (both kinds of an application are always written together), so a
    # page of the standing shows the submitted and the verified score side by side without a second lookup.
    other_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    other_pending = models.PositiveSmallIntegerField(default=0)
    other_needs_reviewer = models.PositiveSmallIntegerField(default=0)
    # Standing: the group (track × category × size class) the application competed in, its rank among the eligible
    # rows (equal keys share it), its place in the group's order (ranked rows first), and what broke a tie on total.
    group_key = models.CharField(max_length=40)
    rank = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    tie_break = models.CharField(max_length=16, blank=True)
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
        indexes = [
            # Current scores by application: the unique index applicationscore_one_current serves them.
            models.Index(
                fields=["cycle", "kind", "group_key", "position"],
                condition=Q(is_current=True),
                name="applicationscore_standing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.total}"

    @property
    def is_final(self) -> bool:
        """A submitted score always is; a verified score once every indicator is settled by the reviewers."""
        return self.pending == 0 and self.needs_reviewer == 0


class Standing(models.Model):
    """One ranking group on one score basis, as the latest run that touched it left it: which run, when, and how
    many rows it ranked. The places themselves are on the current ApplicationScore rows."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="standings")
    kind = models.CharField(max_length=10, choices=ScoreKind)
    group_key = models.CharField(max_length=40)
    track = models.CharField(max_length=16)
    category_code = models.CharField(max_length=10, blank=True)
    size_class = models.ForeignKey(SizeClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="standings")
    computed_at = models.DateTimeField(default=timezone.now)
    ranked = models.PositiveIntegerField(default=0)
    unranked = models.PositiveIntegerField(default=0)
    # [[id, Thai name, English name], ...] of the group's provinces, in Thai dictionary order: the board's filter.
    provinces = models.JSONField(default=list)

    class Meta:
        ordering = ["cycle", "kind", "group_key"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind", "group_key"], name="standing_one_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kind} {self.group_key} (run {self.run_id})"
