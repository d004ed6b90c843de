"""Forms of the application pages (the per-field autosave posts plain fields, parsed by the services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.enums import AreaKind, Track
from indicators.models import AwardCycle
from portal.forms import PortalFormMixin
from portal.i18n import localized


class StartApplicationForm(PortalFormMixin, forms.Form):
    track = forms.ChoiceField(
        label=_("Track"), choices=Track.choices, widget=forms.RadioSelect, initial=Track.ESC_AWARD
    )
    category_code = forms.ChoiceField(
        label=_("Certificate category"),
        required=False,
        help_text=_("Only for a Certificate of Recognition: one category per application."),
    )

    def __init__(self, *args: Any, cycle: AwardCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = cycle.framework.areas.filter(kind=AreaKind.CATEGORY).order_by("position")
        cast(forms.ChoiceField, self.fields["category_code"]).choices = [
            ("", "—"),
            *[(area.code, f"{area.code} · {localized(area)}") for area in areas],
        ]


class ReopenForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the municipality)"), widget=forms.Textarea(attrs={"rows": 3}))
