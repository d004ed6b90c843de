"""The published results of a cycle, for everyone (no login): the nominees and their ASEAN outcome, the open data
and its dictionary; and, for admins, the page that records the ASEAN outcome of each national nominee."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from applications.models import Application
from indicators.enums import ASEAN_PHASES
from indicators.models import AwardCycle
from indicators.presenters import cycle_timeline
from indicators.views.mixins import CycleMixin
from portal.http import user_of
from portal.i18n import localized
from reviews.forms import AseanOutcomeForm
from reviews.opendata import dictionary_csv, dictionary_json, open_data_csv, open_data_json
from reviews.permissions import can_decide
from reviews.results import cycle_results, data_dictionary, published_cycles, result_rows
from reviews.services_results import record_asean_outcome
from reviews.views.exports import ascii_name


@method_decorator(login_not_required, name="dispatch")
class ResultsListView(ListView):
    """Every cycle whose results are published."""

    template_name = "reviews/results/results_list.html"
    context_object_name = "cycles"

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return published_cycles()


class PublishedCycleMixin(CycleMixin):
    """The published cycle named in the URL, for everyone; an unknown or unpublished cycle is a 404."""

    allowed = None

    def cycles(self) -> QuerySet[AwardCycle]:
        return published_cycles()


@method_decorator(login_not_required, name="dispatch")
class ResultsCycleView(PublishedCycleMixin, TemplateView):
    template_name = "reviews/results/results_cycle.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            cycle=self.cycle, results=cycle_results(self.cycle), timeline=cycle_timeline(self.cycle), **kwargs
        )


@method_decorator(login_not_required, name="dispatch")
class DataDictionaryView(PublishedCycleMixin, TemplateView):
    template_name = "reviews/results/data_dictionary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(cycle=self.cycle, columns=data_dictionary(self.cycle), **kwargs)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@method_decorator(login_not_required, name="dispatch")
class OpenDataView(PublishedCycleMixin, View):
    """The published scores (`what="data"`) or their dictionary (`what="dictionary"`) as CSV or JSON."""

    writers = {
        ("data", "csv"): open_data_csv,
        ("data", "json"): open_data_json,
        ("dictionary", "csv"): dictionary_csv,
        ("dictionary", "json"): dictionary_json,
    }
    what = "data"
    format = "csv"

    def get(self, request: Any, code: str) -> HttpResponse:
        content = self.writers[(self.what, self.format)](self.cycle)
        content_type = "text/csv; charset=utf-8" if self.format == "csv" else "application/json"
        suffix = "open-data" if self.what == "data" else "data-dictionary"
        return _download(content, content_type, f"{ascii_name(self.cycle.code)}-{suffix}.{self.format}")


class AseanOutcomesView(CycleMixin, TemplateView):
    """The national nominees with a form per row: what the ASEAN level gave each (admins; during the ASEAN stage)."""

    template_name = "reviews/results/asean_outcomes.html"
    allowed = staticmethod(can_decide)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = result_rows(self.cycle, nominees_only=True)
        forms = [
            (
                row,
                AseanOutcomeForm(
                    initial={"application": row.application.pk, "outcome": row.asean_outcome, "note": _note(row)},
                    prefix=f"a{row.application.pk}",
                ),
            )
            for row in rows
        ]
        return super().get_context_data(
            cycle=self.cycle, rows=forms, is_asean_stage=self.cycle.phase in ASEAN_PHASES, **kwargs
        )

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        prefix = next((key.split("-")[0] for key in request.POST if key.endswith("-application")), "")
        form = AseanOutcomeForm(request.POST, prefix=prefix or None)
        if not form.is_valid():
            messages.error(request, _("Choose an ASEAN outcome."))
            return redirect("reviews:asean-outcomes", code=code)
        application = get_object_or_404(
            Application.objects.select_related("cycle", "municipality"),
            pk=form.cleaned_data["application"],
            cycle=self.cycle,
        )
        try:
            record = record_asean_outcome(
                application=application,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=user_of(request),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("ASEAN outcome of {municipality}: {outcome}.").format(
                    municipality=localized(application.municipality, "full_name"),
                    outcome=record.get_outcome_display(),
                ),
            )
        return redirect("reviews:asean-outcomes", code=code)


def _note(row: Any) -> str:
    outcome = getattr(row.application, "asean_outcome", None)
    return outcome.note if outcome is not None else ""
