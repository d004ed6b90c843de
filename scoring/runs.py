"""Executing a score run: read the inputs in bulk, compute with the pure engine, then write every score and the
standing of every group it touches in one transaction.

A run is idempotent (running it again replaces its own rows with identical ones) and all-or-nothing: a worker
killed before the final transaction leaves the previous scores and standings current, and the retry completes the
same work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, cast

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.models import Application
from indicators.models import AwardCycle
from portal.statistics import analyze
from portal.thai import thai_sort_key
from scoring import engine
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun, Standing
from scoring.run_rows import PROVINCE_FIELDS, Applicant, Province, ScoreRow, Serialiser, insert_rows
from scoring.selectors import (
    SCORED_STATUSES,
    engine_framework,
    scored_applications,
    submitted_values,
    verified_values,
)
from scoring.standings import Entry, Place, group_key, rank_group

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 100
# A run started this many times without finishing (its worker died each time) is given up as failed.
MAX_ATTEMPTS = 4
# ---------------------------------------------------------------------------------------------------------------
# Reading and computing
# ---------------------------------------------------------------------------------------------------------------


def _applicants(run: ScoreRun) -> list[Applicant]:
    applications = (
        # An application's run names it: the scorerun_scope_matches_application constraint.
        Application.objects.filter(pk=cast(int, run.application_id))
        if run.scope == RunScope.APPLICATION
        else scored_applications(run.cycle)
    )
    return [
        Applicant(
            pk=pk,
            track=track,
            category=category,
            group=group_key(track, category, size_id),
            in_standing=status in SCORED_STATUSES,
            name_key=thai_sort_key(name),
            province=Province(*province),
        )
        for pk, track, category, size_id, status, name, *province in applications.order_by("pk").values_list(
            "pk",
            "track",
            "category_code",
            "size_class_id",
            "status",
            "municipality__name_th",
            *(f"municipality__{name}" for name in PROVINCE_FIELDS),
        )
    ]


def _compute(
    run: ScoreRun, applicants: list[Applicant], on_progress: Callable[[int, int], None] | None
) -> list[ScoreRow]:
    framework = engine_framework(run.framework, run.cycle)
    ids = [applicant.pk for applicant in applicants]
    whole = run.cycle if run.scope == RunScope.CYCLE else None
    submitted = submitted_values(ids, cycle=whole)
    verified, disagreement = verified_values(ids, submitted, framework, cycle=whole)
    governance_area = next((area.code for area in framework.areas if area.kind == engine.GOVERNANCE), None)
    serialiser = Serialiser()
    memo: engine.Memo = {}
    rows: list[ScoreRow] = []
    for index, applicant in enumerate(applicants, start=1):
        for kind, values in (
            (ScoreKind.SUBMITTED, submitted.get(applicant.pk, {})),
            (ScoreKind.VERIFIED, verified[applicant.pk]),
        ):
            result = engine.score_application(
                framework, values, track=applicant.track, category=applicant.category or None, memo=memo
            )
            governance = result.area(governance_area) if governance_area else None
            rows.append(
                ScoreRow(
                    applicant=applicant,
                    kind=kind,
                    result=result,
                    areas=serialiser.areas(result),
                    indicators=serialiser.indicators(result),
                    governance=governance.score if governance else None,
                    disagreement=disagreement.get(applicant.pk, False),
                )
            )
        rows[-2].other, rows[-1].other = rows[-1].result, rows[-2].result
        if index % PROGRESS_EVERY == 0 or index == len(applicants):
            ScoreRun.objects.filter(pk=run.pk).update(done=index, total=len(applicants), heartbeat_at=timezone.now())
            if on_progress is not None:
                on_progress(index, len(applicants))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Standing
# ---------------------------------------------------------------------------------------------------------------

STANDING_FIELDS = (
    "pk",
    "application_id",
    "kind",
    "group_key",
    "total",
    "completeness",
    "governance",
    "ranked",
    "pending",
    "needs_reviewer",
    "rank",
    "position",
    "tie_break",
    "application__status",
    "application__municipality__name_th",
    *(f"application__municipality__{name}" for name in PROVINCE_FIELDS),
)


@dataclass(slots=True)
class _Other:
    """A current row of an affected group that this run does not replace (another application's)."""

    pk: int
    entry: Entry
    in_standing: bool
    place: tuple[int | None, int | None, str]
    province: Province


def _others(cycle: AwardCycle, groups: set[tuple[str, str]], replaced: set[int]) -> dict[tuple[str, str], list[_Other]]:
    """Current rows of the affected (kind, group) pairs whose application this run does not score (one query)."""
    found: dict[tuple[str, str], list[_Other]] = defaultdict(list)
    if not groups:
        return found
    rows = (
        ApplicationScore.objects.filter(cycle=cycle, is_current=True, group_key__in={group for _kind, group in groups})
        .order_by()
        .exclude(application_id__in=replaced)
        .values_list(*STANDING_FIELDS)
    )
    for row in rows:
        pk, application, kind, group, total, completeness, governance, ranked, pending, needs = row[:10]
        rank, position, tie, status, name = row[10:15]
        province = Province(*row[15:])
        if (kind, group) not in groups:
            continue
        entry = Entry(
            key=application,
            total=total,
            completeness=completeness,
            governance=governance,
            eligible=ranked and pending == 0 and needs == 0,
            name_key=thai_sort_key(name),
        )
        found[(kind, group)].append(_Other(pk, entry, status in SCORED_STATUSES, (rank, position, tie), province))
    return found


def _rank(
    run: ScoreRun, rows: list[ScoreRow], groups: set[tuple[str, str]], others: dict[tuple[str, str], list[_Other]]
) -> tuple[list[tuple[int, int | None, int | None, str]], list[Standing]]:
    """Place every row of the affected groups: set the places of this run's rows, and return the changed places of
    the other rows (pk, rank, position, tie-break) and the groups' Standing records."""
    tie_breaks = run.cycle.tie_breaks
    fresh: dict[tuple[str, str], list[ScoreRow]] = defaultdict(list)
    for row in rows:
        if row.is_current:
            fresh[(row.kind, row.applicant.group)].append(row)
    changed: list[tuple[int, int | None, int | None, str]] = []
    standings: list[Standing] = []
    sizes = _size_classes(run.cycle)
    for kind, group in sorted(groups):
        mine = fresh.get((kind, group), [])
        theirs = others.get((kind, group), [])
        entries = [row.entry() for row in mine if row.applicant.in_standing]
        entries += [other.entry for other in theirs if other.in_standing]
        places: dict[Any, Place] = {place.key: place for place in rank_group(entries, tie_breaks=tie_breaks)}
        for row in mine:
            place = places.get(row.applicant.pk)
            row.rank, row.position, row.tie_break = _place(place)
        for other in theirs:
            place = places.get(other.entry.key)
            new = _place(place)
            if new != other.place:
                changed.append((other.pk, *new))
        if places:
            track, category, size = group.split("|")
            ranked = sum(1 for place in places.values() if place.rank is not None)
            provinces = {row.applicant.province for row in mine if row.applicant.in_standing}
            provinces |= {other.province for other in theirs if other.in_standing}
            standings.append(
                Standing(
                    cycle=run.cycle,
                    kind=kind,
                    group_key=group,
                    track=track,
                    category_code=category,
                    size_class_id=sizes.get(size),
                    run=run,
                    ranked=ranked,
                    unranked=len(places) - ranked,
                    provinces=[
                        list(province) for province in sorted(provinces, key=lambda item: thai_sort_key(item.name_th))
                    ],
                )
            )
    return changed, standings


def _place(place: Place | None) -> tuple[int | None, int | None, str]:
    return (None, None, "") if place is None else (place.rank, place.position, place.tie_break)


def _size_classes(cycle: AwardCycle) -> dict[str, int]:
    return {str(pk): pk for pk in cycle.size_classes.values_list("pk", flat=True)}


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def _move(changed: Iterable[tuple[int, int | None, int | None, str]]) -> None:
    scores = [
        ApplicationScore(pk=pk, rank=rank, position=position, tie_break=tie) for pk, rank, position, tie in changed
    ]
    ApplicationScore.objects.bulk_update(scores, ["rank", "position", "tie_break"], batch_size=500)


def _write(run: ScoreRun, applicants: list[Applicant], rows: list[ScoreRow]) -> None:
    """Make the run's rows current and re-rank the groups they touch, in one transaction."""
    ids = [applicant.pk for applicant in applicants]
    with transaction.atomic():
        # One writer per cycle at a time: two runs finishing together would otherwise both mark rows current.
        AwardCycle.objects.select_for_update().get(pk=run.cycle_id)
        ScoreRun.objects.select_for_update().get(pk=run.pk)
        ApplicationScore.objects.filter(run=run).delete()
        # A run requested later (higher id) that already finished keeps its scores current: "current" follows the
        # latest request, not the latest to finish, so a slow cycle rescore never hides a fresher amendment.
        current = ApplicationScore.objects.filter(application_id__in=ids, is_current=True).order_by()
        newer = set(current.filter(run_id__gt=run.pk).values_list("application_id", flat=True))
        replaced = current.filter(run_id__lt=run.pk).exclude(application_id__in=newer)
        groups = set(replaced.values_list("kind", "group_key"))
        replaced.update(is_current=False)
        for row in rows:
            row.is_current = row.applicant.pk not in newer
            if row.is_current:
                groups.add((row.kind, row.applicant.group))
        if run.scope == RunScope.CYCLE:
            groups |= set(Standing.objects.filter(cycle_id=run.cycle_id).values_list("kind", "group_key"))
        mine = {row.applicant.pk for row in rows if row.is_current}
        changed, standings = _rank(run, rows, groups, _others(run.cycle, groups, mine))
        insert_rows(run, rows)
        _move(changed)
        _replace_standings(run, groups, standings)
        ScoreRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, done=len(applicants), total=len(applicants), finished_at=timezone.now()
        )


