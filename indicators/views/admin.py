"""Administration of award cycles and frameworks (admin role only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView

from indicators.enums import ASEAN_PHASES, DECIDED_PHASES, PHASE_TRANSITIONS, CyclePhase
from indicators.forms import (
    ChangeReasonForm,
    CycleCloneForm,
    CycleCreateForm,
    CycleSettingsForm,
    ExtensionForm,
    IndicatorRuleForm,
    PhaseForm,
    SizeClassFormSet,
)
from indicators.models import AwardCycle, FrameworkVersion, Indicator
from indicators.permissions import can_manage_cycles
from indicators.presenters import settings_history
from indicators.rules import UNITS, describe_rule
from indicators.selectors import cycles_for_admin, framework_areas, settings_history_of
from indicators.services import (
    SizeClassEdit,
    adopt_framework,
    change_phase,
    clone_cycle,
    copy_framework,
    create_cycle,
    grant_extension,
    publish_results,
    update_cycle_settings,
    update_indicator,
    update_size_classes,
)
from indicators.views.mixins import CycleMixin
from portal.http import user_of
from portal.i18n import current_language
from portal.models import Municipality

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class AdminOnlyMixin(View):
    """403 for anyone logged in who is not an admin (anonymous visitors never get here: login is required)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage_cycles(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminCycleMixin(CycleMixin):
    """An admin page about the cycle in the URL: 403 for anyone else, then 404 when the cycle is unknown."""

    allowed = staticmethod(can_manage_cycles)


class CycleListView(AdminOnlyMixin, ListView):
    template_name = "indicators/admin/cycle_list.html"
    context_object_name = "cycles"

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return cycles_for_admin()


class CycleCreateView(AdminOnlyMixin, FormView):
    template_name = "indicators/admin/cycle_form.html"
    form_class = CycleCreateForm

    def form_valid(self, form: CycleCreateForm) -> HttpResponse:
        cycle = create_cycle(**form.cleaned_data, by=user_of(self.request))
        messages.success(self.request, _("Cycle {code} created as a draft.").format(code=cycle.code))
        return redirect("indicators:cycle-detail", code=cycle.code)


class CycleDetailView(AdminCycleMixin, DetailView):
    template_name = "indicators/admin/cycle_detail.html"

    def get_object(self, queryset: QuerySet[AwardCycle] | None = None) -> AwardCycle:
        return self.cycle

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle = self.cycle
        context.update(
            next_phases=[CyclePhase(phase) for phase in PHASE_TRANSITIONS[cycle.phase]],
            can_publish=cycle.phase in DECIDED_PHASES,
            is_asean_stage=cycle.phase in ASEAN_PHASES,
            phase_form=PhaseForm(cycle=cycle),
            extension_form=ExtensionForm(),
            extensions=cycle.extensions.select_related("municipality__province", "granted_by"),
            size_classes=cycle.size_classes.all(),
            phase_changes=cycle.phase_changes.select_related("changed_by"),
            settings_history=settings_history(settings_history_of(cycle), language=current_language()),
            other_versions=FrameworkVersion.objects.filter(code=cycle.framework.code).exclude(pk=cycle.framework_id),
            municipalities=Municipality.objects.select_related("province").only(
                "code", "full_name_th", "province__name_th"
            ),
        )
        return context


class CycleUpdateView(AdminCycleMixin, UpdateView):
    template_name = "indicators/admin/cycle_settings.html"
    form_class = CycleSettingsForm

    def get_object(self, queryset: QuerySet[AwardCycle] | None = None) -> AwardCycle:
        return self.cycle

    def form_valid(self, form: ModelForm[AwardCycle]) -> HttpResponse:
        assert isinstance(form, CycleSettingsForm)  # the form_class
        # The form validates; the service saves, records the change and tells the apps that derive from it.
        try:
            update_cycle_settings(
                cycle=self.cycle, changes=form.settings(), by=user_of(self.request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Cycle settings saved."))
        return redirect("indicators:cycle-detail", code=self.cycle.code)


class SizeClassesUpdateView(AdminCycleMixin, TemplateView):
    """The cycle's population bands as rows to change, add or delete; saved through update_size_classes."""

    template_name = "indicators/admin/size_classes_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "formset" not in context:  # a first visit: the bands as they are
            rows = self.cycle.size_classes.values(
                "id", "code", "name_th", "name_en", "min_population", "max_population", "source"
            )
            context.update(formset=SizeClassFormSet(initial=list(rows)), reason_form=ChangeReasonForm())
        return context

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        formset, reason_form = SizeClassFormSet(request.POST), ChangeReasonForm(request.POST)
        if not (formset.is_valid() and reason_form.is_valid()):
            return self.render_to_response(self.get_context_data(formset=formset, reason_form=reason_form))
        # Kept rows: every existing band not marked for deletion, and every new row filled in (the blank one is not).
        bands = [
            SizeClassEdit(pk=form.cleaned_data["id"], band=form.band())
            for form in formset.forms
            if (form.cleaned_data.get("id") or form.has_changed()) and not form.cleaned_data.get("DELETE")
        ]
        try:
            update_size_classes(
                cycle=self.cycle, bands=bands, by=user_of(request), reason=reason_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            context = self.get_context_data(formset=formset, reason_form=reason_form, errors=error.messages)
            return self.render_to_response(context)
        messages.success(request, _("Size classes saved."))
        return redirect("indicators:cycle-detail", code=code)


class CycleCloneView(AdminCycleMixin, FormView):
    template_name = "indicators/admin/cycle_clone.html"
    form_class = CycleCloneForm

    def form_valid(self, form: CycleCloneForm) -> HttpResponse:
        cycle = clone_cycle(source=self.cycle, **form.cleaned_data, by=user_of(self.request))
        messages.success(
            self.request,
            _("Cycle {code} created from {source}, with framework version {version} as a draft.").format(
                code=cycle.code, source=self.cycle.code, version=cycle.framework.version
            ),
        )
        return redirect("indicators:cycle-detail", code=cycle.code)


class CyclePhaseView(AdminCycleMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = PhaseForm(request.POST, cycle=self.cycle)
        if not form.is_valid():
            messages.error(request, _("Choose the phase to move to."))
            return redirect("indicators:cycle-detail", code=code)
        try:
            cycle = change_phase(
                cycle=self.cycle,
                to_phase=form.cleaned_data["to_phase"],
                by=user_of(request),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The cycle is now in phase “{phase}”.").format(phase=cycle.get_phase_display()))
        return redirect("indicators:cycle-detail", code=code)


class CyclePublishView(AdminCycleMixin, TemplateView):
    """Publish the cycle's results: GET asks for confirmation, POST publishes (once)."""

    template_name = "indicators/admin/cycle_publish.html"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        try:
            publish_results(cycle=self.cycle, by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The results are published: anyone can now read them."))
        return redirect("indicators:cycle-detail", code=code)


class ExtensionCreateView(AdminCycleMixin, FormView):
    template_name = "indicators/admin/extension_form.html"
    form_class = ExtensionForm

    def form_valid(self, form: ExtensionForm) -> HttpResponse:
        try:
            extension = grant_extension(cycle=self.cycle, by=user_of(self.request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Extension granted to {municipality}.").format(municipality=extension.municipality)
        )
        return redirect("indicators:cycle-detail", code=self.cycle.code)


class FrameworkNewVersionView(AdminCycleMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        framework = copy_framework(framework=self.cycle.framework, by=user_of(request))
        messages.success(
            request,
            _("Draft version {version} created. Edit its indicators, then adopt it for the cycle.").format(
                version=framework.version
            ),
        )
        return HttpResponseRedirect(f"{reverse('indicators:framework-detail', args=[framework.pk])}?cycle={code}")


class FrameworkAdoptView(AdminCycleMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str, pk: int) -> HttpResponse:
        framework = get_object_or_404(FrameworkVersion, pk=pk)
        try:
            adopt_framework(cycle=self.cycle, framework=framework, by=user_of(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The cycle now uses framework version {version}.").format(version=framework.version)
            )
        return redirect("indicators:cycle-detail", code=code)


class RuleSummary(TypedDict):
    rule_summary: str  # for the framework page's table


def rule_summary(indicator: Indicator, language: str) -> str:
    unit = UNITS.get(indicator.unit)
    sentence, _rows = describe_rule(
        indicator.rule,
        unit_symbol=unit.symbol(language) if unit else "",
        language=language,
        integer=indicator.value_type == "count",
    )
    return sentence


class FrameworkDetailView(AdminOnlyMixin, DetailView):
    template_name = "indicators/admin/framework_detail.html"
    context_object_name = "framework"
    queryset = FrameworkVersion.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = current_language()
        areas = framework_areas(self.object)
        for area in areas:
            for indicator in area.indicators.all():
                summarised = cast("WithAnnotations[Indicator, RuleSummary]", indicator)  # for the template
                summarised.rule_summary = rule_summary(indicator, language)
        context.update(
            areas=areas,
            cycles=self.object.cycles.all(),
            adopt_cycle=AwardCycle.objects.filter(
                code=self.request.GET.get("cycle", ""), framework__code=self.object.code
            )
            .exclude(framework=self.object)
            .first(),
        )
        return context


class IndicatorUpdateView(AdminOnlyMixin, FormView):
    template_name = "indicators/admin/indicator_form.html"
    form_class = IndicatorRuleForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.indicator = get_object_or_404(Indicator.objects.select_related("framework", "area"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return IndicatorRuleForm.initial_for(self.indicator)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["indicator"] = self.indicator
        context["changes"] = self.indicator.changes.select_related("changed_by")
        return context

    def form_valid(self, form: IndicatorRuleForm) -> HttpResponse:
        try:
            update_indicator(indicator=self.indicator, by=user_of(self.request), **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Indicator {code} saved.").format(code=self.indicator.code))
        return redirect("indicators:framework-detail", pk=self.indicator.framework_id)
