"""Administration of people: officer registrations, staff accounts; reviewers' conflicts of interest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView, FormView, ListView, TemplateView

from portal.enums import RegistrationStatus, Role
from portal.forms import ApproveForm, ConflictForm, RejectForm, StaffUserForm
from portal.http import user_of
from portal.models import Municipality, OfficerRegistration, ReviewerConflict, User
from portal.permissions import can_declare_conflicts, can_manage_users, can_view_all_conflicts
from portal.selectors import all_conflicts, conflicts_of, registrations_for_admin, users_for_admin
from portal.services import (
    approve_registration,
    create_staff_user,
    declare_conflict,
    reject_registration,
    set_user_active,
    withdraw_conflict,
)
from portal.views.registration import add_service_errors, site_url


class UserManagerMixin(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage_users(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RegistrationListView(UserManagerMixin, ListView):
    template_name = "portal/registration_list.html"
    context_object_name = "registrations"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[OfficerRegistration]:
        status = self.request.GET.get("status", RegistrationStatus.AWAITING_APPROVAL)
        return registrations_for_admin(status if status in RegistrationStatus.values else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", RegistrationStatus.AWAITING_APPROVAL)
        return super().get_context_data(statuses=RegistrationStatus.choices, current_status=status, **kwargs)


class RegistrationDetailView(UserManagerMixin, DetailView):
    template_name = "portal/registration_detail.html"
    context_object_name = "registration"

    def get_queryset(self) -> QuerySet[OfficerRegistration]:
        return registrations_for_admin()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        registration = self.object
        signatory = User.objects.filter(
            municipality=registration.municipality, role=Role.SIGNATORY, is_active=True
        ).first()
        return super().get_context_data(
            approve_form=ApproveForm(initial={"role": registration.requested_role}),
            reject_form=RejectForm(),
            current_signatory=signatory,
            colleagues=User.objects.filter(municipality=registration.municipality).order_by("full_name"),
            **kwargs,
        )


@method_decorator(xframe_options_sameorigin, name="dispatch")
class RegistrationLetterView(UserManagerMixin, View):
    """The authorisation letter, shown inline, only to admins (files are never served by URL)."""

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        registration = get_object_or_404(OfficerRegistration, pk=pk)
        response = FileResponse(
            registration.authorisation_letter.open("rb"),
            content_type="application/pdf",
            as_attachment=False,
            filename=registration.authorisation_letter_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class RegistrationDecideView(UserManagerMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        if decision not in ("approve", "reject"):
            raise Http404
        registration = get_object_or_404(OfficerRegistration, pk=pk)
        try:
            if decision == "approve":
                form = ApproveForm(request.POST)
                role = form.cleaned_data["role"] if form.is_valid() else None
                user = approve_registration(registration=registration, by=user_of(request), role=role)
                messages.success(request, _("{name} can now log in.").format(name=user.full_name))
            else:
                reason = request.POST.get("reason", "")
                reject_registration(registration=registration, by=user_of(request), reason=reason)
                messages.success(request, _("The request was rejected and the officer informed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:registration-detail", pk=pk)
        return redirect("portal:registration-list")


class UserListView(UserManagerMixin, ListView):
    template_name = "portal/user_list.html"
    context_object_name = "users"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[User]:
        role = self.request.GET.get("role")
        return users_for_admin(role if role in Role.values else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(roles=Role.choices, current_role_filter=self.request.GET.get("role"), **kwargs)


class StaffUserCreateView(UserManagerMixin, FormView):
    template_name = "portal/staff_user_form.html"
    form_class = StaffUserForm

    def form_valid(self, form: StaffUserForm) -> HttpResponse:
        try:
            user = create_staff_user(by=user_of(self.request), site_url=site_url(self.request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Account created. {email} received a link to choose a password.").format(email=user.email)
        )
        return redirect("portal:user-list")


class UserActiveView(UserManagerMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = get_object_or_404(User, pk=pk)
        try:
            set_user_active(user=user, active=request.POST.get("active") == "1", by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("portal:user-list")


class ConflictListView(FormView):
    """A reviewer declares and withdraws their own conflicts of interest."""

    template_name = "portal/conflict_list.html"
    form_class = ConflictForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if can_view_all_conflicts(user_of(request)):
            return AllConflictsView.as_view()(request, *args, **kwargs)
        if not can_declare_conflicts(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            conflicts=conflicts_of(user_of(self.request)),
            municipalities=Municipality.objects.select_related("province").only(
                "code", "full_name_th", "province__name_th"
            ),
            **kwargs,
        )

    def form_valid(self, form: ConflictForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            declare_conflict(
                reviewer=user_of(self.request),
                reason=data["reason"],
                municipality=data["municipality"],
                province=data["province"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Conflict of interest recorded."))
        return redirect("portal:conflict-list")


class AllConflictsView(TemplateView):
    """Every reviewer's declared conflicts, for the admins who assign reviewers (read only: reviewers declare)."""

    template_name = "portal/conflict_overview.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        conflicts = list(all_conflicts())
        return super().get_context_data(
            conflicts=conflicts, reviewer_count=len({conflict.reviewer_id for conflict in conflicts}), **kwargs
        )


class ConflictWithdrawView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_declare_conflicts(user_of(request)):
            raise PermissionDenied
        conflict = get_object_or_404(ReviewerConflict.objects.filter(reviewer=user_of(request)), pk=pk)
        withdraw_conflict(conflict=conflict)
        messages.success(request, _("Conflict of interest withdrawn."))
        return redirect("portal:conflict-list")
