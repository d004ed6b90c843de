"""Forms for administering cycles and frameworks."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.enums import PHASE_TRANSITIONS, CyclePhase
from indicators.models import AwardCycle, FrameworkVersion, Indicator
from indicators.rules import SizeClassSpec, is_source
from indicators.rules.vocabulary import TIE_BREAKS
from portal.forms import PortalFormMixin
from portal.models import Municipality


class CycleCreateForm(PortalFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Short and unique, e.g. esc-2027."))
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=250)
    name_en = forms.CharField(label=_("Name (English)"), max_length=250)
    esc_award_edition = forms.IntegerField(label=_("ESC Award edition"), min_value=1)
    certificate_edition = forms.IntegerField(label=_("Certificate of Recognition edition"), min_value=1)
    reference_year = forms.IntegerField(
        label=_("Reference year of the data (AD)"), min_value=2000, max_value=2100, help_text=_("e.g. 2025")
    )
    framework = forms.ModelChoiceField(label=_("Indicator framework"), queryset=FrameworkVersion.objects.all())
    responsible_agency_th = forms.CharField(label=_("National focal point (Thai)"), max_length=250, required=False)
    responsible_agency_en = forms.CharField(label=_("National focal point (English)"), max_length=250, required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if AwardCycle.objects.filter(code=code).exists():
            raise ValidationError(_("A cycle with this code already exists."), code="duplicate")
        return code


class CycleCloneForm(PortalFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code of the new cycle"), max_length=40)
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=250)
    name_en = forms.CharField(label=_("Name (English)"), max_length=250)
    reference_year = forms.IntegerField(label=_("Reference year of the data (AD)"), min_value=2000, max_value=2100)
    call_opens_on = forms.DateField(
        label=_("Call opens on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Every other date moves by the same distance."),
    )

    clean_code = CycleCreateForm.clean_code


TIER_KEYS = ("min_score", "code", "label_th", "label_en")


def tier_line(tier: Any) -> str:
    """A stored tier (a mapping of TIER_KEYS) as the field's line; anything else as its text, for clean to refuse."""
    if not isinstance(tier, dict) or not all(isinstance(tier.get(key), str) for key in TIER_KEYS):
        return str(tier)  # not four texts, as tiers are stored: a line that clean refuses with its message
    return " | ".join(str(tier[key]) for key in TIER_KEYS)


class TiersField(forms.CharField):
    """Tiers as lines 'minimum score | code | Thai label | English label', highest first. The API may send them as
    they are stored, a list of mappings; they are read as those lines, with the same checks and messages."""

    widget = forms.Textarea(attrs={"rows": 4})
    takes_structures = True  # the API's form input lets a list through to this field (portal.api_forms)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(tier_line(tier) for tier in value)
        return value

    def to_python(self, value: Any) -> str | None:
        return super().to_python(self.prepare_value(value))

    def clean(self, value: Any) -> list[dict[str, str]]:
        text = super().clean(value)
        tiers: list[dict[str, str]] = []
        for number, line in enumerate(filter(None, (row.strip() for row in text.splitlines())), start=1):
            parts = [part.strip() for part in line.split("|")]
            try:
                if len(parts) != 4 or not all(parts):
                    raise ValueError
                score = Decimal(parts[0])
            except (ValueError, InvalidOperation) as error:
                raise ValidationError(
                    _("Line {number}: write 'minimum score | code | Thai label | English label'.").format(number=number)
                ) from error
            if not Decimal(0) <= score <= Decimal(100):
                raise ValidationError(_("Line {number}: the score must be from 0 to 100.").format(number=number))
            tiers.append({"min_score": str(score), "code": parts[1], "label_th": parts[2], "label_en": parts[3]})
        scores = [Decimal(tier["min_score"]) for tier in tiers]
        if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValidationError(_("List the tiers from the highest minimum score to the lowest, each once."))
        if not tiers or scores[-1] != 0:
            raise ValidationError(_("The last tier must start at 0."))
        return tiers


