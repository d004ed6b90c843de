"""The application pages: start, fill in (autosave per field), submit, receipt, history, reopen. The evidence views are
in applications/views/evidence.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from applications.enums import ApplicationStatus
from applications.forms import ReopenForm, StartApplicationForm
from applications.http import ApplicationMixin
from applications.models import Application, IndicatorValue
from applications.permissions import (
    application_deadline,
    can_edit_application,
    can_reopen_application,
    can_start_application,
    can_submit_application,
)
from applications.selectors import (
    application_sections,
    applications_visible_to,
    completeness,
    open_calls_for,
    section_progress,
    value_history,
)
from applications.selectors_submission import receipt_digest, submission_report
from applications.services import (
    StaleValueError,
    confirm_copied_value,
    prefill_from_previous,
    reopen_application,
    save_profile,
    save_value,
    start_application,
    submit_application,
)
from indicators.display import canonical_text, level_labels
from indicators.models import AwardCycle, Indicator
from indicators.rules import UNITS
from portal.http import user_of
from portal.i18n import current_language, localized
from portal.queueing import kept_count


class ApplicationListView(ListView):
    template_name = "applications/application_list.html"
    context_object_name = "applications"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Application]:
        return applications_visible_to(user_of(self.request)).order_by(
            "-cycle__reference_year", "municipality__name_th"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = user_of(self.request)
        context["start_forms"] = [
            (call, StartApplicationForm(cycle=call.cycle))
            for call in open_calls_for(user)
            if can_start_application(user, call.cycle)
        ]
        return context


class ApplicationStartView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, cycle_code: str) -> HttpResponse:
        cycle = get_object_or_404(
            AwardCycle.objects.select_related("framework").defer("framework__source_text"), code=cycle_code
        )
        if not can_start_application(user_of(request), cycle):
            raise PermissionDenied
        form = StartApplicationForm(request.POST, cycle=cycle)
        if not form.is_valid():
            messages.error(request, _("Choose a track (and a category for a certificate)."))
            return redirect("applications:list")
        municipality = user_of(request).municipality
        assert municipality is not None  # an officer (can_start_application), and every officer has one
        try:
            application = start_application(
                cycle=cycle,
                municipality=municipality,
                track=form.cleaned_data["track"],
                category_code=form.cleaned_data["category_code"],
                by=user_of(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:list")
        if application.size_class is None:
            messages.warning(
                request,
                _(
                    "The registered population is outside the cycle's size classes. You can still apply; "
                    "the reviewers will decide."
                ),
            )
        return redirect("applications:detail", pk=application.pk)


def field_context(
    application: Application, indicator: Indicator, value: IndicatorValue | None, language: str
) -> dict[str, Any]:
    unit = UNITS.get(indicator.unit)
    return {
        "indicator": indicator,
        "value": value,
        "unit_label": localized(unit, "label", language) if unit else indicator.unit,
        "unit_symbol": unit.symbol(language) if unit else "",
        "levels": list(level_labels(indicator, language).items()),
        "raw": "" if value is None else canonical_text(number=value.number, flag=value.flag, level=value.level),
    }


class ApplicationDetailView(ApplicationMixin, DetailView):
    """The form while the application is a draft the user may edit; a read-only view otherwise."""

    context_object_name = "application"

    def get_object(self, queryset: QuerySet[Application] | None = None) -> Application:
        return self.load_application(self.kwargs["pk"])

    def get_template_names(self) -> list[str]:
        editable = can_edit_application(user_of(self.request), self.object)
        return ["applications/application_form.html" if editable else "applications/application_detail.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application, user, language = self.object, user_of(self.request), current_language()
        sections = application_sections(application)
        current_code = self.request.GET.get("section") or (sections[0].area.code if sections else "")
        current = next((s for s in sections if s.area.code == current_code), sections[0] if sections else None)
        answered, applicable = completeness(sections)
        index = sections.index(current) if current else 0
        context.update(
            sections=sections,
            current=current,
            next_section=sections[index + 1] if current and index + 1 < len(sections) else None,
            previous_section=sections[index - 1] if current and index > 0 else None,
            rows=[
                field_context(application, row.indicator, row.value, language) | {"evidence": row.evidence}
                for row in current.rows
            ]
            if current
            else [],
            answered=answered,
            applicable=applicable,
            percent=round(100 * answered / applicable) if applicable else 0,
            deadline=application_deadline(application),
            can_submit=can_submit_application(user, application),
            can_reopen=can_reopen_application(user, application),
            reopen_form=ReopenForm() if can_reopen_application(user, application) else None,
            has_copied=any(row.value is not None and row.value.is_copied for s in sections for row in s.rows),
            can_prefill=application.cycle.previous_id is not None,
            language=language,
        )
        return context


def _version(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


class ValueSaveView(ApplicationMixin, View):
    """htmx autosave of one indicator's fields. Always answers 200 with out-of-band fragments: the field's status
    (saved / not saved with the reason / conflict), its version, warnings, and the progress counters."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk, lean=True)
        self.require(can_edit_application(user_of(request), application))
        indicator = get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code)
        changes = {
            name: request.POST[name]
            for name in ("value", "period", "source", "comment", "text")
            if name in request.POST
        }
        context: dict[str, Any] = {"indicator": indicator, "application": application}
        try:
            result = save_value(
                application=application,
                indicator=indicator,
                by=user_of(request),
                changes=changes,
                expected_version=_version(request.POST.get("version")),
            )
        except StaleValueError as stale:
            other = stale.current
            assert isinstance(other, IndicatorValue)  # save_value's
            context.update(
                state="conflict",
                theirs=canonical_text(number=other.number, flag=other.flag, level=other.level)
                if "value" in changes
                else getattr(other, stale.field, ""),
                theirs_field="value" if "value" in changes else stale.field,
                mine=changes.get("value", changes.get(stale.field, "")),
                other_value=other,
                version=other.version,
            )
        except ValidationError as error:
            context.update(state="invalid", errors=error.messages)
        else:
            value = result.value
            context.update(
                state="saved",
                version=value.version,
                saved_at=timezone.localtime(value.updated_at),
                warnings=result.warnings,
                check_errors=result.check_errors,
                value=value,
            )
        sections = section_progress(application)
        answered, applicable = completeness(sections)
        context.update(
            sections=sections,
            answered=answered,
            applicable=applicable,
            percent=round(100 * answered / applicable) if applicable else 0,
        )
        response = render(request, "applications/_value_saved.html", context)
        if context.get("state") == "saved":
            response["HX-Trigger"] = "value-saved"  # the score estimate refreshes itself
        return response


