"""Form plumbing shared by every app: Bootstrap widget classes and the auth forms."""

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class PortalFormMixin:
    """Give every widget the Bootstrap class it needs; fields render through includes/_field.html."""

    template_name = "includes/_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
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


class LoginForm(PortalFormMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct. Both are case-sensitive."),
        "inactive": _("This account is not active."),
    }


class PasswordResetForm(PortalFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(PortalFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    pass
