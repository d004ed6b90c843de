"""The review workflow's API for admins: assigning reviewers to an application and the ranking board's decisions,
through the same services and refusals as the pages.

Access as on the HTML pages: the predicate first (403), then the application or cycle (404)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from applications.http import application_in_scope
from applications.selectors import applications_visible_to
from indicators.models import AwardCycle
from portal.api import PortalApiView, error_response
from portal.api_refusals import refusal_response
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.enums import Role
from portal.http import user_of
from portal.models import User
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.permissions import can_decide, can_manage_assignments
from reviews.services_assignments import assign_reviewers
from reviews.services_decisions import decide


class AssignedSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = serializers.CharField(source="reviewer.full_name")
    assigned_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class AssignApi(PortalApiView):
    class AssignInputSerializer(serializers.Serializer):
        # Any active reviewer is accepted here, as on the assignments page: the service refuses a conflicted one.
        reviewers = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(role=Role.REVIEWER, is_active=True),
            many=True,
            allow_empty=False,
            error_messages={"does_not_exist": _("Choose an active reviewer.")},
        )

    @extend_schema(
        operation_id="application_assign_reviewers",
        summary="Assign reviewers to an application",
        description=(
            "The assignments page's action, through the same service and refusals: a draft is refused (code "
            "`draft`), so is a reviewer who declared a conflict with the municipality or its province, by name "
            "(code `conflict`); nothing is assigned then. Assigning a reviewer twice changes nothing. Who may call: "
            "admins (a read-and-write token); anyone else gets 403."
        ),
        parameters=[LANG_PARAMETER],
        request=AssignInputSerializer,
        responses={201: AssignedSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample("Two reviewers", value={"reviewers": [31, 42]}, request_only=True),
            OpenApiExample(
                "Assigned",
                value=[
                    {
                        "reviewer": 31,
                        "reviewer_name": "ผศ.ดร. สมชาย ใจดี",
                        "assigned_at": "2027-04-02T10:00:00+07:00",
                        "completed_at": None,
                    }
                ],
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        if not can_manage_assignments(user_of(request)):
            raise PermissionDenied
        application = application_in_scope(request, pk)
        serializer = self.AssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            assignments = assign_reviewers(
                application=application, reviewers=serializer.validated_data["reviewers"], by=user_of(request)
            )
        except ValidationError as refused:
            return refusal_response(refused)
        return Response(AssignedSerializer(assignments, many=True).data, status=status.HTTP_201_CREATED)


class DecisionSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    round = serializers.CharField()
    outcome = serializers.CharField()
    note = serializers.CharField()
    decided_at = serializers.DateTimeField()


class DecideApi(PortalApiView):
    class DecideInputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        round = serializers.ChoiceField(choices=DecisionRound.choices)
        outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    @extend_schema(
        operation_id="cycle_decide",
        summary="Record a decision for several applications",
        description=(
            "The ranking board's bulk decision, through the same service and rules: one round, outcome and note for "
            "the listed applications of the cycle, or nothing at all (an application of another cycle, a draft, a "
            "missing note, a nomination outside the committee round or beyond the ASEAN quota — code `quota` — "
            "are refused with 400). Who may call: admins (a read-and-write token); anyone else gets 403."
        ),
        parameters=[LANG_PARAMETER],
        request=DecideInputSerializer,
        responses={201: DecisionSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Shortlist two",
                value={"ids": [12, 15], "round": "screening", "outcome": "shortlisted", "note": "ผ่านเกณฑ์"},
                request_only=True,
            ),
            OpenApiExample(
                "Recorded",
                value=[
                    {
                        "application": 12,
                        "round": "screening",
                        "outcome": "shortlisted",
                        "note": "ผ่านเกณฑ์",
                        "decided_at": "2027-06-01T09:00:00+07:00",
                    }
                ],
                response_only=True,
            ),
        ],
    )
    def post(self, request: Request, code: str) -> Response:
        if not can_decide(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        serializer = self.DecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = set(data["ids"])
        applications = list(applications_visible_to(user_of(request)).filter(cycle=cycle, pk__in=ids))
        if len(applications) != len(ids):
            return error_response(
                "not_in_cycle",
                _("Some ticked applications are not in this cycle. Nothing was decided."),
                field="ids",
                status_code=400,
            )
        try:
            decisions = decide(
                applications=applications,
                round=data["round"],
                outcome=data["outcome"],
                note=data["note"],
                by=user_of(request),
            )
        except ValidationError as refused:
            return refusal_response(refused)
        return Response(DecisionSerializer(decisions, many=True).data, status=status.HTTP_201_CREATED)
