"""Forms of the review workflow: a site visit on the review sheet; for the administration, assignment, the ranking
board's filters, bulk decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.forms import PortalFormMixin
from portal.models import User
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.enums import DecisionOutcome, DecisionRound

MAX_IDS = 500


def parse_ids(values: list[str]) -> list[int] | None:
    """Application ids from `?ids=1,2,3` or repeated `ids` fields, in order, without repeats; None if malformed."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()  # noqa: PLW2901 -- each comma-separated piece is cleaned in place
            if not part:
                continue
            if not part.isdigit():
                return None
            number = int(part)
            if number not in ids:
                ids.append(number)
    return ids if len(ids) <= MAX_IDS else None


class SiteVisitForm(PortalFormMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("Notes of the visit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was seen, whom you met, which values the visit confirmed or corrected."),
    )


class AutoAssignForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("Reviewers per application"),
        min_value=1,
        max_value=10,
        initial=2,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    cap = forms.IntegerField(
        label=_("At most per reviewer"),
        min_value=1,
        max_value=500,
        initial=10,
        help_text=_("Existing assignments of the cycle count towards the cap."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class AssignForm(forms.Form):
    """Any active reviewer is accepted here: the service refuses a conflicted one by name."""

    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.REVIEWER, is_active=True),
        label=_("Reviewer"),
        error_messages={"invalid_choice": _("Choose an active reviewer.")},
    )


class DecisionForm(forms.Form):
    # No preselected choice: a decision is never made by submitting the form without looking.
    round = forms.ChoiceField(label=_("Round"), choices=[("", "—"), *DecisionRound.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *DecisionOutcome.choices])
    # Not required here: the service refuses an empty note with its own message (one rule, one place).
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)


class AseanOutcomeForm(forms.Form):
    """One national nominee's ASEAN outcome (a form per row on the ASEAN outcomes page)."""

    application = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("ASEAN outcome"), choices=AseanOutcomeChoice.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
