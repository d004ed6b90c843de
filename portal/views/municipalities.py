"""Municipality profiles: visible within your scope (404 outside it); admins correct them, with a log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from portal.enums import Role
from portal.forms import InviteEditorForm, MunicipalityCorrectionForm
from portal.http import user_of
from portal.models import Municipality
from portal.permissions import can_correct_municipality, can_invite_editors, can_manage_users
from portal.selectors import municipalities_visible_to
from portal.services_municipalities import CORRECTABLE_FIELDS, correct_municipality


class MunicipalityListView(ListView):
    template_name = "portal/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if user_of(request).role not in (Role.ADMIN, Role.REVIEWER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Municipality]:
        municipalities = municipalities_visible_to(user_of(self.request))
        query = self.request.GET.get("q", "").strip()
        if query:
            municipalities = municipalities.filter(
                Q(name_th__contains=query)
                | Q(name_en__icontains=query)
                | Q(code=query)
                | Q(province__name_th__contains=query)
            )
        kind = self.request.GET.get("kind")
        if kind:
            municipalities = municipalities.filter(kind=kind)
        return municipalities.order_by("name_th", "code")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(query=self.request.GET.get("q", ""), **kwargs)


class MunicipalityDetailView(DetailView):
    template_name = "portal/municipality_detail.html"
    context_object_name = "municipality"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[Municipality]:
        return municipalities_visible_to(user_of(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user, municipality = user_of(self.request), self.object
        can_invite = can_invite_editors(user, municipality)
        return super().get_context_data(
            can_invite=can_invite,
            can_correct=can_correct_municipality(user),
            invite_form=InviteEditorForm() if can_invite else None,
            invitations=municipality.invitations.order_by("-created_at") if can_invite else (),
            officers=municipality.officers.order_by("role", "full_name") if can_manage_users(user) else (),
            corrections=municipality.corrections.select_related("corrected_by") if can_manage_users(user) else (),
            **kwargs,
        )


class MunicipalityCorrectView(FormView):
    template_name = "portal/municipality_correct.html"
    form_class = MunicipalityCorrectionForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.municipality = get_object_or_404(municipalities_visible_to(user_of(request)), code=kwargs["code"])
        if not can_correct_municipality(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        # A copy, so that a refused correction does not change the instance shown on the page.
        return {**super().get_form_kwargs(), "instance": Municipality.objects.get(pk=self.municipality.pk)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(municipality=self.municipality, **kwargs)

    def form_valid(self, form: MunicipalityCorrectionForm) -> HttpResponse:
        changes = {field: form.cleaned_data[field] for field in CORRECTABLE_FIELDS}
        try:
            corrections = correct_municipality(
                municipality=self.municipality,
                by=user_of(self.request),
                changes=changes,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("{count} field(s) corrected and logged.").format(count=len(corrections)))
        return redirect("portal:municipality-detail", code=self.municipality.code)
