"""Award cycles and the versioned indicator framework they use."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.enums import AreaKind, CyclePhase, Direction, Provenance, Track, ValueType
from indicators.rules import DEFAULT_QUOTAS
from portal.i18n import localized, localized_key
from portal.models import Municipality, TimeStampedModel


class FrameworkVersion(TimeStampedModel):
    """One version of an indicator framework. Frozen once a cycle that uses it opens its call.

    Changing rules after that means a new version; scores keep pointing at the version they used.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    defaults = models.JSONField(_("cycle settings it proposes"), default=dict, blank=True)
    checks = models.JSONField(_("checks across indicators"), default=list, blank=True)
    source_text = models.TextField(_("file it was loaded from"), blank=True)
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived_versions"
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="frameworkversion_code_version_unique"),
        ]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Area(models.Model):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind)
    position = models.PositiveSmallIntegerField(_("position"))
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="area_framework_code_unique")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class Indicator(models.Model):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="indicators")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=16)
    name_th = models.CharField(_("name (Thai)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType)
    min_value = models.DecimalField(_("plausible minimum"), max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("plausible maximum"), max_digits=14, decimal_places=4, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction, default=Direction.HIGHER_BETTER)
    data_preparation_th = models.TextField(_("data preparation (Thai)"), blank=True)
    data_preparation_en = models.TextField(_("data preparation (English)"), blank=True)
    evidence_th = models.JSONField(_("evidence to attach (Thai)"), default=list, blank=True)
    evidence_en = models.JSONField(_("evidence to attach (English)"), default=list, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    evidence_required_from_points = models.PositiveSmallIntegerField(
        _("evidence required from level"), null=True, blank=True
    )
    weight = models.DecimalField(
        _("weight"), max_digits=8, decimal_places=4, default=Decimal(1), validators=[MinValueValidator(Decimal(0))]
    )
    rule = models.JSONField(_("scoring rule"))
    provenance = models.CharField(_("provenance"), max_length=16, choices=Provenance)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    rule_source = models.CharField(_("rule source"), max_length=500, default="proposed")
    provenance_note_th = models.TextField(_("provenance note (Thai)"), blank=True)
    provenance_note_en = models.TextField(_("provenance note (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["area__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_framework_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="indicator_range_ordered",
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def rule_is_proposed(self) -> bool:
        """True unless the rule itself cites a source; the guide shows a badge then."""
        return not self.rule_source.startswith(("http://", "https://"))


class AwardCycle(TimeStampedModel):
    """One edition of the national selection (e.g. ASEAN ESC Award 2021, พ.ศ. 2564)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250)
    esc_award_edition = models.PositiveSmallIntegerField(_("ESC Award edition"))
    certificate_edition = models.PositiveSmallIntegerField(_("Certificate of Recognition edition"))
    responsible_agency_th = models.CharField(_("national focal point (Thai)"), max_length=250, blank=True)
    responsible_agency_en = models.CharField(_("national focal point (English)"), max_length=250, blank=True)
    reference_year = models.PositiveSmallIntegerField(_("reference year of the data (AD)"))
    phase = models.CharField(_("phase"), max_length=20, choices=CyclePhase, default=CyclePhase.DRAFT)
    framework = models.ForeignKey(
        FrameworkVersion, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="cycles"
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("cloned from"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Dates of each phase, Asia/Bangkok. The submission deadline is a moment; the rest are days.
    call_opens_on = models.DateField(_("call opens"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    desk_review_ends_on = models.DateField(_("desk review ends"), null=True, blank=True)
    site_visits_end_on = models.DateField(_("site visits end"), null=True, blank=True)
    committee_ranking_on = models.DateField(_("committee ranking"), null=True, blank=True)
    national_decision_on = models.DateField(_("national decision"), null=True, blank=True)
    packets_due_on = models.DateField(_("nomination packets due"), null=True, blank=True)
    asean_handover_on = models.DateField(_("hand-over to the ASEAN working group"), null=True, blank=True)
    asean_selection_on = models.DateField(_("ASEAN regional selection"), null=True, blank=True)
    asean_endorsement_on = models.DateField(_("senior officials' endorsement"), null=True, blank=True)
    asean_ceremony_on = models.DateField(_("ministers' award ceremony"), null=True, blank=True)
    # The planned dates above, in order: the national selection's, then the ASEAN stage's.
    NATIONAL_DATES: ClassVar = (
        "call_opens_on",
        "submission_deadline",
        "desk_review_ends_on",
        "site_visits_end_on",
        "committee_ranking_on",
        "national_decision_on",
        "packets_due_on",
    )
    ASEAN_DATES: ClassVar = ("asean_handover_on", "asean_selection_on", "asean_endorsement_on", "asean_ceremony_on")
    # When an admin published the results (publish_results); NULL while they are not public.
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True, editable=False)
    # Scoring settings (proposals until ONEP/DCCE confirm them; editable here, never in code).
    max_points = models.PositiveSmallIntegerField(_("points of the top level"), default=4)
    area_score_formula = models.CharField(_("area score formula"), max_length=30, default="weighted_mean")
    completeness_minimum = models.DecimalField(
        _("completeness needed to be ranked"), max_digits=4, decimal_places=3, default=Decimal("0.8")
    )
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    esc_award_core_weight = models.DecimalField(
        _("ESC Award weight of core areas"), max_digits=4, decimal_places=3, default=Decimal("0.8")
    )
    esc_award_governance_weight = models.DecimalField(
        _("ESC Award weight of governance"), max_digits=4, decimal_places=3, default=Decimal("0.2")
    )
    tie_breaks = models.JSONField(
        _("tie-breaks, in order"),
        default=list,
        blank=True,
        help_text=_("Applied after the total: completeness, governance."),
    )
    normalise_reviewers = models.BooleanField(
        _("normalise each reviewer's rubric points (z-score)"),
        default=False,
        help_text=_("Evens out strict and lenient reviewers before their points are combined."),
    )
    disagreement_threshold = models.DecimalField(
        _("standard deviation that flags reviewers' disagreement"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.0"),
    )
    # Nomination quotas per member state (ASEAN rules for the edition), with where they come from.
    quota_esc_award = models.PositiveSmallIntegerField(_("ESC Award nominees"), default=DEFAULT_QUOTAS.esc_award)
    quota_certificates_total = models.PositiveSmallIntegerField(
        _("certificate nominees in all"), default=DEFAULT_QUOTAS.certificates_total
    )
    quota_per_category_and_size = models.PositiveSmallIntegerField(
        _("certificate nominees per category and size class"), default=DEFAULT_QUOTAS.per_category_and_size
    )
    quota_source = models.CharField(
        _("source of the quotas"),
        max_length=500,
        blank=True,
        help_text=_("A web address, or “proposed” while the quotas are the portal's proposal."),
    )

    class Meta:
        ordering = ["-reference_year", "code"]
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(completeness_minimum__gte=0) & Q(completeness_minimum__lte=1),
                name="awardcycle_completeness_minimum_fraction",
            ),
        ]

    def __str__(self) -> str:
        return localized(self)

    def tier_labels(self, language: str | None = None) -> dict[str, str]:
        """The cycle's tiers by code, labelled in `language` (default: the active one; Thai where no English)."""
        return {tier["code"]: localized_key(tier, "label", language) for tier in self.tiers}

    @property
    def is_open_for_submissions(self) -> bool:
        return self.phase == CyclePhase.CALL_OPEN


class CyclePhaseChange(models.Model):
    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=CyclePhase)
    to_phase = models.CharField(max_length=20, choices=CyclePhase)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["cycle", "changed_at"]

    def __str__(self) -> str:
        return f"{self.cycle.code}: {self.from_phase} → {self.to_phase}"


class CycleSettingsChange(models.Model):
    """One recorded change of a cycle's settings, size classes or framework: who, when, why, and the changed fields'
    values before and after (JSON-safe: decimals and dates as text). A record: never edited after it is written."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="settings_changes")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.JSONField(_("changed fields"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["cycle", "-changed_at", "-pk"]
        verbose_name = _("cycle settings change")
        verbose_name_plural = _("cycle settings changes")

    def __str__(self) -> str:
        return f"{self.cycle.code} @ {self.changed_at:%Y-%m-%d %H:%M}: {', '.join(self.fields)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A cycle settings change is a record and is never edited.")
        super().save(*args, **kwargs)


class SizeClass(models.Model):
    """Population band a candidate competes in for the cycle (small 20,000–750,000; big 750,000–1.5 M)."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="size_classes")
    code = models.SlugField(_("code"), max_length=20)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    min_population = models.PositiveIntegerField(_("minimum population"))
    max_population = models.PositiveIntegerField(_("maximum population"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["cycle", "min_population"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="sizeclass_cycle_code_unique"),
            models.CheckConstraint(
                condition=Q(max_population__isnull=True) | Q(max_population__gt=models.F("min_population")),
                name="sizeclass_band_ordered",
            ),
        ]
        verbose_name = _("size class")
        verbose_name_plural = _("size classes")

    def __str__(self) -> str:
        return localized(self)

    def contains(self, population: int) -> bool:
        return population >= self.min_population and (self.max_population is None or population < self.max_population)


class DeadlineExtension(models.Model):
    """A later submission deadline granted to one municipality for one cycle."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="extensions")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="deadline_extensions")
    deadline = models.DateTimeField(_("extended deadline"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cycle", "deadline"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "municipality"], name="deadlineextension_one_per_municipality"),
        ]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        return f"{self.cycle.code}: {self.municipality} → {self.deadline:%Y-%m-%d %H:%M}"


class IndicatorChange(models.Model):
    """Log of admin edits to an indicator of a draft framework (weight, range, rule)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["indicator", "changed_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} @ {self.changed_at:%Y-%m-%d %H:%M}"


__all__ = [
    "Area",
    "AwardCycle",
    "CyclePhaseChange",
    "CycleSettingsChange",
    "DeadlineExtension",
    "FrameworkVersion",
    "Indicator",
    "IndicatorChange",
    "SizeClass",
    "Track",
]
