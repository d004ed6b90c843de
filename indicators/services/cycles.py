"""Use cases for award cycles: create, clone, move phases, adopt a framework version, extend a deadline, publish
the results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.enums import DECIDED_PHASES, PHASE_TRANSITIONS, CyclePhase
from indicators.models import (
    AwardCycle,
    CyclePhaseChange,
    DeadlineExtension,
    FrameworkVersion,
    SizeClass,
)
from indicators.rules import (
    DEFAULT_QUOTAS,
    DEFAULT_SIZE_CLASSES,
    SizeClassSpec,
    quotas_from_json,
    size_classes_from_json,
)
from indicators.services.cycle_settings import record_settings_change
from indicators.services.frameworks import copy_framework_version, freeze_framework
from indicators.signals import framework_adopted, results_published
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.models import Municipality, User
from portal.notifications.services import notify
from portal.selectors import active_officers


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
    by: User | None = None,
) -> AwardCycle:
    """Create a draft cycle whose scoring settings, size classes and quotas start from the framework's proposals.

    A framework file without ``size_classes`` or ``quotas`` gives the portal's defaults (indicators.rules.cycle_data:
    ASEAN's 2011/2017 bands and the 2021 quotas, each with its source). Recorded in the audit log as ``by``'s action
    (None: the portal's own, e.g. the demo data).
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
    _add_size_classes(cycle, _framework_size_classes(framework))
    record(action=AuditAction.CYCLE_CREATED, by=by, target=cycle, cycle=cycle, after=_identity(cycle))
    return cycle


def _identity(cycle: AwardCycle) -> dict[str, object]:
    """What the audit log keeps of a new cycle."""
    return {
        "code": cycle.code,
        "name_th": cycle.name_th,
        "name_en": cycle.name_en,
        "esc_award_edition": cycle.esc_award_edition,
        "certificate_edition": cycle.certificate_edition,
        "reference_year": cycle.reference_year,
        "framework": str(cycle.framework),
    }


def _add_size_classes(cycle: AwardCycle, sizes: Iterable[SizeClass | SizeClassSpec]) -> None:
    """The cycle's size classes, copied from a framework's bands or from another cycle's size classes."""
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
        for size in sizes
    )


