"""Form plumbing shared by every app: Bootstrap widget classes and the auth forms."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from portal.audit.enums import AuditAction
from portal.audit.selectors import AuditFilter
from portal.enums import OFFICER_ROLE_CHOICES, Role
from portal.i18n import current_language
from portal.models import ApiTokenScope, Municipality, Province, User
from portal.selectors import registration_for_login
from portal.services_municipalities import CORRECTABLE_FIELDS


class PortalFormMixin:
    """Give every widget the Bootstrap class it needs, and date pickers the page's language (lang="th" or "en": the
    browser's picker then names months and orders the parts of a date as the page does); fields render through
    includes/_field.html."""

    template_name = "includes/_form.html"
    fields: dict[str, forms.Field]  # the form's, which this mixin comes before

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget,
                forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect,
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput | forms.DateTimeInput | forms.TimeInput):
                widget.attrs["lang"] = current_language()


class LoginForm(PortalFormMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is not active."),
        "unverified": _(
            "Your registration is waiting for you to confirm your e-mail address. Open the link we sent to "
            "%(email)s; it is valid for three days."
        ),
        "awaiting_approval": _(
            "Your e-mail address is confirmed and your registration is waiting for an administrator's approval. "
            "We will e-mail you as soon as it is decided; you can sign in from then on."
        ),
        "rejected": _("Your registration was not approved: %(reason)s"),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # Only someone who knows the registration's password learns where it stands (no address probing).
            email, password = self.cleaned_data.get("username") or "", self.data.get("password", "")
            registration = registration_for_login(email, password)
            if registration is None:
                raise
            raise forms.ValidationError(
                self.error_messages[registration.status],
                code=registration.status,
                params={"email": registration.email, "reason": registration.decision_reason or "—"},
            ) from None


class PasswordResetForm(PortalFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(PortalFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    pass


class OfficerRegistrationForm(PortalFormMixin, forms.Form):
    municipality = forms.CharField(
        label=_("Municipality"),
        help_text=_("Type part of the name in Thai, e.g. ยะลา, and choose from the list."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "hx-get": reverse_lazy("portal:municipality-search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#municipality-results",
                "hx-swap": "innerHTML",
                "role": "combobox",
                "aria-controls": "municipality-results",
                "aria-autocomplete": "list",
                "aria-expanded": "false",  # portal.js opens it when the list of matches arrives
            }
        ),
    )
    municipality_code = forms.CharField(widget=forms.HiddenInput, required=False)
    requested_role = forms.ChoiceField(
        label=_("Role in the municipality"),
        choices=OFFICER_ROLE_CHOICES,
        widget=forms.RadioSelect,
        initial=Role.EDITOR,
        help_text=_("The signatory (mayor or municipal clerk, or their delegate) is the one who submits."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150)
    email = forms.EmailField(
        label=_("Official e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    authorisation_letter = forms.FileField(
        label=_("Authorisation letter (PDF)"),
        help_text=_(
            "A letter signed by the mayor or municipal clerk naming you as the officer for the award. PDF, up to 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's own clean() returns cleaned_data
        code = (cleaned.get("municipality_code") or "").strip() or (cleaned.get("municipality") or "").split(" ", 1)[0]
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            self.add_error("municipality", _("Choose your municipality from the list."))
        cleaned["municipality"] = municipality
        return cleaned


class InvitationAcceptForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class InviteEditorForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's official e-mail address"))


class RejectForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the officer)"), widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


class ApproveForm(PortalFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Approve as"), choices=OFFICER_ROLE_CHOICES)


class StaffUserForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(Role.REVIEWER.value, Role.REVIEWER.label), (Role.ADMIN.value, Role.ADMIN.label)]
    )


class ConflictForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Conflict with"),
        choices=[("municipality", _("One municipality")), ("province", _("A whole province"))],
        widget=forms.RadioSelect,
        initial="municipality",
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        required=False,
        help_text=_("Type the local government code or pick from the list."),
        widget=forms.TextInput(attrs={"list": "municipality-options", "autocomplete": "off"}),
    )
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all(), required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("e.g. former employee, relative works there")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's own clean() returns cleaned_data
        if cleaned.get("kind") == "municipality":
            code = (cleaned.get("municipality") or "").split(" ", 1)[0]
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                self.add_error("municipality", _("Choose a municipality from the list."))
            cleaned["municipality"], cleaned["province"] = municipality, None
        else:
            if cleaned.get("province") is None:
                self.add_error("province", _("Choose a province."))
            cleaned["municipality"] = None
        return cleaned


class MunicipalityCorrectionForm(PortalFormMixin, forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Municipality
        fields = list(CORRECTABLE_FIELDS)


class ApiTokenForm(PortalFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the province's data system.")
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiTokenScope.choices, initial=ApiTokenScope.READ, widget=forms.RadioSelect
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=[(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("One year"))],
    )


class AuditFilterForm(PortalFormMixin, forms.Form):
    """The audit page's filters (GET). A value that does not clean is shown as an error and leaves that filter off."""

    cycle = forms.ChoiceField(label=_("Award cycle"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, cycles: Iterable[str], actors: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cycle"]).choices = [
            ("", _("All cycles")),
            *((code, code) for code in cycles),
        ]
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("All actions")), *AuditAction.choices]
        cast(forms.ChoiceField, self.fields["actor"]).choices = [
            ("", _("Everyone")),
            *((actor.pk, f"{actor.full_name} <{actor.email}>") for actor in actors),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Django's own clean() returns cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since is not None and until is not None and since > until:
            self.add_error("until", _("The last day comes before the first day."))
            cleaned.pop("until", None)
        return cleaned

    def narrowed(self) -> AuditFilter:
        """The filters that cleaned (call after is_valid())."""
        cleaned = getattr(self, "cleaned_data", {})
        return AuditFilter(
            cycle=cleaned.get("cycle") or "",
            action=cleaned.get("action") or "",
            actor=cleaned.get("actor"),
            since=cleaned.get("since"),
            until=cleaned.get("until"),
        )
