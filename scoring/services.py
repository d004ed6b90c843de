"""Score runs requested (who, why, queued after commit), reviewers' verified inputs stored, and the live estimate.

Every write that changes a score ends here: it records who asked and why on the run it queues, and the run (see
scoring.runs) rescores and re-ranks what the change affects.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from applications.models import Application
from indicators.models import AwardCycle
from portal.models import User
from portal.queueing import enqueue_after_commit
from scoring import engine
from scoring.enums import RunScope, RunStatus, VerifiedStatus
from scoring.models import ScoreRun, VerifiedValue
from scoring.runs import PROGRESS_EVERY, execute_run, mark_failed
from scoring.selectors import engine_framework, scored_applications, submitted_values

__all__ = [
    "PROGRESS_EVERY",
    "VerifiedInput",
    "estimate",
    "execute_run",
    "fail_stale_runs",
    "mark_failed",
    "request_application_score",
    "request_cycle_rescore",
    "set_cycle_verified_values",
    "set_verified_values",
]

logger = logging.getLogger(__name__)
REASON_LENGTH = 40


def _enqueue(run: ScoreRun) -> None:
    enqueue_after_commit("scoring.run_scores", run_id=run.pk)


def _join_queued(runs: QuerySet[ScoreRun], cycle: AwardCycle) -> ScoreRun | None:
    """A run of `runs` that has not started and is the cycle's latest request, locked; None otherwise.

    Joining it is as good as queueing a new run: it reads its inputs only when it starts, after this transaction.
    Only the latest request may be joined: an older run's rows never become current over a newer run's.
    """
    latest = ScoreRun.objects.filter(cycle=cycle).order_by("-pk").values_list("pk", flat=True).first()
    # No run yet: latest is None, which Django reads as IS NULL (nothing to join); the plugin wants a key.
    queued = runs.select_for_update().filter(pk=latest, status=RunStatus.QUEUED, attempts=0).first()  # type: ignore[misc]
    if queued is not None:
        ScoreRun.objects.filter(pk=queued.pk).update(joined=queued.joined + 1)
    return queued


@transaction.atomic
def request_application_score(*, application: Application, reason: str, by: User | None = None) -> ScoreRun:
    """Queue a run for one application under its cycle's current framework (runs after commit).

    Joins a queued run that will score the application anyway (its own, or the cycle's), if one is the latest.
    """
    cycle = application.cycle
    waiting = ScoreRun.objects.filter(
        Q(application=application) | Q(scope=RunScope.CYCLE), cycle=cycle, framework_id=cycle.framework_id
    )
    joined = _join_queued(waiting, cycle)
    if joined is not None:
        return joined
    run = ScoreRun.objects.create(
        cycle=cycle,
        framework_id=cycle.framework_id,
        scope=RunScope.APPLICATION,
        application=application,
        reason=reason[:REASON_LENGTH],
        total=1,
        created_by=by,
    )
    _enqueue(run)
    return run


@transaction.atomic
def request_cycle_rescore(*, cycle: AwardCycle, reason: str, by: User | None = None, enqueue: bool = True) -> ScoreRun:
    """Queue a whole-cycle rescore under the cycle's current framework version (runs after commit).

    Joins the cycle's queued rescore when it is the latest request. With enqueue=False the run is created for the
    caller to execute in-process (never joined, never queued: one run, one executor).
    """
    if enqueue:
        joined = _join_queued(
            ScoreRun.objects.filter(cycle=cycle, framework_id=cycle.framework_id, scope=RunScope.CYCLE), cycle
        )
        if joined is not None:
            return joined
    run = ScoreRun.objects.create(
        cycle=cycle,
        framework_id=cycle.framework_id,
        scope=RunScope.CYCLE,
        reason=reason[:REASON_LENGTH],
        total=scored_applications(cycle).count(),
        created_by=by,
    )
    if enqueue:
        _enqueue(run)
    return run


def fail_stale_runs(*, silent_for: dt.timedelta) -> int:
    """Mark failed the runs that say "running" but have reported nothing for `silent_for` (their worker died and
    the queue lost them). Returns how many."""
    cutoff = timezone.now() - silent_for
    stale = ScoreRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    return stale.update(
        status=RunStatus.FAILED,
        error="The worker stopped reporting progress: the run was lost. Request a new run.",
        finished_at=timezone.now(),
    )


def estimate(application: Application) -> engine.ScoreResult:
    """The live estimate while a draft is filled in: the same engine, on the draft's values (self-assessed rubric)."""
    framework = engine_framework(application.cycle.framework, application.cycle)
    values = submitted_values([application.pk]).get(application.pk, {})
    return engine.score_application(
        framework, values, track=application.track, category=application.category_code or None
    )


# ---------------------------------------------------------------------------------------------------------------
# Verified inputs
# ---------------------------------------------------------------------------------------------------------------


class VerifiedInput(TypedDict, total=False):
    """What reviewers settled for one indicator: status (scoring.enums.VerifiedStatus) and its value."""

    status: str
    number: Decimal | None
    flag: bool | None
    points: Decimal | None
    disagreement: bool


VERIFIED_FIELDS = ("status", "number", "flag", "points", "disagreement")


def _desired(values: Mapping[str, VerifiedInput]) -> dict[str, tuple[Any, ...]]:
    return {
        code: (
            fields.get("status", VerifiedStatus.VERIFIED),
            fields.get("number"),
            fields.get("flag"),
            None if fields.get("points") is None else Decimal(str(fields["points"])).quantize(Decimal("0.001")),
            bool(fields.get("disagreement", False)),
        )
        for code, fields in values.items()
    }


def _replace_verified(cycle: AwardCycle, values: Mapping[int, Mapping[str, VerifiedInput]]) -> bool:
    """Make the stored verified inputs of these applications exactly `values` (bulk; only changed rows are written).

    Returns whether anything changed.
    """
    indicators = dict(cycle.framework.indicators.values_list("code", "pk"))
    existing: dict[tuple[int, str], tuple[int, tuple[Any, ...]]] = {}
    for pk, application_id, code, *fields in VerifiedValue.objects.filter(application_id__in=list(values)).values_list(
        "pk", "application_id", "indicator__code", *VERIFIED_FIELDS
    ):
        existing[(application_id, code)] = (pk, tuple(fields))
    now = timezone.now()
    new, changed, keep = [], [], set()
    for application_id, by_code in values.items():
        for code, fields in _desired(by_code).items():
            key = (application_id, code)
            keep.add(key)
            row = dict(zip(VERIFIED_FIELDS, fields, strict=True))
            if key not in existing:
                new.append(
                    VerifiedValue(application_id=application_id, indicator_id=indicators[code], updated_at=now, **row)
                )
            elif existing[key][1] != fields:
                changed.append(VerifiedValue(pk=existing[key][0], updated_at=now, **row))
    removed = [pk for key, (pk, _fields) in existing.items() if key not in keep]
    VerifiedValue.objects.filter(pk__in=removed).delete()
    VerifiedValue.objects.bulk_create(new, batch_size=1000)
    VerifiedValue.objects.bulk_update(changed, [*VERIFIED_FIELDS, "updated_at"], batch_size=1000)
    return bool(new or changed or removed)


@transaction.atomic
def set_verified_values(
    *, application: Application, values: Mapping[str, VerifiedInput], by: User | None, reason: str
) -> ScoreRun | None:
    """Replace what reviewers settled for one application ({code: input}); queue its rescore if anything changed.

    Codes absent from `values` are unsettled: the verified score waits for them. Returns the run, or None when the
    stored inputs already were exactly these.
    """
    if not _replace_verified(application.cycle, {application.pk: values}):
        return None
    return request_application_score(application=application, reason=reason, by=by)


@transaction.atomic
def set_cycle_verified_values(
    *, cycle: AwardCycle, values: Mapping[int, Mapping[str, VerifiedInput]], by: User | None, reason: str
) -> ScoreRun | None:
    """The same for many applications of one cycle at once (e.g. every application a normalised reviewer scored),
    with one cycle rescore queued if anything changed."""
    if not _replace_verified(cycle, values):
        return None
    return request_cycle_rescore(cycle=cycle, reason=reason, by=by)
