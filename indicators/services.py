"""Use cases for award cycles and their indicator frameworks: load, freeze, version, clone, move phases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.enums import PHASE_TRANSITIONS, CyclePhase
from indicators.models import (
    Area,
    AwardCycle,
    CyclePhaseChange,
    DeadlineExtension,
    FrameworkVersion,
    Indicator,
    IndicatorChange,
    SizeClass,
)
from indicators.rules import (
    DEFAULT_QUOTAS,
    DEFAULT_SIZE_CLASSES,
    FrameworkError,
    FrameworkSpec,
    SizeClassSpec,
    parse_framework,
    quotas_from_json,
    size_classes_from_json,
    validate_rule,
)
from indicators.signals import framework_adopted
from portal.models import Municipality, User


@dataclass(frozen=True, slots=True)
class FrameworkLoad:
    framework: FrameworkVersion
    created: bool
    indicators_per_area: tuple[tuple[str, int], ...]


def _settings_as_json(spec: FrameworkSpec) -> dict[str, Any]:
    settings = spec.settings
    return {
        "max_points": settings.max_points,
        "area_score_formula": settings.area_score_formula,
        "completeness_minimum": str(settings.completeness_minimum),
        "tiers": [
            {"min_score": str(tier.min_score), "code": tier.code, "label_th": tier.label_th, "label_en": tier.label_en}
            for tier in settings.tiers
        ],
        "esc_award_core_weight": str(settings.esc_award_core_weight),
        "esc_award_governance_weight": str(settings.esc_award_governance_weight),
        # Only what the file states: a cycle on an older file starts from the portal's defaults instead.
        **({"size_classes": [size.as_json() for size in settings.size_classes]} if settings.size_classes else {}),
        **({"quotas": settings.quotas.as_json()} if settings.quotas is not None else {}),
    }


@transaction.atomic
def load_framework(*, text: str) -> FrameworkLoad:
    """Parse a framework file and store it as a new framework version, all or nothing.

    Loading the same file again changes nothing. Raises ValidationError listing every problem in the file, or
    when the same code and version is already loaded with different content (a change needs a new version).
    """
    try:
        spec = parse_framework(text)
    except FrameworkError as error:
        raise ValidationError(error.errors) from error
    existing = FrameworkVersion.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.source_text != text:
            raise ValidationError(
                _(
                    "Framework {code} version {version} is already loaded with different content. "
                    "Give the changed file a new version number."
                ).format(code=spec.code, version=spec.version)
            )
        return FrameworkLoad(existing, created=False, indicators_per_area=_indicator_counts(existing))
    framework = FrameworkVersion.objects.create(
        code=spec.code,
        version=spec.version,
        name_th=spec.name_th,
        name_en=spec.name_en,
        description_th=spec.description_th,
        description_en=spec.description_en,
        defaults=_settings_as_json(spec),
        checks=[check.as_json() for check in spec.checks],
        source_text=text,
    )
    areas = Area.objects.bulk_create(
        Area(
            framework=framework,
            code=area.code,
            name_th=area.name_th,
            name_en=area.name_en,
            kind=area.kind,
            position=area.position,
            sources=list(area.sources),
        )
        for area in spec.areas
    )
    Indicator.objects.bulk_create(
        Indicator(
            framework=framework,
            area=area,
            code=item.code,
            name_th=item.name_th,
            name_en=item.name_en,
            unit=item.unit,
            value_type=item.value_type,
            min_value=item.min_value,
            max_value=item.max_value,
            direction=item.direction,
            data_preparation_th=item.data_preparation_th,
            data_preparation_en=item.data_preparation_en,
            evidence_th=list(item.evidence_th),
            evidence_en=list(item.evidence_en),
            evidence_required=item.evidence_required,
            evidence_required_from_points=item.evidence_required_from_points,
            weight=item.weight,
            rule=item.rule,
            provenance=item.provenance,
            sources=list(item.sources),
            rule_source=item.rule_source,
            provenance_note_th=item.provenance_note_th,
            provenance_note_en=item.provenance_note_en,
            position=item.position,
        )
        for area, area_spec in zip(areas, spec.areas, strict=True)
        for item in area_spec.indicators
    )
    return FrameworkLoad(framework, created=True, indicators_per_area=_indicator_counts(framework))


def _indicator_counts(framework: FrameworkVersion) -> tuple[tuple[str, int], ...]:
    return tuple((area.code, area.indicators.count()) for area in framework.areas.all())


@transaction.atomic
def copy_framework(*, framework: FrameworkVersion) -> FrameworkVersion:
    """Copy a framework (usually frozen) into a new draft version with the next version number."""
    latest = FrameworkVersion.objects.filter(code=framework.code).aggregate(Max("version"))["version__max"]
    copy = FrameworkVersion.objects.create(
        code=framework.code,
        version=latest + 1,
        name_th=framework.name_th,
        name_en=framework.name_en,
        description_th=framework.description_th,
        description_en=framework.description_en,
        defaults=framework.defaults,
        checks=framework.checks,
        source_text="",
        derived_from=framework,
    )
    old_areas = list(framework.areas.all())
    new_areas = Area.objects.bulk_create(
        Area(
            framework=copy,
            code=area.code,
            name_th=area.name_th,
            name_en=area.name_en,
            kind=area.kind,
            position=area.position,
            sources=area.sources,
        )
        for area in old_areas
    )
    area_map = {old.pk: new for old, new in zip(old_areas, new_areas, strict=True)}
    indicators = list(framework.indicators.all())
    for indicator in indicators:
        indicator.pk = None
        indicator.framework = copy
        indicator.area = area_map[indicator.area_id]
    Indicator.objects.bulk_create(indicators)
    return copy


def _ensure_editable(framework: FrameworkVersion) -> None:
    if framework.is_frozen:
        raise ValidationError(
            _(
                "Framework {code} version {version} is frozen: a cycle using it has opened its call. "
                "Create a new version to change its rules."
            ).format(code=framework.code, version=framework.version),
            code="frozen",
        )


@transaction.atomic
def update_indicator(
    *,
    indicator: Indicator,
    by: User,
    weight: Decimal,
    min_value: Decimal | None,
    max_value: Decimal | None,
    rule: dict[str, Any],
) -> Indicator:
    """Change an indicator's weight, plausible range and scoring rule while its framework is a draft.

    The same validation as the file loader applies. Raises ValidationError (frozen framework, bad values);
    the change is logged with its before and after values.
    """
    indicator = Indicator.objects.select_for_update().select_related("framework").get(pk=indicator.pk)
    _ensure_editable(indicator.framework)
    errors: list[str] = []
    if weight <= 0:
        errors.append(_("{code}: the weight must be greater than 0").format(code=indicator.code))
    if min_value is not None and max_value is not None and min_value > max_value:
        errors.append(_("{code}: the plausible minimum is above the maximum").format(code=indicator.code))
    value_range = (min_value, max_value) if min_value is not None and max_value is not None else None
    try:
        normalised = validate_rule(
            rule,
            value_type=indicator.value_type,
            max_points=int(indicator.framework.defaults.get("max_points", 4)),
            code=indicator.code,
            value_range=value_range,
        )
    except FrameworkError as error:
        errors.extend(error.errors)
        normalised = {}
    if errors:
        raise ValidationError(errors)
    before = _editable_state(indicator)
    indicator.weight, indicator.min_value, indicator.max_value, indicator.rule = (
        weight,
        min_value,
        max_value,
        normalised,
    )
    indicator.save(update_fields=["weight", "min_value", "max_value", "rule"])
    IndicatorChange.objects.create(indicator=indicator, changed_by=by, before=before, after=_editable_state(indicator))
    return indicator


def _editable_state(indicator: Indicator) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "weight": text(indicator.weight),
        "min_value": text(indicator.min_value),
        "max_value": text(indicator.max_value),
        "rule": indicator.rule,
    }


def _apply_framework_settings(cycle: AwardCycle, framework: FrameworkVersion) -> None:
    defaults = framework.defaults
    cycle.max_points = int(defaults.get("max_points", cycle.max_points))
    cycle.area_score_formula = defaults.get("area_score_formula", cycle.area_score_formula)
    cycle.completeness_minimum = Decimal(defaults.get("completeness_minimum", cycle.completeness_minimum))
    cycle.tiers = defaults.get("tiers", cycle.tiers)
    cycle.esc_award_core_weight = Decimal(defaults.get("esc_award_core_weight", cycle.esc_award_core_weight))
    cycle.esc_award_governance_weight = Decimal(
        defaults.get("esc_award_governance_weight", cycle.esc_award_governance_weight)
    )
    # The proposed rule (ESC-AWARD.md §2.3): completeness first, then the governance area score.
    cycle.tie_breaks = ["completeness", "governance"]
    quotas = quotas_from_json(defaults["quotas"]) if "quotas" in defaults else DEFAULT_QUOTAS
    cycle.quota_esc_award = quotas.esc_award
    cycle.quota_certificates_total = quotas.certificates_total
    cycle.quota_per_category_and_size = quotas.per_category_and_size
    cycle.quota_source = quotas.source


def _framework_size_classes(framework: FrameworkVersion) -> tuple[SizeClassSpec, ...]:
    stored = framework.defaults.get("size_classes")
    return size_classes_from_json(stored) if stored else DEFAULT_SIZE_CLASSES


@transaction.atomic
def create_cycle(
    *,
    code: str,
    name_th: str,
    name_en: str,
    esc_award_edition: int,
    certificate_edition: int,
    reference_year: int,
    framework: FrameworkVersion,
    responsible_agency_th: str = "",
    responsible_agency_en: str = "",
) -> AwardCycle:
    """Create a draft cycle whose scoring settings, size classes and quotas start from the framework's proposals.

    A framework file without ``size_classes`` or ``quotas`` gives the portal's defaults (indicators.rules.cycle_data:
    ASEAN's 2011/2017 bands and the 2021 quotas, each with its source).
    """
    cycle = AwardCycle(
        code=code,
        name_th=name_th,
        name_en=name_en,
        esc_award_edition=esc_award_edition,
        certificate_edition=certificate_edition,
        reference_year=reference_year,
        framework=framework,
        responsible_agency_th=responsible_agency_th,
        responsible_agency_en=responsible_agency_en,
    )
    _apply_framework_settings(cycle, framework)
    cycle.full_clean()
    cycle.save()
    SizeClass.objects.bulk_create(
        SizeClass(
            cycle=cycle,
            code=size.code,
            name_th=size.name_th,
            name_en=size.name_en,
            min_population=size.min_population,
            max_population=size.max_population,
            source=size.source,
        )
        for size in _framework_size_classes(framework)
    )
    return cycle


DATE_FIELDS = (
    "call_opens_on",
    "desk_review_ends_on",
    "site_visits_end_on",
    "committee_ranking_on",
    "national_decision_on",
    "packets_due_on",
)
SETTINGS_FIELDS = (
    "responsible_agency_th",
    "responsible_agency_en",
    "max_points",
    "area_score_formula",
    "completeness_minimum",
    "tiers",
    "esc_award_core_weight",
    "esc_award_governance_weight",
    "quota_esc_award",
    "quota_certificates_total",
    "quota_per_category_and_size",
    "quota_source",
    "tie_breaks",
    "normalise_reviewers",
    "disagreement_threshold",
)


@transaction.atomic
def clone_cycle(
    *,
    source: AwardCycle,
    code: str,
    name_th: str,
    name_en: str,
    reference_year: int,
    call_opens_on: dt.date,
) -> AwardCycle:
    """Start a new draft cycle from a previous one.

    Its framework is copied as a new draft version; editions go up by one; every date moves by the distance
    between the two call-open dates (or between the reference years when the source has no call date);
    size classes, quotas and scoring settings are copied. Extensions are not.
    """
    if source.call_opens_on is not None:
        shift = call_opens_on - source.call_opens_on
    else:
        shift = dt.date(reference_year, 1, 1) - dt.date(source.reference_year, 1, 1)
    cycle = AwardCycle(
        code=code,
        name_th=name_th,
        name_en=name_en,
        esc_award_edition=source.esc_award_edition + 1,
        certificate_edition=source.certificate_edition + 1,
        reference_year=reference_year,
        framework=copy_framework(framework=source.framework),
        previous=source,
        phase=CyclePhase.DRAFT,
    )
    for field in SETTINGS_FIELDS:
        setattr(cycle, field, getattr(source, field))
    for field in DATE_FIELDS:
        value = getattr(source, field)
        setattr(cycle, field, None if value is None else value + shift)
    cycle.call_opens_on = call_opens_on
    if source.submission_deadline is not None:
        cycle.submission_deadline = source.submission_deadline + shift
    cycle.full_clean()
    cycle.save()
    SizeClass.objects.bulk_create(
        SizeClass(
            cycle=cycle,
            code=size.code,
            name_th=size.name_th,
            name_en=size.name_en,
            min_population=size.min_population,
            max_population=size.max_population,
            source=size.source,
        )
        for size in source.size_classes.all()
    )
    return cycle


@transaction.atomic
def change_phase(*, cycle: AwardCycle, to_phase: str, by: User, note: str = "") -> AwardCycle:
    """Move a cycle to its next phase; only the moves in PHASE_TRANSITIONS are allowed.

    Opening the call needs a submission deadline and freezes the cycle's framework. Raises ValidationError.
    """
    cycle = AwardCycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    if to_phase not in PHASE_TRANSITIONS[cycle.phase]:
        allowed = ", ".join(str(CyclePhase(phase).label) for phase in PHASE_TRANSITIONS[cycle.phase]) or "—"
        raise ValidationError(
            _("A cycle in phase “{current}” cannot move to “{target}”. Allowed next: {allowed}.").format(
                current=cycle.get_phase_display(), target=CyclePhase(to_phase).label, allowed=allowed
            ),
            code="illegal_transition",
        )
    if to_phase == CyclePhase.CALL_OPEN:
        if cycle.submission_deadline is None:
            raise ValidationError(_("Set the submission deadline before opening the call."), code="no_deadline")
        _freeze(cycle.framework)
    CyclePhaseChange.objects.create(cycle=cycle, from_phase=cycle.phase, to_phase=to_phase, changed_by=by, note=note)
    cycle.phase = to_phase
    cycle.save(update_fields=["phase", "updated_at"])
    return cycle


def _freeze(framework: FrameworkVersion) -> None:
    if framework.frozen_at is None:
        framework.frozen_at = timezone.now()
        framework.save(update_fields=["frozen_at", "updated_at"])


@transaction.atomic
def adopt_framework(*, cycle: AwardCycle, framework: FrameworkVersion) -> AwardCycle:
    """Make a cycle score with another version of its framework (same framework code).

    A cycle past its draft phase freezes the adopted version at once. Scoring listens to framework_adopted
    (sent after commit) and rescores the cycle.
    """
    cycle = AwardCycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    if framework.code != cycle.framework.code:
        raise ValidationError(_("Only a version of the cycle's own framework can be adopted."), code="other_code")
    cycle.framework = framework
    cycle.save(update_fields=["framework", "updated_at"])
    if cycle.phase != CyclePhase.DRAFT:
        _freeze(framework)
    transaction.on_commit(
        partial(framework_adopted.send, sender=AwardCycle, cycle_id=cycle.pk, framework_id=framework.pk)
    )
    return cycle


@transaction.atomic
def grant_extension(
    *, cycle: AwardCycle, municipality: Municipality, deadline: dt.datetime, reason: str, by: User
) -> DeadlineExtension:
    """Give one municipality a later deadline for the cycle (replacing an earlier extension)."""
    if cycle.submission_deadline is not None and deadline <= cycle.submission_deadline:
        raise ValidationError(
            {"deadline": _("An extension must end after the cycle's submission deadline.")}, code="not_later"
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the extension.")}, code="no_reason")
    extension, _created = DeadlineExtension.objects.update_or_create(
        cycle=cycle,
        municipality=municipality,
        defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": by, "granted_at": timezone.now()},
    )
    return extension
