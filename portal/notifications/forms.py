from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalFormMixin


class MailTemplateForm(PortalFormMixin, forms.Form):
    subject_th = forms.CharField(label=_("Subject (Thai)"), max_length=200)
    body_th = forms.CharField(label=_("Body (Thai)"), widget=forms.Textarea(attrs={"rows": 10}))
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(label=_("Body (English)"), widget=forms.Textarea(attrs={"rows": 10}))

    # Placeholders are checked by the service (it knows the event); a stray space at a line's end is kept as typed.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("body_th", "body_en"):
            cast(forms.CharField, self.fields[name]).strip = False
