"""Use cases for indicator frameworks: load a file, copy a version, edit a draft indicator, freeze."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Area,
    AwardCycle,
    FrameworkVersion,
    Indicator,
    IndicatorChange,
)
from indicators.rules import (
    FrameworkError,
    FrameworkSpec,
    parse_framework,
    validate_rule,
)
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.i18n import localized
from portal.models import User


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
def load_framework(*, text: str, by: User | None = None) -> FrameworkLoad:
    """Parse a framework file and store it as a new framework version, all or nothing.

    Loading the same file again changes nothing. Raises ValidationError listing every problem in the file, or
    when the same code and version is already loaded with different content (a change needs a new version). A new
    version is recorded in the audit log as ``by``'s action (None: a command's or the demo data's).
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
    framework = FrameworkVersion(
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
    areas = [
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
    ]
    indicators = [
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
    ]
    problems = _storage_problems(framework, areas, indicators)
    if problems:
        raise ValidationError(problems)
    framework.save()
    Area.objects.bulk_create(areas)
    Indicator.objects.bulk_create(indicators)
    record(
        action=AuditAction.FRAMEWORK_LOADED,
        by=by,
        target=framework,
        after={
            "code": framework.code,
            "version": framework.version,
            "name_th": framework.name_th,
            "name_en": framework.name_en,
        },
    )
    return FrameworkLoad(framework, created=True, indicators_per_area=_indicator_counts(framework))


def _storage_problems(framework: FrameworkVersion, areas: list[Area], indicators: list[Indicator]) -> list[str]:
    """What the parser accepts but the columns cannot hold (a name over its length, a range or weight with too many
    digits), named by the framework, area or indicator code and the key, before anything is written."""
    problems: list[str] = []
    rows: list[Area | Indicator] = [*areas, *indicators]
    for where, instance in [(framework.code, framework), *((row.code, row) for row in rows)]:
        try:
            instance.clean_fields(exclude=["framework", "area", "derived_from"])
        except ValidationError as error:
            problems += [
                _("{code}: “{key}”: {problem}").format(code=where, key=key, problem=problem)
                for key, messages in error.message_dict.items()
                for problem in messages
            ]
    return problems


def _indicator_counts(framework: FrameworkVersion) -> tuple[tuple[str, int], ...]:
    return tuple((area.code, area.indicators.count()) for area in framework.areas.all())


def _only_cycle(framework: FrameworkVersion) -> AwardCycle | None:
    """The cycle that uses the framework version, when exactly one does: the audit log files the change under it."""
    cycles = list(AwardCycle.objects.filter(framework=framework).only("pk", "code")[:2])
    return cycles[0] if len(cycles) == 1 else None


@transaction.atomic
def copy_framework(*, framework: FrameworkVersion, by: User | None = None) -> FrameworkVersion:
    """Copy a framework (usually frozen) into a new draft version with the next version number; recorded in the audit
    log, under the cycle that uses ``framework`` (when only one does)."""
    copy = copy_framework_version(framework)
    record(
        action=AuditAction.FRAMEWORK_COPIED,
        by=by,
        target=copy,
        cycle=_only_cycle(framework),
        after={"derived_from": str(framework), "version": copy.version},
    )
    return copy


def copy_framework_version(framework: FrameworkVersion) -> FrameworkVersion:
    """The copy itself, for a use case that records its own audit entry (clone_cycle); call it in a transaction."""
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
    after = _editable_state(indicator)
    IndicatorChange.objects.create(indicator=indicator, changed_by=by, before=before, after=after)
    changed = [field for field in after if after[field] != before[field]]
    record(
        action=AuditAction.INDICATOR_CHANGED,
        by=by,
        target=indicator,
        label=lambda: f"{indicator.code} {localized(indicator)} ({indicator.framework})",
        cycle=_only_cycle(indicator.framework),
        before={field: before[field] for field in changed},
        after={field: after[field] for field in changed},
    )
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


def freeze_framework(framework: FrameworkVersion) -> None:
    if framework.frozen_at is None:
        framework.frozen_at = timezone.now()
        framework.save(update_fields=["frozen_at", "updated_at"])