PROFILE_PARSERS = {
    "population": int,
    "population_year": int,
    "households": int,
    "area_km2": Decimal,
    "national_certificate": str,
}


class ProfileSaveView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(user_of(request), application))
        name = request.POST.get("field", "")
        raw = request.POST.get("value", "").strip()
        context: dict[str, Any] = {"field": name}
        try:
            if name not in PROFILE_PARSERS:
                raise ValidationError(_("Unknown profile field."))
            parser = PROFILE_PARSERS[name]
            if parser is not str:
                raw = raw.replace(",", "")  # thousands separators in a number; a text keeps its commas
            try:
                value = None if raw == "" and parser is not str else parser(raw)
            except (ValueError, InvalidOperation) as error:
                raise ValidationError(_("Enter a number.")) from error
            if name == "population_year" and value is not None:
                if value > 2400:
                    value -= 543  # a Buddhist-Era year typed by habit
                if not 1900 <= value <= 2400:  # else a stored year would read as Buddhist Era when saved again
                    raise ValidationError(_("Enter the year in four digits, e.g. 2025 or 2568."))
            application = save_profile(
                application=application,
                by=user_of(request),
                changes={name: value},
                expected_version=_version(request.POST.get("version")),
            )
        except StaleValueError as stale:
            current = stale.current
            assert isinstance(current, Application)  # save_profile's
            context.update(state="conflict", theirs=getattr(current, name), version=current.profile_version)
        except ValidationError as error:
            context.update(state="invalid", errors=error.messages)
        else:
            context.update(
                state="saved",
                version=application.profile_version,
                saved_at=timezone.localtime(),
                size_class=application.size_class,
            )
        return render(request, "applications/_profile_saved.html", context)


class ValueConfirmView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, code: str) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(user_of(request), application))
        value = get_object_or_404(
            IndicatorValue.objects.select_related("indicator__area"), application=application, indicator__code=code
        )
        confirm_copied_value(value=value, by=user_of(request))
        section = value.indicator.area.code if value.indicator_id else ""
        return redirect(f"{reverse('applications:detail', args=[application.pk])}?section={section}#{code}")


class PrefillView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_edit_application(user_of(request), application))
        try:
            copied = prefill_from_previous(application=application, by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "{count} value(s) copied from the previous cycle. Confirm or change each one before submitting."
                ).format(count=copied),
            )
        return redirect("applications:detail", pk=pk)


class SubmitView(ApplicationMixin, TemplateView):
    """A confirmation page that summarises what is missing or flagged; the POST submits once."""

    template_name = "applications/application_submit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        application = self.load_application(kwargs["pk"])
        if application.status == ApplicationStatus.SUBMITTED and request.method == "POST":
            # A double click or a replayed request: the first one submitted; show its receipt.
            return redirect("applications:receipt", pk=application.pk)
        self.require(can_submit_application(user_of(request), application))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        report = submission_report(self.application)
        return super().get_context_data(
            application=self.application,
            report=report,
            digest=receipt_digest(self.application),
            deadline=application_deadline(self.application),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:

        kept = kept_count()
        try:
            submit_application(
                application=self.application, by=user_of(request), confirmed_digest=request.POST.get("digest", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("applications:submit", pk=pk)
        if kept_count() > kept:  # the task queue was unreachable: the receipt and the score wait in the database
            messages.warning(
                request,
                _(
                    "Application submitted. The receipt e-mail and the score are delayed by a technical problem; "
                    "they follow automatically, there is nothing more to do."
                ),
            )
        else:
            messages.success(request, _("Application submitted. The receipt was sent by e-mail."))
        return redirect("applications:receipt", pk=pk)


class ReceiptView(ApplicationMixin, TemplateView):
    template_name = "applications/application_receipt.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.load_application(self.kwargs["pk"])
        if not application.receipt_sha256 or application.submitted_at is None:
            raise PermissionDenied
        answered, applicable = completeness(application_sections(application))
        return super().get_context_data(application=application, answered=answered, applicable=applicable, **kwargs)


class ReopenView(ApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.load_application(pk)
        self.require(can_reopen_application(user_of(request), application))
        form = ReopenForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Give the reason for reopening; the municipality receives it."))
            reopen_application(application=application, by=user_of(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The application is open again and the municipality was told."))
        return redirect("applications:detail", pk=pk)


class HistoryView(ApplicationMixin, ListView):
    template_name = "applications/application_history.html"
    context_object_name = "changes"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[Any]:
        application = self.load_application(self.kwargs["pk"])
        code = self.request.GET.get("indicator")
        self.indicator = (
            get_object_or_404(Indicator, framework_id=application.cycle.framework_id, code=code) if code else None
        )
        return value_history(application, self.indicator)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            application=self.application,
            indicator=self.indicator,
            status_changes=self.application.status_changes.select_related("changed_by"),
            **kwargs,
        )
