"""The municipality's side of clarification requests: the open questions, and answering (with an amendment)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView

from applications.enums import ClarificationStatus
from applications.http import application_in_scope
from applications.models import ClarificationRequest
from applications.selectors import clarifications_for
from applications.services_clarifications import answer_clarification
from portal.enums import MUNICIPAL_ROLES
from portal.forms import PortalFormMixin
from portal.http import user_of


class AnswerForm(PortalFormMixin, forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))
    amended_value = forms.CharField(
        label=gettext_lazy("Corrected value (optional)"),
        required=False,
        help_text=gettext_lazy("Leave empty to keep the submitted value."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Attach a document (optional)"),
        required=False,
        help_text=gettext_lazy("PDF, JPEG, PNG or Excel, up to 20 MB. It is added to this indicator's evidence."),
    )


class ClarificationListView(ListView):
    """Open and answered questions to the officer's municipality (officers only)."""

    template_name = "applications/clarification_list.html"
    context_object_name = "requests"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if user_of(request).role not in MUNICIPAL_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ClarificationRequest]:
        return clarifications_for(user_of(self.request))

    def get_template_names(self) -> list[str]:
        if self.request.GET.get("panel"):
            return ["applications/_clarification_panel.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["open_requests"] = [r for r in context["requests"] if r.status == ClarificationStatus.OPEN]
        return context


class ClarificationAnswerView(FormView):
    template_name = "applications/clarification_answer.html"
    form_class = AnswerForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        application = application_in_scope(request, kwargs["pk"])
        self.clarification = get_object_or_404(
            ClarificationRequest.objects.select_related("indicator", "asked_by"),
            application=application,
            pk=kwargs["request_id"],
        )
        if user_of(request).role not in MUNICIPAL_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        value = self.clarification.application.values.filter(indicator=self.clarification.indicator).first()
        return super().get_context_data(clarification=self.clarification, value=value, **kwargs)

    def form_valid(self, form: AnswerForm) -> HttpResponse:
        try:
            answer_clarification(
                request=self.clarification,
                answer=form.cleaned_data["answer"],
                amended_value=form.cleaned_data["amended_value"] or None,
                evidence=form.cleaned_data["evidence"],
                by=user_of(self.request),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(
                        "amended_value" if field == "value" else field if field in form.fields else None, errors
                    )
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Your answer was sent to the reviewer."))
        return redirect("applications:clarifications")
