"""The cycles API's views: public reads of award cycles and their frameworks (areas and indicators with rules and
guidance, th and en); for admins, a cycle's creation, settings, phase and deadline extensions, through the forms and
services of the cycle pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from indicators.api.serializers import (
    CYCLE_EXAMPLE,
    FRAMEWORK_EXAMPLE,
    SETTINGS_EXAMPLE,
    CycleCreateInputSerializer,
    CycleSavedSerializer,
    CycleSerializer,
    CycleSettingsSerializer,
    ExtensionGrantedSerializer,
    ExtensionInputSerializer,
    ExtensionSerializer,
    FrameworkSerializer,
)
from indicators.enums import CyclePhase
from indicators.forms import CycleCreateForm, CycleSettingsForm, ExtensionForm
from indicators.models import AwardCycle
from indicators.permissions import can_manage_cycles
from indicators.selectors import cycles_visible_to, framework_areas
from indicators.services import change_phase, create_cycle, grant_extension, update_cycle_settings
from portal.api import PortalApiView, PublicApiMixin, PublicReadMixin
from portal.api_forms import form_input, form_refusal
from portal.api_refusals import refusal_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of

PUBLIC = "Who may call: anyone, without credentials (throttled per address). Draft cycles are shown to admins only."
ADMINS = (
    "Who may call: admins (a read-and-write token, or the portal's session with its CSRF token); anyone else gets "
    "403, a caller without credentials 401. Draft cycles included."
)


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_list",
        summary="Award cycles",
        description=f"Every award cycle past its draft, newest first, 50 to a page (404 past the last). {PUBLIC}",
        parameters=[LANG_PARAMETER],
        responses={200: CycleSerializer(many=True), **error_responses(404, 429)},
        examples=[OpenApiExample("A cycle", value=CYCLE_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        operation_id="cycle_create",
        summary="Create a cycle",
        description=(
            "The new-cycle page, through the same form and service: a draft cycle on a framework version, whose "
            "scoring settings, size classes and quotas start from the framework's proposals. The form's checks and "
            "messages apply (400; a code already taken: code `duplicate`; a field the page does not have: code "
            "`unknown`). Answers the cycle with its settings and a Location header to its URL. " + ADMINS
        ),
        parameters=[LANG_PARAMETER],
        request=CycleCreateInputSerializer,
        responses={201: CycleSavedSerializer, **error_responses(400, 401, 403, 429)},
        examples=[
            OpenApiExample(
                "The 2026 cycle",
                value={
                    "code": "esc-2026",
                    "name_th": CYCLE_EXAMPLE["name_th"],
                    "name_en": CYCLE_EXAMPLE["name_en"],
                    "esc_award_edition": 8,
                    "certificate_edition": 7,
                    "reference_year": 2025,
                    "framework": 3,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Created",
                value={**SETTINGS_EXAMPLE, "message": "Cycle esc-2026 created as a draft."},
                response_only=True,
            ),
        ],
    ),
)
class CycleListApi(PublicReadMixin, PortalApiView, generics.ListAPIView):
    serializer_class = CycleSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return cycles_visible_to(self.request.user).order_by("-reference_year", "code")

    def post(self, request: Request) -> Response:
        if not can_manage_cycles(user_of(request)):
            raise PermissionDenied
        form = CycleCreateForm(form_input(request))
        refused = form_refusal(form)
        if refused is not None:
            return refused
        try:
            cycle = create_cycle(**form.cleaned_data, by=user_of(request))
        except ValidationError as error:
            return refusal_response(error)
        message = _("Cycle {code} created as a draft.").format(code=cycle.code)
        return Response(
            {**CycleSettingsSerializer(cycle).data, "message": message},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:cycle-detail", args=[cycle.code])},
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_detail",
        summary="One award cycle",
        description=f"A cycle by its code. {PUBLIC}",
        parameters=[LANG_PARAMETER],
        responses={200: CycleSerializer, **error_responses(404, 429)},
        examples=[OpenApiExample("A cycle", value=CYCLE_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        operation_id="cycle_settings_update",
        summary="Change a cycle's settings",
        description=(
            "The cycle's settings page, through the same form and service, for the settings given (the others keep "
            "their values, and are checked with the new ones: the ESC Award weights must still add up to 1). The "
            "form's checks and messages apply (400), so do the service's: the quotas must fit the framework's "
            "categories and the cycle's size classes (code `quota`). A change is recorded in the cycle's settings "
            "history with its `reason`; a change of a score setting queues the rescore it affects. Phase, framework "
            "version and code are not settings here (code `unknown`). " + ADMINS
        ),
        parameters=[LANG_PARAMETER],
        request=CycleSettingsSerializer,
        responses={200: CycleSavedSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Move the deadline",
                value={"submission_deadline": "2026-07-15T16:30:00+07:00", "reason": "มติคณะกรรมการ"},
                request_only=True,
            ),
            OpenApiExample(
                "Saved",
                value={
                    **SETTINGS_EXAMPLE,
                    "submission_deadline": "2026-07-15T16:30:00+07:00",
                    "message": "Cycle settings saved.",
                },
                response_only=True,
            ),
        ],
    ),
)
class CycleDetailApi(PublicReadMixin, PortalApiView, generics.RetrieveAPIView):
    serializer_class = CycleSerializer
    lookup_field = "code"
    filter_backends: list[Any] = []
    # Settings hold lists (tiers, tie-breaks) that a form post cannot tell from an empty field: JSON only.
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[AwardCycle]:
        return cycles_visible_to(self.request.user)

    def patch(self, request: Request, code: str) -> Response:
        if not can_manage_cycles(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        data = form_input(request)
        form = CycleSettingsForm(data, instance=cycle, only=data.keys())
        refused = form_refusal(form)
        if refused is not None:
            return refused
        try:
            cycle = update_cycle_settings(
                cycle=cycle, changes=form.settings(), by=user_of(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return refusal_response(error)
        return Response({**CycleSettingsSerializer(cycle).data, "message": _("Cycle settings saved.")})


class CycleFrameworkApi(PublicApiMixin, PortalApiView):
    @extend_schema(
        operation_id="cycle_framework",
        summary="A cycle's framework: areas and indicators with their rules and guidance",
        description=(
            "The indicators in order, each with its unit, plausible range, scoring rule, data preparation and the "
            f"evidence to attach, in Thai and English. {PUBLIC}"
        ),
        parameters=[LANG_PARAMETER],
        responses={200: FrameworkSerializer, **error_responses(404, 429)},
        examples=[
            OpenApiExample(
                "One area, one indicator",
                value=FRAMEWORK_EXAMPLE,
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, code: str) -> Response:
        cycle = get_object_or_404(cycles_visible_to(request.user), code=code)
        framework = cycle.framework
        data = {
            "cycle": cycle.code,
            "id": framework.pk,
            "code": framework.code,
            "version": framework.version,
            "name_th": framework.name_th,
            "name_en": framework.name_en,
            "areas": framework_areas(framework),
        }
        return Response(FrameworkSerializer(data).data)


class CyclePhaseApi(PortalApiView):
    """Admins: move a cycle to its next phase, through the same service as the cycle page."""

    class PhaseInputSerializer(serializers.Serializer):
        to_phase = serializers.ChoiceField(choices=CyclePhase.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    class PhaseResultSerializer(CycleSerializer):
        message = serializers.CharField(help_text="The cycle page's confirmation, in the language asked for.")

    @extend_schema(
        operation_id="cycle_phase_change",
        summary="Move a cycle to another phase",
        description=(
            "The cycle page's phase change, through the same service: only the next phases the cycle allows (else "
            "400 with the code `illegal_transition` and the allowed ones named); opening the call needs a "
            "submission deadline (code `no_deadline`) and freezes the framework. The change is recorded with its "
            "note. Who may call: admins (a read-and-write token); anyone else gets 403. Draft cycles included."
        ),
        parameters=[LANG_PARAMETER],
        request=PhaseInputSerializer,
        responses={200: PhaseResultSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Close submissions", value={"to_phase": "submission_closed", "note": "ครบกำหนด"}, request_only=True
            ),
            OpenApiExample(
                "Moved",
                value={**CYCLE_EXAMPLE, "phase": "submission_closed", "message": "The cycle is now in phase “…”."},
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        if not can_manage_cycles(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        serializer = self.PhaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            cycle = change_phase(cycle=cycle, by=user_of(request), **serializer.validated_data)
        except ValidationError as refused:
            return refusal_response(refused)
        message = _("The cycle is now in phase “{phase}”.").format(phase=cycle.get_phase_display())
        return Response({**CycleSerializer(cycle).data, "message": message})


class CycleExtensionApi(PortalApiView):
    """Admins: give one municipality a later deadline, through the same form and service as the cycle page."""

    @extend_schema(
        operation_id="cycle_extension_grant",
        summary="Grant a municipality a deadline extension",
        description=(
            "The cycle page's extension, through the same form and service: the municipality by its local "
            "government code, a deadline after the cycle's submission deadline (else 400 with the code "
            "`not_later`), and the reason. It replaces the municipality's earlier extension of the cycle, if any. "
            "The municipality's officers may then start, edit and submit until the new deadline. " + ADMINS
        ),
        parameters=[LANG_PARAMETER],
        request=ExtensionInputSerializer,
        responses={201: ExtensionGrantedSerializer, **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "A week more",
                value={"municipality": "09950101", "deadline": "2026-07-07T16:30:00+07:00", "reason": "น้ำท่วม"},
                request_only=True,
            ),
            OpenApiExample(
                "Granted",
                value={
                    "cycle": "esc-2026",
                    "municipality": "09950101",
                    "municipality_name_th": "เทศบาลนครยะลา",
                    "municipality_name_en": "Yala City Municipality",
                    "deadline": "2026-07-07T16:30:00+07:00",
                    "reason": "น้ำท่วม",
                    "granted_at": "2026-06-25T10:00:00+07:00",
                    "message": "Extension granted to Yala City Municipality.",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        if not can_manage_cycles(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        form = ExtensionForm(form_input(request))
        refused = form_refusal(form)
        if refused is not None:
            return refused
        try:
            extension = grant_extension(cycle=cycle, by=user_of(request), **form.cleaned_data)
        except ValidationError as error:
            return refusal_response(error)
        message = _("Extension granted to {municipality}.").format(municipality=extension.municipality)
        return Response({**ExtensionSerializer(extension).data, "message": message}, status=status.HTTP_201_CREATED)