class CycleSettingsForm(PortalFormMixin, forms.ModelForm):
    """Validates and renders the cycle's settings; the views save them through update_cycle_settings, never save().

    ``only`` names the settings to change (the API's partial update): the form then has those fields and the reason,
    and checks them together with the cycle's other settings as they are.
    """

    tiers = TiersField(
        label=_("Tiers"), help_text=_("One per line: minimum score | code | Thai label | English label.")
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Kept with the change in the cycle's settings history."),
    )

    class Meta:
        model = AwardCycle
        fields = [
            "name_th",
            "name_en",
            "responsible_agency_th",
            "responsible_agency_en",
            "reference_year",
            *AwardCycle.NATIONAL_DATES,
            *AwardCycle.ASEAN_DATES,
            "max_points",
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
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in (*AwardCycle.NATIONAL_DATES, *AwardCycle.ASEAN_DATES)
        } | {
            "submission_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args: Any, only: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if only is not None:
            kept = {*only, "reason"}
            for name in [name for name in self.fields if name not in kept]:
                del self.fields[name]

    def clean_tie_breaks(self) -> list[str]:
        tie_breaks = self.cleaned_data["tie_breaks"]
        if tie_breaks is None and not isinstance(self.data.get("tie_breaks"), dict):  # none given (an empty object is
            return []  # read as none too, so it is looked at as given)
        tie_breaks = {} if tie_breaks is None else tie_breaks
        if (
            not isinstance(tie_breaks, list)
            or any(name not in TIE_BREAKS for name in tie_breaks)
            or len(set(tie_breaks)) != len(tie_breaks)
        ):
            raise ValidationError(
                _("List tie-breaks from these, each at most once: {names}.").format(names=", ".join(TIE_BREAKS)),
                code="invalid",
            )
        return tie_breaks

    def clean_quota_source(self) -> str:
        source = str(self.cleaned_data["quota_source"]).strip()
        if source and not is_source(source):
            raise ValidationError(_("Give a web address (http:// or https://), or “proposed”."))
        return source

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's own clean() returns cleaned_data
        core, governance = self._setting("esc_award_core_weight"), self._setting("esc_award_governance_weight")
        if core is not None and governance is not None and core + governance != 1:
            raise ValidationError(_("The ESC Award weights of core areas and governance must add up to 1."))
        return cleaned

    def _setting(self, name: str) -> Any:
        """A setting as it will be: the cleaned value of a field of the form, else the cycle's own."""
        return self.cleaned_data.get(name) if name in self.fields else getattr(self.instance, name)

    def settings(self) -> dict[str, Any]:
        """The cleaned settings, for update_cycle_settings (every field of the form but the reason)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class SizeClassForm(PortalFormMixin, forms.Form):
    """One population band: min_population ≤ population < max_population (empty: no upper limit)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(label=_("Code"), max_length=20, help_text=_("e.g. small, big"))
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
    min_population = forms.IntegerField(label=_("Minimum population"), min_value=0, max_value=2_000_000_000)
    max_population = forms.IntegerField(
        label=_("Maximum population"),
        min_value=1,
        max_value=2_000_000_000,
        required=False,
        help_text=_("Not included. Leave empty for no upper limit."),
    )
    source = forms.CharField(
        label=_("Source"), max_length=500, help_text=_("A web address (http:// or https://), or “proposed”.")
    )

    def clean_source(self) -> str:
        source = str(self.cleaned_data["source"]).strip()
        if not is_source(source):
            raise ValidationError(_("Give a web address (http:// or https://), or “proposed”."))
        return source

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's own clean() returns cleaned_data
        low, high = cleaned.get("min_population"), cleaned.get("max_population")
        if low is not None and high is not None and high <= low:
            self.add_error("max_population", _("The maximum must be above the minimum."))
        return cleaned

    def band(self) -> SizeClassSpec:
        data = self.cleaned_data
        return SizeClassSpec(
            data["code"],
            data["name_th"],
            data["name_en"],
            data["min_population"],
            data["max_population"],
            data["source"],
        )


SizeClassFormSet = forms.formset_factory(SizeClassForm, extra=1, can_delete=True, max_num=20, validate_max=True)


class ChangeReasonForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Kept with the change in the cycle's settings history."),
    )


class PhaseForm(PortalFormMixin, forms.Form):
    to_phase = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, cycle: AwardCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every phase is offered so that a stale page gets the service's clear refusal, not a form error.
        cast(forms.ChoiceField, self.fields["to_phase"]).choices = CyclePhase.choices
        self.fields["to_phase"].initial = next(iter(PHASE_TRANSITIONS[cycle.phase]), None)


class ExtensionForm(PortalFormMixin, forms.Form):
    municipality = forms.CharField(
        label=_("Municipality"),
        help_text=_("Type the name or the local government code and pick from the list."),
        widget=forms.TextInput(attrs={"list": "municipality-options", "autocomplete": "off"}),
    )
    deadline = forms.DateTimeField(
        label=_("Extended deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_municipality(self) -> Municipality:
        text = self.cleaned_data["municipality"].strip()
        code = text.split(" ", 1)[0]
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise ValidationError(_("No municipality has the code “{code}”.").format(code=code))
        return municipality


class IndicatorRuleForm(PortalFormMixin, forms.Form):
    weight = forms.DecimalField(label=_("Weight"), max_digits=8, decimal_places=4)
    min_value = forms.DecimalField(label=_("Plausible minimum"), max_digits=14, decimal_places=4, required=False)
    max_value = forms.DecimalField(label=_("Plausible maximum"), max_digits=14, decimal_places=4, required=False)
    rule = forms.CharField(
        label=_("Scoring rule"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace", "spellcheck": "false"}),
        help_text=_("YAML, in the format of docs/framework-format.md."),
    )

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        return {
            "weight": indicator.weight,
            "min_value": indicator.min_value,
            "max_value": indicator.max_value,
            "rule": yaml.safe_dump(indicator.rule, allow_unicode=True, sort_keys=False),
        }

    def clean_rule(self) -> dict[str, Any]:
        try:
            rule = yaml.safe_load(self.cleaned_data["rule"])
        except yaml.YAMLError as error:
            raise ValidationError(_("The rule is not valid YAML: {error}").format(error=error)) from error
        if not isinstance(rule, dict):
            raise ValidationError(_("The rule must be a mapping with a “type” key."))
        return rule
