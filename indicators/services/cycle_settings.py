"""Use cases that change a cycle's settings and size classes, each recorded in its settings history.

Every change is one CycleSettingsChange row (who, when, why, the changed fields before and after) and one entry in
the audit log. A change that touches a setting in SCORE_SETTINGS also sends ``cycle_settings_changed`` inside the
transaction, so that what higher apps derive from it (size classes of applications, due rescores) commits or rolls
back with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from indicators.enums import AreaKind
from indicators.models import AwardCycle, CycleSettingsChange, SizeClass
from indicators.rules import SizeClassSpec, is_source, quota_problems, size_class_problems
from indicators.signals import SCORE_SETTINGS, cycle_settings_changed
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.models import User
from portal.values import json_safe

# The settings an admin edits on the cycle's settings page, in model order. Phase, framework and size classes have
# services of their own (change_phase, adopt_framework, update_size_classes).
CYCLE_SETTINGS: Final = (
    "name_th",
    "name_en",
    "responsible_agency_th",
    "responsible_agency_en",
    "reference_year",
    *AwardCycle.NATIONAL_DATES,
    *AwardCycle.ASEAN_DATES,
    "max_points",
    "area_score_formula",
    "completeness_minimum",
    "tiers",
    "esc_award_core_weight",
    "esc_award_governance_weight",
    "tie_breaks",
    "normalise_reviewers",
    "disagreement_threshold",
    "quota_esc_award",
    "quota_certificates_total",
    "quota_per_category_and_size",
    "quota_source",
)
_QUOTA_FIELDS: Final = ("quota_certificates_total", "quota_per_category_and_size")


def record_settings_change(
    *,
    cycle: AwardCycle,
    fields: Sequence[str],
    before: dict[str, Any],
    after: dict[str, Any],
    by: User,
    reason: str,
    action: AuditAction = AuditAction.SETTINGS_CHANGED,
) -> CycleSettingsChange:
    """Write one history row and its entry in the audit log (as ``action``); when a score setting is among
    ``fields``, tell higher apps within the transaction."""
    change = CycleSettingsChange.objects.create(
        cycle=cycle, changed_by=by, fields=list(fields), before=before, after=after, reason=reason.strip()
    )
    record(action=action, by=by, target=cycle, cycle=cycle, before=before, after=after, note=reason)
    if any(field in SCORE_SETTINGS for field in fields):
        cycle_settings_changed.send(sender=AwardCycle, cycle_id=cycle.pk, fields=list(fields), by_id=by.pk)
    return change


def _check_quotas(cycle: AwardCycle, *, size_classes: int) -> None:
    problems = quota_problems(
        certificates_total=cycle.quota_certificates_total,
        per_category_and_size=cycle.quota_per_category_and_size,
        categories=cycle.framework.areas.filter(kind=AreaKind.CATEGORY).count(),
        size_classes=size_classes,
        where=_("Quotas"),
    )
    if problems:
        raise ValidationError(
            {"quota_certificates_total": [ValidationError(problem, code="quota") for problem in problems]}
        )


@transaction.atomic
def update_cycle_settings(*, cycle: AwardCycle, changes: Mapping[str, Any], by: User, reason: str = "") -> AwardCycle:
    """Change a cycle's settings (any of CYCLE_SETTINGS) and record the change.

    Only fields whose value differs are changed. The cycle row is locked, the result validated with full_clean, and
    the quotas checked against the framework's categories and the cycle's size classes (raises ValidationError,
    changing nothing). One CycleSettingsChange row lists the changed fields with their values before and after
    (JSON-safe); nothing is recorded when nothing changed. When a field of SCORE_SETTINGS changed,
    ``cycle_settings_changed`` is sent before the transaction commits. Raises ValueError for a field that is not a
    cycle setting (a programming error, not the user's).
    """
    unknown = sorted(set(changes) - set(CYCLE_SETTINGS))
    if unknown:
        raise ValueError(f"Not cycle settings: {', '.join(unknown)}")
    cycle = AwardCycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    fields = [field for field in CYCLE_SETTINGS if field in changes and getattr(cycle, field) != changes[field]]
    if not fields:
        return cycle
    before = {field: json_safe(getattr(cycle, field)) for field in fields}
    for field in fields:
        setattr(cycle, field, changes[field])
    cycle.full_clean()
    if any(field in _QUOTA_FIELDS for field in fields):
        _check_quotas(cycle, size_classes=cycle.size_classes.count())
    cycle.save(update_fields=[*fields, "updated_at"])
    after = {field: json_safe(getattr(cycle, field)) for field in fields}
    record_settings_change(cycle=cycle, fields=fields, before=before, after=after, by=by, reason=reason)
    return cycle


@dataclass(frozen=True, slots=True)
class SizeClassEdit:
    """One band as the admin leaves it: ``pk`` of the size class it changes, or None for a new one."""

    pk: int | None
    band: SizeClassSpec


def _band(size: SizeClass) -> SizeClassSpec:
    return SizeClassSpec(size.code, size.name_th, size.name_en, size.min_population, size.max_population, size.source)


def _band_problems(edits: Sequence[SizeClassEdit], existing: Mapping[int, SizeClass]) -> list[str]:
    where = _("Size classes")
    problems: list[str] = []
    if any(edit.pk is not None and edit.pk not in existing for edit in edits):
        problems.append(_("{where}: a size class you changed no longer exists; reload the page").format(where=where))
    if not edits:
        problems.append(_("{where}: a cycle needs at least one size class").format(where=where))
    problems.extend(
        _("{where}: the source of “{code}” must be a web address or “proposed”").format(
            where=where, code=edit.band.code
        )
        for edit in edits
        if not is_source(edit.band.source)
    )
    return problems + size_class_problems([edit.band for edit in edits], where=where)


def _delete_unused(removed: Sequence[SizeClass]) -> None:
    """Delete size classes no application belongs to; refuse (naming each) those applications still belong to."""
    refused: list[str] = []
    for size in removed:
        try:
            with transaction.atomic():
                size.delete()
        except ProtectedError as error:
            refused.append(
                _(
                    "Size class “{code}” cannot be removed: {count} application(s) belong to it. Change its band "
                    "instead; once no application belongs to it, it can be removed."
                ).format(code=size.code, count=len(error.protected_objects))
            )
    if refused:
        raise ValidationError(refused, code="protected")


def _save_bands(cycle: AwardCycle, edits: Sequence[SizeClassEdit], existing: Mapping[int, SizeClass]) -> None:
    # Codes are unique per cycle: a renamed band first steps aside, so that two bands may swap codes.
    renamed = [edit.pk for edit in edits if edit.pk is not None and existing[edit.pk].code != edit.band.code]
    for pk in renamed:
        SizeClass.objects.filter(pk=pk).update(code=f"renaming-{pk}")
    for edit in edits:
        size = existing[edit.pk] if edit.pk is not None else SizeClass(cycle=cycle)
        band = edit.band
        size.code, size.name_th, size.name_en = band.code, band.name_th, band.name_en
        size.min_population, size.max_population, size.source = band.min_population, band.max_population, band.source
        size.full_clean()
        size.save()


@transaction.atomic
def update_size_classes(
    *, cycle: AwardCycle, bands: Sequence[SizeClassEdit], by: User, reason: str = ""
) -> list[SizeClass]:
    """Make a cycle's size classes ``bands``: change the ones named by pk, add the new ones, remove the rest.

    The bands are checked as a framework file's are (codes unique, maximum above minimum, no overlap, a web address
    or "proposed" as source) and the quotas against their number; a size class that applications still belong to
    cannot be removed (Application.size_class protects it): ValidationError names it, and nothing changes. When the
    bands differ from before, one CycleSettingsChange row records field "size_classes" with the bands before and
    after, and ``cycle_settings_changed`` is sent with "size_classes" inside the transaction. This app cannot import
    applications, so re-deriving each application's size class from the new bands is left to a receiver of that
    signal in a higher app (it runs in this transaction). Returns the size classes, smallest population first.
    """
    cycle = AwardCycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    existing = {size.pk: size for size in cycle.size_classes.all()}
    edits = sorted(bands, key=lambda edit: (edit.band.min_population, edit.band.code))
    problems = _band_problems(edits, existing)
    if problems:
        raise ValidationError(problems, code="invalid_bands")
    _check_quotas(cycle, size_classes=len(edits))
    before = [_band(size).as_json() for size in existing.values()]
    after = [edit.band.as_json() for edit in edits]
    kept = {edit.pk for edit in edits}
    if before != after or set(existing) != kept:
        _delete_unused([size for pk, size in existing.items() if pk not in kept])
        _save_bands(cycle, edits, existing)
        record_settings_change(
            cycle=cycle,
            fields=["size_classes"],
            before={"size_classes": before},
            after={"size_classes": after},
            by=by,
            reason=reason,
            action=AuditAction.SIZE_CLASSES_CHANGED,
        )
    return list(cycle.size_classes.order_by("min_population"))