def _replace_standings(run: ScoreRun, groups: set[tuple[str, str]], standings: list[Standing]) -> None:
    if groups:
        touched = reduce(or_, (Q(kind=kind, group_key=group) for kind, group in groups))
        Standing.objects.filter(touched, cycle_id=run.cycle_id).delete()
    Standing.objects.bulk_create(standings)


def rank_cycle(*, run: ScoreRun) -> None:
    """Re-rank every group of the run's cycle from the current rows as they are, without rescoring, and name `run`
    on the groups' standings: for current scores that were written outside a run (past results brought in)."""
    with transaction.atomic():
        AwardCycle.objects.select_for_update().get(pk=run.cycle_id)
        groups = set(
            ApplicationScore.objects.filter(cycle_id=run.cycle_id, is_current=True)
            .order_by()
            .values_list("kind", "group_key")
            .distinct()
        )
        groups |= set(Standing.objects.filter(cycle_id=run.cycle_id).values_list("kind", "group_key"))
        changed, standings = _rank(run, [], groups, _others(run.cycle, groups, set()))
        _move(changed)
        _replace_standings(run, groups, standings)
        current = ApplicationScore.objects.filter(cycle_id=run.cycle_id, is_current=True)
        sibling = current.filter(application_id=OuterRef("application_id")).exclude(kind=OuterRef("kind"))
        current.update(
            other_total=Subquery(sibling.values("total")[:1]),
            other_pending=Coalesce(Subquery(sibling.values("pending")[:1]), 0),
            other_needs_reviewer=Coalesce(Subquery(sibling.values("needs_reviewer")[:1]), 0),
        )


