"""Officer self-registration, e-mail verification, invitations, and the public municipality search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from portal.forms import InvitationAcceptForm, InviteEditorForm, OfficerRegistrationForm
from portal.http import user_of
from portal.permissions import can_invite_editors
from portal.ratelimit import client_ip, hit
from portal.selectors import municipalities_visible_to, search_municipalities
from portal.services import (
    accept_invitation,
    invitation_for_token,
    invite_editor,
    register_officer,
    verify_registration_email,
)

REGISTRATIONS_PER_HOUR = 5


def site_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where it names them, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def too_many_attempts(request: HttpRequest, seconds: int) -> HttpResponse:
    minutes = max(1, round(seconds / 60))
    return render(request, "portal/rate_limited.html", {"minutes": minutes}, status=429)


@method_decorator(login_not_required, name="dispatch")
class RegisterView(FormView):
    template_name = "portal/register.html"
    form_class = OfficerRegistrationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = hit("register", client_ip(request), limit=REGISTRATIONS_PER_HOUR, window_seconds=3600)
        if retry_after is not None:
            return too_many_attempts(request, retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: OfficerRegistrationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            registration = register_officer(
                email=data["email"],
                full_name=data["full_name"],
                position=data["position"],
                phone=data["phone"],
                municipality=data["municipality"],
                requested_role=data["requested_role"],
                password=data["password"],
                authorisation_letter=data["authorisation_letter"],
                site_url=site_url(self.request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session["registration_email"] = registration.email
        return redirect("portal:register-sent")


@method_decorator(login_not_required, name="dispatch")
class RegisterSentView(TemplateView):
    template_name = "portal/register_sent.html"


@method_decorator(login_not_required, name="dispatch")
class VerifyEmailView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            registration = verify_registration_email(token=token)
        except ValidationError as error:
            return render(request, "portal/register_verified.html", {"error": error.messages[0]}, status=400)
        return render(request, "portal/register_verified.html", {"registration": registration})


@method_decorator(login_not_required, name="dispatch")
class MunicipalitySearchView(View):
    """htmx: the options under the municipality picker (public: names are public reference data)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("municipality") or request.GET.get("q") or ""
        return render(
            request,
            "portal/_municipality_options.html",
            {"municipalities": search_municipalities(query), "query": query},
        )


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(FormView):
    template_name = "portal/invitation_accept.html"
    form_class = InvitationAcceptForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            self.invitation = invitation_for_token(kwargs["token"])
        except ValidationError as error:
            return render(request, "portal/invitation_accept.html", {"error": error.messages[0]}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form: InvitationAcceptForm) -> HttpResponse:
        try:
            user = accept_invitation(token=self.kwargs["token"], **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome. Your editor account is ready."))
        return redirect("home")


class InviteEditorView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        municipality = get_object_or_404(municipalities_visible_to(user_of(request)), code=code)
        if not can_invite_editors(user_of(request), municipality):
            raise PermissionDenied
        form = InviteEditorForm(request.POST)
        if form.is_valid():
            try:
                invite_editor(
                    municipality=municipality,
                    email=form.cleaned_data["email"],
                    by=user_of(request),
                    site_url=site_url(request),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Invitation sent to {email}.").format(email=form.cleaned_data["email"].lower())
                )
        else:
            messages.error(request, _("Enter a valid e-mail address."))
        return redirect("portal:municipality-detail", code=code)