DATE_FIELDS = (
    "call_opens_on",
    "desk_review_ends_on",
    "site_visits_end_on",
    "committee_ranking_on",
    "national_decision_on",
    "packets_due_on",
    "asean_handover_on",
    "asean_selection_on",
    "asean_endorsement_on",
    "asean_ceremony_on",
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
    by: User | None = None,
) -> AwardCycle:
    """Start a new draft cycle from a previous one.

    Its framework is copied as a new draft version; editions go up by one; every date moves by the distance
    between the two call-open dates (or between the reference years when the source has no call date);
    size classes, quotas and scoring settings are copied. Extensions are not. One entry in the audit log records the
    clone (with the framework version it made).
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
        framework=copy_framework_version(source.framework),
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
    _add_size_classes(cycle, source.size_classes.all())
    record(
        action=AuditAction.CYCLE_CLONED,
        by=by,
        target=cycle,
        cycle=cycle,
        after={**_identity(cycle), "previous": source.code, "call_opens_on": cycle.call_opens_on},
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
        freeze_framework(cycle.framework)
    CyclePhaseChange.objects.create(cycle=cycle, from_phase=cycle.phase, to_phase=to_phase, changed_by=by, note=note)
    before = {"phase": cycle.phase}
    cycle.phase = to_phase
    cycle.save(update_fields=["phase", "updated_at"])
    record(
        action=AuditAction.PHASE_CHANGED,
        by=by,
        target=cycle,
        cycle=cycle,
        before=before,
        after={"phase": to_phase},
        note=note,
    )
    return cycle


@transaction.atomic
def adopt_framework(*, cycle: AwardCycle, framework: FrameworkVersion, by: User, reason: str = "") -> AwardCycle:
    """Make a cycle score with another version of its framework (same framework code).

    A cycle past its draft phase freezes the adopted version at once. The change is recorded in the cycle's settings
    history (field "framework", "code vN" before and after); adopting the version in use changes nothing. Scoring
    listens to framework_adopted (sent after commit) and rescores the cycle.
    """
    cycle = AwardCycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)
    if framework.code != cycle.framework.code:
        raise ValidationError(_("Only a version of the cycle's own framework can be adopted."), code="other_code")
    if framework.pk == cycle.framework_id:
        return cycle
    before = str(cycle.framework)
    cycle.framework = framework
    cycle.save(update_fields=["framework", "updated_at"])
    if cycle.phase != CyclePhase.DRAFT:
        freeze_framework(framework)
    record_settings_change(
        cycle=cycle,
        fields=["framework"],
        before={"framework": before},
        after={"framework": str(framework)},
        by=by,
        reason=reason,
        action=AuditAction.FRAMEWORK_ADOPTED,
    )
    transaction.on_commit(
        partial(framework_adopted.send, sender=AwardCycle, cycle_id=cycle.pk, framework_id=framework.pk)
    )
    return cycle


@transaction.atomic
def grant_extension(
    *, cycle: AwardCycle, municipality: Municipality, deadline: dt.datetime, reason: str, by: User
) -> DeadlineExtension:
    """Give one municipality a later deadline for the cycle (replacing an earlier extension); its officers are told
    by e-mail and in the portal."""
    if cycle.submission_deadline is not None and deadline <= cycle.submission_deadline:
        # A refusal keyed by field keeps its code only on the inner error (Django drops a dict's own code).
        raise ValidationError(
            {
                "deadline": ValidationError(
                    _("An extension must end after the cycle's submission deadline."), code="not_later"
                )
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(_("Give the reason for the extension."), code="no_reason")})
    earlier = DeadlineExtension.objects.filter(cycle=cycle, municipality=municipality).first()
    extension, _created = DeadlineExtension.objects.update_or_create(
        cycle=cycle,
        municipality=municipality,
        defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": by, "granted_at": timezone.now()},
    )
    record(
        action=AuditAction.EXTENSION_GRANTED,
        by=by,
        target=municipality,
        cycle=cycle,
        before={"deadline": earlier.deadline, "reason": earlier.reason} if earlier is not None else {},
        after={"deadline": extension.deadline, "reason": extension.reason},
        values_of=DeadlineExtension,
    )
    notify(
        event="deadline_extended",
        to=list(active_officers([municipality.pk])),
        context={"municipality": municipality, "cycle": cycle, "deadline": deadline, "reason": extension.reason},
        link=reverse("applications:list"),
        by=by,
    )
    return extension


@transaction.atomic
def publish_results(*, cycle: AwardCycle, by: User) -> AwardCycle:
    """Make the cycle's results public: the results page, the open data and the municipalities' feedback.

    Allowed once the cycle has reached the national decision (or any later phase), and only once: publishing twice
    is refused. Records the change in the cycle's settings history and sends results_published after commit.
    Raises ValidationError.
    """
    cycle = AwardCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.results_published_at is not None:
        raise ValidationError(
            _("The results of this cycle were already published on {when}.").format(
                when=timezone.localtime(cycle.results_published_at).strftime("%Y-%m-%d %H:%M")
            ),
            code="already_published",
        )
    if cycle.phase not in DECIDED_PHASES:
        raise ValidationError(
            _("Results can be published once the cycle has reached the national decision; it is in “{phase}”.").format(
                phase=cycle.get_phase_display()
            ),
            code="too_early",
        )
    cycle.results_published_at = timezone.now()
    cycle.save(update_fields=["results_published_at", "updated_at"])
    record_settings_change(
        cycle=cycle,
        fields=["results_published_at"],
        before={"results_published_at": None},
        after={"results_published_at": cycle.results_published_at.isoformat()},
        by=by,
        reason="",
        action=AuditAction.RESULTS_PUBLISHED,
    )
    transaction.on_commit(partial(results_published.send, sender=AwardCycle, cycle=cycle))
    return cycle