# The columns the pages filter, join and sort the scores on: statistics of the large explanation columns (areas,
# indicators) would cost most of the ANALYZE and help no query.
ANALYZED_COLUMNS = ("application_id", "cycle_id", "run_id", "kind", "is_current", "group_key", "rank", "position")


def analyze_scores() -> None:
    """Fresh planner statistics after a whole-cycle run (PostgreSQL servers may run without autovacuum)."""
    analyze(ApplicationScore, columns=ANALYZED_COLUMNS)


# ---------------------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------------------


def mark_failed(run_id: int, error: str) -> None:
    ScoreRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def execute_run(run_id: int, *, on_progress: Callable[[int, int], None] | None = None) -> ScoreRun | None:
    """Compute and store a run's scores and the standings of the groups it touches.

    Idempotent: running it again replaces its own rows with identical ones, and a failed run given again completes.
    Reads and computes outside any transaction, reporting progress; writes everything in one transaction. A finished
    run is returned as it is; a run started MAX_ATTEMPTS times already (its worker died each time) is marked failed
    instead of run.
    """
    run = ScoreRun.objects.select_related("cycle", "framework", "application").filter(pk=run_id).first()
    if run is None:
        logger.warning("Score run %s vanished before it ran", run_id)
        return None
    if run.status == RunStatus.DONE:
        return run
    if run.attempts >= MAX_ATTEMPTS:
        mark_failed(run.pk, f"Gave up after {run.attempts} attempts: the worker stopped before the run finished.")
        run.refresh_from_db()
        return run
    now = timezone.now()
    ScoreRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=run.attempts + 1, done=0, error=""
    )
    applicants = _applicants(run)
    rows = _compute(run, applicants, on_progress)
    _write(run, applicants, rows)
    if run.scope == RunScope.CYCLE:
        analyze_scores()
    run.refresh_from_db()
    return run
