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
    ARCHIVED = "archived", pgettext_lazy("cycle phase", "Archived")


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
    CyclePhase.PACKETS_EXPORTED: (CyclePhase.ARCHIVED,),
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
