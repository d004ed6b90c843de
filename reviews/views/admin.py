"""Assignment of reviewers (admins): loads, balanced automatic assignment with a cap, by hand, conflicts shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.http import application_in_scope
from applications.models import Application
from indicators.models import AwardCycle
from indicators.views.mixins import CycleMixin
from portal.enums import Role
from portal.http import user_of
from portal.models import User
from reviews.forms import AssignForm, AutoAssignForm
from reviews.permissions import can_manage_assignments
from reviews.presenters.board import query_with
from reviews.selectors import Conflicted, assignment_overview, reviewer_loads
from reviews.services_assignments import AutoAssignReport, assign_reviewers, auto_assign, unassign_reviewer

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 50


def _report_key(cycle: AwardCycle) -> str:
    return f"reviews:auto-assign:{cycle.code}"


def report_for_session(
    cycle: AwardCycle, report: AutoAssignReport, *, per_application: int, cap: int
) -> dict[str, Any]:
    """The report as plain data, with why each short application is short (three queries)."""
    overview = {application.pk: application for application in assignment_overview(cycle)}
    loads = {reviewer.pk: reviewer.load for reviewer in reviewer_loads(cycle)}
    short = []
    for application, missing in report.short:
        current = overview.get(application.pk, application)
        conflicted = {reviewer.pk for reviewer in getattr(current, "conflicted", [])} & set(loads)
        assigned = {assignment.reviewer_id for assignment in current.assignments.all()}
        capped = [pk for pk, load in loads.items() if pk not in conflicted | assigned and load >= cap]
        short.append(
            {
                "id": application.pk,
                "name": application.municipality.full_name_th,
                "missing": missing,
                "reason": _(
                    "Of {total} reviewers, {conflicted} declared a conflict, {capped} reached the cap of {cap} "
                    "and {assigned} are already assigned."
                ).format(
                    total=len(loads), conflicted=len(conflicted), capped=len(capped), cap=cap, assigned=len(assigned)
                ),
            }
        )
    return {"assigned": report.assigned, "short": short, "per_application": per_application, "cap": cap}


class AssignmentsView(CycleMixin, TemplateView):
    template_name = "reviews/assignments.html"
    allowed = staticmethod(can_manage_assignments)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle, query = self.cycle, self.request.GET
        reviewers = list(reviewer_loads(cycle))
        applications = assignment_overview(cycle)
        if query.get("unassigned"):
            applications = [application for application in applications if not application.assignments.all()]
        page: Page[WithAnnotations[Application, Conflicted]]  # the plugin loses the element type in Paginator
        page = Paginator(applications, PAGE_SIZE).get_page(query.get("page"))
        report = self.request.session.pop(_report_key(cycle), None)
        # The form keeps the numbers of the last automatic assignment.
        initial = {"per_application": report["per_application"], "cap": report["cap"]} if report else None
        rows = []
        for application in page.object_list:
            assignments = list(application.assignments.all())
            conflicted = list({reviewer.pk: reviewer for reviewer in application.conflicted}.values())
            excluded = {reviewer.pk for reviewer in conflicted} | {assignment.reviewer_id for assignment in assignments}
            rows.append(
                {
                    "application": application,
                    "assignments": assignments,
                    "conflicted": conflicted,
                    "eligible": [reviewer for reviewer in reviewers if reviewer.pk not in excluded],
                }
            )
        context.update(
            cycle=cycle,
            reviewers=reviewers,
            rows=rows,
            page_obj=page,
            total=len(applications),
            auto_form=kwargs.get("auto_form") or AutoAssignForm(initial=initial),
            report=report,
            page_url=self.request.get_full_path(),
            previous_url=query_with(query, page=str(page.previous_page_number())) if page.has_previous() else None,
            next_url=query_with(query, page=str(page.next_page_number())) if page.has_next() else None,
            board_url=reverse("reviews:board", kwargs={"code": cycle.code}),
        )
        return context

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = AutoAssignForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(code=code, auto_form=form))
        cap = form.cleaned_data["cap"]
        try:
            report = auto_assign(
                cycle=self.cycle, per_application=form.cleaned_data["per_application"], cap=cap, by=user_of(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reviews:assignments", code=code)
        request.session[_report_key(self.cycle)] = report_for_session(
            self.cycle, report, per_application=form.cleaned_data["per_application"], cap=cap
        )
        return redirect("reviews:assignments", code=code)


class AssignmentActionMixin(View):
    """POST-only actions on one application's reviewers: 403 for non-admins, then 404 outside the user's scope."""

    http_method_names = ["post"]
    application: Application

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage_assignments(user_of(request)):
            raise PermissionDenied
        self.application = application_in_scope(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def back(self) -> HttpResponse:
        page = reverse("reviews:assignments", kwargs={"code": self.application.cycle.code})
        target = self.request.POST.get("next", "")
        if not (
            target.startswith(page)
            and url_has_allowed_host_and_scheme(
                target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
            )
        ):
            target = page
        return redirect(f"{target.split('#')[0]}#application-{self.application.pk}")


class AssignView(AssignmentActionMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return self.back()
        reviewer: User = form.cleaned_data["reviewer"]
        try:
            assign_reviewers(application=self.application, reviewers=[reviewer], by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(
            request,
            _("{reviewer} now reviews {municipality}.").format(
                reviewer=reviewer.full_name, municipality=self.application.municipality.full_name_th
            ),
        )
        return self.back()


class UnassignView(AssignmentActionMixin, View):
    def post(self, request: HttpRequest, pk: int, reviewer_id: int) -> HttpResponse:
        reviewer = get_object_or_404(User, pk=reviewer_id, role=Role.REVIEWER)
        unassign_reviewer(application=self.application, reviewer=reviewer, by=user_of(request))
        messages.success(
            request,
            _("{reviewer} no longer reviews {municipality}.").format(
                reviewer=reviewer.full_name, municipality=self.application.municipality.full_name_th
            ),
        )
        return self.back()
