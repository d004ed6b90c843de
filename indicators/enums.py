"""Choices for award cycles and frameworks."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CyclePhase(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("cycle phase", "Draft")
    CALL_OPEN = "call_open", pgettext_lazy("cycle phase", "Call open")
    SUBMISSION_CLOSED = "submission_closed", pgettext_lazy("cycle phase", "Submission closed")
    DESK_REVIEW = "desk_review", pgettext_lazy("cycle phase", "Desk review")
    SITE_VISITS = "site_visits", pgettext_lazy("cycle phase", "Site visits")
    COMMITTEE_RANKING = "committee_ranking", pgettext_lazy("cycle phase", "Committee ranking")
    NATIONAL_DECISION = "national_decision", pgettext_lazy("cycle phase", "National decision")
    PACKETS_EXPORTED = "packets_exported", pgettext_lazy("cycle phase", "Packets exported")
    # The ASEAN stage: after the national nominees are handed over, the award goes on at the regional level.
    ASEAN_HANDOVER = "asean_handover", pgettext_lazy("cycle phase", "Hand-over to the ASEAN working group")
    ASEAN_SELECTION = "asean_selection", pgettext_lazy("cycle phase", "ASEAN regional selection")
    ASEAN_ENDORSEMENT = "asean_endorsement", pgettext_lazy("cycle phase", "Senior officials' endorsement")
    ASEAN_CEREMONY = "asean_ceremony", pgettext_lazy("cycle phase", "Ministers' award ceremony")
    ARCHIVED = "archived", pgettext_lazy("cycle phase", "Archived")


# The phases of the ASEAN stage, in order: the ASEAN outcome of each national nominee is recorded in them.
ASEAN_PHASES: tuple[str, ...] = (
    CyclePhase.ASEAN_HANDOVER,
    CyclePhase.ASEAN_SELECTION,
    CyclePhase.ASEAN_ENDORSEMENT,
    CyclePhase.ASEAN_CEREMONY,
)

# The phases in which the national decision stands and results may be shown and published: from the national
# decision on (the ASEAN stage and the archive included).
DECIDED_PHASES: tuple[str, ...] = (
    CyclePhase.NATIONAL_DECISION,
    CyclePhase.PACKETS_EXPORTED,
    *ASEAN_PHASES,
    CyclePhase.ARCHIVED,
)

# The only moves a cycle may make. Forward one step, with two exceptions: site visits are optional (desk
# review may go straight to committee ranking), and a call closed too early may be reopened.
PHASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CyclePhase.DRAFT: (CyclePhase.CALL_OPEN,),
    CyclePhase.CALL_OPEN: (CyclePhase.SUBMISSION_CLOSED,),
    CyclePhase.SUBMISSION_CLOSED: (CyclePhase.DESK_REVIEW, CyclePhase.CALL_OPEN),
    CyclePhase.DESK_REVIEW: (CyclePhase.SITE_VISITS, CyclePhase.COMMITTEE_RANKING),
    CyclePhase.SITE_VISITS: (CyclePhase.COMMITTEE_RANKING,),
    CyclePhase.COMMITTEE_RANKING: (CyclePhase.NATIONAL_DECISION,),
    CyclePhase.NATIONAL_DECISION: (CyclePhase.PACKETS_EXPORTED,),
    CyclePhase.PACKETS_EXPORTED: (CyclePhase.ASEAN_HANDOVER,),
    CyclePhase.ASEAN_HANDOVER: (CyclePhase.ASEAN_SELECTION,),
    CyclePhase.ASEAN_SELECTION: (CyclePhase.ASEAN_ENDORSEMENT,),
    CyclePhase.ASEAN_ENDORSEMENT: (CyclePhase.ASEAN_CEREMONY,),
    CyclePhase.ASEAN_CEREMONY: (CyclePhase.ARCHIVED,),
    CyclePhase.ARCHIVED: (),
}


class Track(models.TextChoices):
    ESC_AWARD = "esc_award", _("ESC Award (national nominee)")
    CERTIFICATE = "certificate", _("Certificate of Recognition (competitive)")


class AreaKind(models.TextChoices):
    CATEGORY = "category", _("Certificate category")
    GOVERNANCE = "governance", _("Governance (national ranking)")


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    COUNT = "count", _("Count")
    YES_NO = "yes_no", _("Yes / no")
    RUBRIC = "rubric", _("Rubric 0–4")
    TEXT = "text", _("Text")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Higher is better")
    LOWER_BETTER = "lower_better", _("Lower is better")


class Provenance(models.TextChoices):
    SOURCED = "sourced", _("Sourced")
    SOURCED_TOPIC = "sourced_topic", _("Topic sourced, rule proposed")
    PROPOSED = "proposed", _("Proposed")
