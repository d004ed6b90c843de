"""Stored scores with chosen figures, for tests about what pages and reports read from them (no engine run)."""

from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from scoring.enums import RunScope, ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from tests.factories.portal import MunicipalityFactory, UserFactory


def score_run(cycle) -> ScoreRun:
    return ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.CYCLE, reason="test", created_by=UserFactory.create()
    )


def scored_application(
    cycle,
    run,
    size_class,
    *,
    areas,
    points,
    kind=ScoreKind.SUBMITTED,
    pending=0,
    track="esc_award",
    status=ApplicationStatus.SUBMITTED,
    municipality=None,
    total=Decimal(50),
    maximum=4,
):
    """An application with one current score of `kind`: `areas` {code: score or None}, `points` {code: points or
    None} (each indicator out of `maximum`)."""
    application = Application.objects.create(
        cycle=cycle,
        municipality=municipality or MunicipalityFactory(),
        track=track,
        category_code="CA" if track == "certificate" else "",
        status=status,
        size_class=size_class,
        created_by=run.created_by,
        submitted_at=None if status == ApplicationStatus.DRAFT else timezone.now(),
    )
    ApplicationScore.objects.create(
        run=run,
        application=application,
        cycle=cycle,
        framework=cycle.framework,
        kind=kind,
        total=total,
        completeness=Decimal(1),
        ranked=True,
        areas={
            code: {"score": str(score), "answered": 1, "applicable": 1}
            for code, score in areas.items()
            if score is not None
        },
        indicators=[
            {"code": code, "points": None if value is None else str(value), "max": maximum, "th": "", "en": ""}
            for code, value in points.items()
        ],
        pending=pending,
        group_key="g",
        is_current=True,
    )
    return application
