"""Use cases of the ASEAN stage: record what the ASEAN level gave each national nominee."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from indicators.enums import ASEAN_PHASES
from indicators.models import AwardCycle
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.models import User
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.models import AseanOutcome
from reviews.services_decisions import current_nominees


@transaction.atomic
def record_asean_outcome(*, application: Application, outcome: str, note: str, by: User) -> AseanOutcome:
    """Record (or correct) the ASEAN outcome of one national nominee.

    Allowed only while the cycle is in a phase of the ASEAN stage, and only for an application whose latest
    committee decision is a nomination. Raises ValidationError.
    """
    # The cycle as it stands (locked against a phase change meanwhile), not as the caller loaded it.
    cycle = AwardCycle.objects.select_for_update().get(pk=application.cycle_id)
    if cycle.phase not in ASEAN_PHASES:
        raise ValidationError(
            _("ASEAN outcomes are recorded during the ASEAN stage; the cycle is in “{phase}”.").format(
                phase=cycle.get_phase_display()
            ),
            code="not_asean_stage",
        )
    if outcome not in AseanOutcomeChoice.values:
        raise ValidationError(_("Choose an ASEAN outcome."), code="outcome")
    if application.pk not in {nominee.pk for nominee in current_nominees(cycle)}:
        raise ValidationError(_("Only a national nominee has an ASEAN outcome."), code="not_nominee")
    earlier = AseanOutcome.objects.filter(application=application).first()
    result, _created = AseanOutcome.objects.update_or_create(
        application=application,
        defaults={"outcome": outcome, "note": note.strip(), "recorded_by": by, "recorded_at": timezone.now()},
    )
    result.full_clean()
    record(
        action=AuditAction.ASEAN_OUTCOME_RECORDED,
        by=by,
        target=application,
        cycle=cycle,
        before={"outcome": earlier.outcome, "note": earlier.note} if earlier is not None else {},
        after={"outcome": result.outcome, "note": result.note},
        values_of=AseanOutcome,
    )
    return result
