"""The scores' API: a cycle's stored standing (what the ranking board reads) and its score runs, for the committee
(reviewers and admins, the board's predicate); admins queue a whole-cycle rescore as the runs page does."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.selectors import applications_visible_to
from indicators.enums import Track
from indicators.models import AwardCycle
from portal.api import PortalApiView
from portal.api_schema import LANG_PARAMETER, error_responses
from portal.http import user_of
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from scoring.permissions import can_rescore, can_view_rankings
from scoring.services import request_cycle_rescore

COMMITTEE = (
    "Who may call: reviewers and admins, as for the ranking board (read-only tokens too); officers get 403. A "
    "reviewer sees only the applications their scope reaches (those assigned to them until the cycle's committee "
    "ranking, never one they declared a conflict with)."
)


class CycleScopedMixin(APIView):
    """The predicate first (403), then the cycle (404)."""

    allowed = staticmethod(can_view_rankings)

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if request.method not in ("POST",) and not type(self).allowed(user_of(request)):
            raise PermissionDenied

    def cycle(self) -> AwardCycle:
        return get_object_or_404(AwardCycle.objects.defer("framework__source_text"), code=self.kwargs["code"])


# ---- standings ----------------------------------------------------------------------------------------------------


class StandingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ScoreKind.choices, method="by_kind", help_text="The score basis: submitted (default) or verified."
    )
    group = django_filters.CharFilter(field_name="group_key", help_text="A ranking group's key.")
    track = django_filters.ChoiceFilter(field_name="application__track", choices=Track.choices)
    category = django_filters.CharFilter(field_name="application__category_code", help_text="e.g. CW")
    size_class = django_filters.NumberFilter(field_name="application__size_class_id", help_text="A size class's id.")
    tier = django_filters.CharFilter()
    ranked = django_filters.BooleanFilter()

    class Meta:
        model = ApplicationScore
        fields = ["kind", "group", "track", "category", "size_class", "tier", "ranked"]

    def by_kind(self, queryset: QuerySet[ApplicationScore], name: str, value: str) -> QuerySet[ApplicationScore]:
        return queryset  # applied in the view, so that the default basis holds without the parameter too


class StandingRowSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    municipality = serializers.CharField(source="application.municipality.code")
    municipality_name_th = serializers.CharField(source="application.municipality.full_name_th")
    municipality_name_en = serializers.CharField(source="application.municipality.full_name_en")
    track = serializers.CharField(source="application.track")
    category = serializers.CharField(source="application.category_code")
    size_class = serializers.IntegerField(source="application.size_class_id", allow_null=True)
    status = serializers.CharField(source="application.status")
    kind = serializers.CharField()
    group = serializers.CharField(source="group_key")
    rank = serializers.IntegerField(allow_null=True, help_text="Null for a row not complete enough to be ranked.")
    position = serializers.IntegerField(allow_null=True)
    tie_break = serializers.CharField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    completeness = serializers.DecimalField(max_digits=4, decimal_places=3)
    ranked = serializers.BooleanField()
    tier = serializers.CharField()
    areas = serializers.JSONField(help_text="Per area: its score and how many indicators were answered.")
    pending = serializers.IntegerField()
    needs_reviewer = serializers.IntegerField()
    disagreement = serializers.BooleanField()
    other_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    run = serializers.IntegerField(source="run_id")
    computed_at = serializers.DateTimeField()


STANDING_EXAMPLE = {
    "application": 12,
    "municipality": "09950101",
    "municipality_name_th": "เทศบาลนครยะลา",
    "municipality_name_en": "Yala City Municipality",
    "track": "certificate",
    "category": "CW",
    "size_class": 2,
    "status": "under_review",
    "kind": "submitted",
    "group": "certificate:CW:2",
    "rank": 1,
    "position": 1,
    "tie_break": "",
    "total": "82.50",
    "completeness": "1.000",
    "ranked": True,
    "tier": "gold",
    "areas": {"CW": {"score": "82.50", "answered": 6, "applicable": 6}},
    "pending": 0,
    "needs_reviewer": 0,
    "disagreement": False,
    "other_total": "80.00",
    "run": 41,
    "computed_at": "2027-05-20T08:00:00+07:00",
}


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_standings",
        summary="A cycle's stored standing",
        description=(
            "The current scores of the cycle on one basis (`kind`: submitted, the default, or verified) with each "
            "row's ranking group, rank and totals, as the last score run stored them and the ranking board shows "
            "them: ranks are the run's, never renumbered by a filter. 50 to a page (404 past the last); in the "
            "groups' stored order unless `ordering` (group_key, position, rank, total, completeness; `-` reverses). "
            "Filter by `group`, `track`, `category`, `size_class`, `tier`, `ranked`. " + COMMITTEE
        ),
        parameters=[LANG_PARAMETER],
        responses={200: StandingRowSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("A ranked row", value=STANDING_EXAMPLE, response_only=True)],
    )
)
class StandingListApi(CycleScopedMixin, PortalApiView, generics.ListAPIView):
    serializer_class = StandingRowSerializer
    filterset_class = StandingFilter
    ordering_fields = ["group_key", "position", "rank", "total", "completeness"]

    def get_queryset(self) -> QuerySet[ApplicationScore]:
        if getattr(self, "swagger_fake_view", False):
            return ApplicationScore.objects.none()
        cycle = self.cycle()
        kind = self.request.query_params.get("kind") or ScoreKind.SUBMITTED
        return (
            ApplicationScore.objects.filter(cycle=cycle, kind=kind, is_current=True, position__isnull=False)
            .filter(application__in=applications_visible_to(user_of(self.request)).values("pk"))
            .select_related("application__municipality")
            .defer("indicators")
            .order_by("group_key", "position", "pk")
        )


# ---- score runs ---------------------------------------------------------------------------------------------------


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    application = serializers.IntegerField(source="application_id", allow_null=True)
    framework_version = serializers.IntegerField(source="framework.version")
    reason = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    joined = serializers.IntegerField(help_text="Later requests that joined this run while it was queued.")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class QueuedSerializer(RunSerializer):
    message = serializers.CharField(help_text="The runs page's confirmation, in the language asked for.")


RUN_EXAMPLE = {
    "id": 41,
    "scope": "cycle",
    "application": None,
    "framework_version": 1,
    "reason": "manual",
    "status": "queued",
    "total": 1180,
    "done": 0,
    "joined": 0,
    "error": "",
    "created_at": "2027-05-20T07:58:00+07:00",
    "started_at": None,
    "finished_at": None,
}


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    scope = django_filters.ChoiceFilter(choices=RunScope.choices)

    class Meta:
        model = ScoreRun
        fields = ["status", "scope"]


@extend_schema_view(
    get=extend_schema(
        operation_id="cycle_score_runs",
        summary="A cycle's score runs",
        description=(
            "The cycle's score runs, newest first, with their progress; 50 to a page (404 past the last). Filter by "
            "`status` and `scope`; order by `created_at` or `finished_at`. " + COMMITTEE
        ),
        parameters=[LANG_PARAMETER],
        responses={200: RunSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("A queued rescore", value=RUN_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        operation_id="cycle_score_run_create",
        summary="Queue a whole-cycle rescore",
        description=(
            "The runs page's action, through the same service: a rescore of every scored application of the cycle "
            "under its current framework version, queued for the workers; it joins the cycle's rescore already "
            "waiting in the queue, if any (then that run is answered). Who may call: admins (a read-and-write "
            "token); reviewers and officers get 403."
        ),
        parameters=[LANG_PARAMETER],
        request=None,
        responses={202: QueuedSerializer, **error_responses(401, 403, 404, 429)},
        examples=[
            OpenApiExample(
                "Queued", value={**RUN_EXAMPLE, "message": "Rescoring queued: 1180 applications."}, response_only=True
            )
        ],
    ),
)
class RunListApi(CycleScopedMixin, PortalApiView, generics.ListAPIView):
    serializer_class = RunSerializer
    filterset_class = RunFilter
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self) -> QuerySet[ScoreRun]:
        if getattr(self, "swagger_fake_view", False):
            return ScoreRun.objects.none()
        return (
            ScoreRun.objects.filter(cycle=self.cycle())
            .select_related("framework")
            .defer("framework__source_text")
            .order_by("-created_at", "-pk")
        )

    def post(self, request: Request, code: str) -> Response:
        if not can_rescore(user_of(request)):
            raise PermissionDenied
        cycle = get_object_or_404(AwardCycle, code=code)
        run = request_cycle_rescore(cycle=cycle, reason="manual", by=user_of(request))
        message = _("Rescoring queued: {count} applications.").format(count=run.total)
        run = ScoreRun.objects.select_related("framework").defer("framework__source_text").get(pk=run.pk)
        return Response({**RunSerializer(run).data, "message": message}, status=status.HTTP_202_ACCEPTED)
