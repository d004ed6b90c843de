"""Score runs: create them, run them (bulk read, pure compute, bulk write, visible atomically), and estimates."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from applications.models import Application
from indicators.models import AwardCycle
from portal.models import User
from scoring import engine
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.selectors import (
    engine_framework,
    rubric_codes,
    scored_applications,
    submitted_values,
    verified_values,
)

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 100


def _enqueue(run: ScoreRun) -> None:
    from scoring.tasks import run_scores_task  # noqa: PLC0415 -- tasks import services: avoid the circle

    transaction.on_commit(partial(run_scores_task.delay, run_id=run.pk))


@transaction.atomic
def request_application_score(*, application: Application, reason: str, by: User | None = None) -> ScoreRun:
    """Queue a run for one application under its cycle's current framework (runs after commit)."""
    cycle = application.cycle
    run = ScoreRun.objects.create(
        cycle=cycle,
        framework_id=cycle.framework_id,
        scope=RunScope.APPLICATION,
        application=application,
        reason=reason,
        total=1,
        created_by=by,
    )
    _enqueue(run)
    return run


@transaction.atomic
def request_cycle_rescore(*, cycle: AwardCycle, reason: str, by: User | None = None) -> ScoreRun:
    """Queue a whole-cycle rescore under the cycle's current framework version (runs after commit)."""
    run = ScoreRun.objects.create(
        cycle=cycle,
        framework_id=cycle.framework_id,
        scope=RunScope.CYCLE,
        reason=reason,
        total=scored_applications(cycle).count(),
        created_by=by,
    )
    _enqueue(run)
    return run


def _score_row(run: ScoreRun, application_id: int, kind: str, result: engine.ScoreResult) -> ApplicationScore:
    governance = next((area.score for area in result.areas if area.code == "GOV"), None)
    return ApplicationScore(
        run=run,
        application_id=application_id,
        framework_id=run.framework_id,
        kind=kind,
        total=result.total,
        completeness=result.completeness,
        ranked=result.ranked,
        tier=result.tier,
        governance=governance,
        areas={
            area.code: {"score": str(area.score), "answered": area.answered, "applicable": area.applicable}
            for area in result.areas
        },
        indicators=[
            {
                "code": item.code,
                "area": item.area,
                "points": None if item.points is None else str(item.points),
                "max": item.max_points,
                "weight": str(item.weight),
                "missing": item.missing,
                "th": item.explanation_th,
                "en": item.explanation_en,
            }
            for item in result.indicators
        ],
        is_current=True,
    )


def execute_run(run_id: int, *, on_progress: Callable[[int, int], None] | None = None) -> ScoreRun | None:
    """Compute and store a run's scores. Idempotent: running it again replaces its own rows with identical ones.

    Reads in bulk and computes with the pure engine outside any transaction, reporting progress; then writes every
    row and switches "current" to them in ONE transaction, so a worker killed before the end leaves the previous
    results visible and a retried run completes the same work.
    """
    run = ScoreRun.objects.select_related("cycle", "framework", "application").filter(pk=run_id).first()
    if run is None:
        logger.warning("Score run %s vanished before it ran", run_id)
        return None
    if run.status == RunStatus.DONE:
        return run
    ScoreRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), attempts=run.attempts + 1, done=0, error=""
    )
    framework = engine_framework(run.framework, run.cycle)
    rubrics = rubric_codes(framework)
    if run.scope == RunScope.APPLICATION:
        applications = list(
            Application.objects.filter(pk=run.application_id).values_list("pk", "track", "category_code")
        )
    else:
        applications = list(scored_applications(run.cycle).values_list("pk", "track", "category_code"))
    ids = [pk for pk, _track, _category in applications]
    submitted = submitted_values(ids)
    verified = verified_values(
        ids, {pk: {c: v for c, v in vals.items() if c not in rubrics} for pk, vals in submitted.items()}
    )
    rows: list[ApplicationScore] = []
    memo: dict = {}
    for index, (pk, track, category) in enumerate(applications, start=1):
        for kind, values in ((ScoreKind.SUBMITTED, submitted.get(pk, {})), (ScoreKind.VERIFIED, verified.get(pk, {}))):
            result = engine.score_application(framework, values, track=track, category=category or None, memo=memo)
            rows.append(_score_row(run, pk, kind, result))
        if index % PROGRESS_EVERY == 0 or index == len(applications):
            ScoreRun.objects.filter(pk=run.pk).update(done=index, total=len(applications))
            if on_progress is not None:
                on_progress(index, len(applications))
    with transaction.atomic():
        # One writer per cycle at a time: two runs finishing together would otherwise both mark rows current.
        AwardCycle.objects.select_for_update().get(pk=run.cycle_id)
        ScoreRun.objects.select_for_update().get(pk=run.pk)
        ApplicationScore.objects.filter(run=run).delete()
        # A run requested later (higher id) that already finished keeps its scores current: "current" follows the
        # latest request, not the latest to finish, so a slow cycle rescore never hides a fresher amendment.
        newer = set(
            ApplicationScore.objects.filter(application_id__in=ids, is_current=True, run_id__gt=run.pk).values_list(
                "application_id", flat=True
            )
        )
        for row in rows:
            row.is_current = row.application_id not in newer
        ApplicationScore.objects.filter(application_id__in=ids, is_current=True, run_id__lt=run.pk).exclude(
            application_id__in=newer
        ).update(is_current=False)
        ApplicationScore.objects.bulk_create(rows, batch_size=1000)
        ScoreRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, done=len(applications), total=len(applications), finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def mark_failed(run_id: int, error: str) -> None:
    ScoreRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def estimate(application: Application) -> engine.ScoreResult:
    """The live estimate while a draft is filled in: the same engine, on the draft's values (self-assessed rubric)."""
    framework = engine_framework(application.cycle.framework, application.cycle)
    values = submitted_values([application.pk]).get(application.pk, {})
    return engine.score_application(
        framework, values, track=application.track, category=application.category_code or None
    )


@transaction.atomic
def set_verified_values(*, application: Application, values: dict[str, dict[str, object]]) -> None:
    """Replace the application's verified inputs: {code: {"number"|"flag"|"points": value}}; queue its rescore.

    Called by the review workflow after a correction or a rubric score; codes absent from `values` fall back to
    the submitted value (rubric indicators to no points).
    """
    indicators = {item.code: item for item in application.cycle.framework.indicators.all()}
    VerifiedValue.objects.filter(application=application).exclude(indicator__code__in=list(values)).delete()
    for code, fields in values.items():
        VerifiedValue.objects.update_or_create(
            application=application,
            indicator=indicators[code],
            defaults={
                "number": fields.get("number"),
                "flag": fields.get("flag"),
                "points": fields.get("points"),
                "updated_at": timezone.now(),
            },
        )
    request_application_score(application=application, reason="verification")
