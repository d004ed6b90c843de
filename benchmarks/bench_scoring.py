"""Whole-cycle rescore of 2,500 applications × 42 indicators against what PostgreSQL alone needs for the same work.

The floor, measured in the same run on the same data:
(a) ONE SELECT of the inputs the run reads (each scored application's submitted values and verified values with
    their indicator code: application, code, number, flag, level or points), fetched completely into Python;
(b) a COPY FROM STDIN of the result rows a real run wrote (the same rows, captured once as COPY text) into a table
    of the same shape with the same indexes (unique partial index included: the run must maintain them too). It
    is an ordinary table, as the real one: a temporary table writes no WAL and would make the floor too low.
The rescore: scoring.services.request_cycle_rescore, then execute_run in-process (as the worker would run it).
Rounds take turns (floor, rescore, ...); the figures are medians. Goal: the rescore within 3× the floor.
"""

from __future__ import annotations

import io

from django.db import connection

from applications.models import Application, IndicatorValue
from benchmarks.data import bench_cycle
from benchmarks.harness import BenchmarkError, Figure, analyze, median_of_interleaved
from indicators.models import Indicator
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.selectors import SCORED_STATUSES
from scoring.services import execute_run, request_cycle_rescore

ROUNDS = 5
MAX_SECONDS = 150  # no new round after this
CLONE = "bench_applicationscore_floor"


def _inputs_query() -> str:
    """The run's inputs in one statement: submitted values, then verified values, of the cycle's scored
    applications (table names from the models; the values are parameters)."""
    application, indicator = Application._meta.db_table, Indicator._meta.db_table
    scored = f"a.cycle_id = %s AND a.status IN ({', '.join(['%s'] * len(SCORED_STATUSES))})"
    selects = [
        f"SELECT v.application_id, i.code, v.number, v.flag, v.{column} FROM {table} v "  # noqa: S608 -- no user input
        f"JOIN {indicator} i ON i.id = v.indicator_id JOIN {application} a ON a.id = v.application_id WHERE {scored}"
        for table, column in ((IndicatorValue._meta.db_table, "level"), (VerifiedValue._meta.db_table, "points"))
    ]
    return " UNION ALL ".join(selects)


def run() -> list[Figure]:
    data = bench_cycle()
    cycle = data.cycle
    table = ApplicationScore._meta.db_table
    parameters: list[int | str]
    query, parameters = _inputs_query(), [cycle.pk, *SCORED_STATUSES] * 2
    latest = ScoreRun.objects.filter(cycle=cycle, status="done").latest("pk")
    rows = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {CLONE}")
        cursor.execute(f"CREATE TABLE {CLONE} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
        captured = f"SELECT * FROM {table} WHERE run_id = {int(latest.pk)}"  # noqa: S608 -- no user input
        cursor.copy_expert(f"COPY ({captured}) TO STDOUT", rows)
    result_rows = rows.getvalue()
    count = result_rows.count("\n")

    def truncate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {CLONE}")

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(query, parameters)
            inputs = cursor.fetchall()
            cursor.copy_expert(f"COPY {CLONE} FROM STDIN", io.StringIO(result_rows))
        if not inputs:
            raise BenchmarkError("the floor read no input")

    def rescore() -> None:
        execute_run(request_cycle_rescore(cycle=cycle, reason="bench").pk)

    timings = median_of_interleaved(
        ROUNDS, {"floor": floor, "rescore": rescore}, setups={"floor": truncate}, max_seconds=MAX_SECONDS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {CLONE}")
    analyze(ScoreRun, ApplicationScore)
    return [
        Figure(
            f"rescore {data.applications:,} × {data.indicators}",
            timings["rescore"],
            f"PostgreSQL floor (SELECT + COPY of {count:,} rows)",
            timings["floor"],
            "≥ 0.33× (the rescore within 3× the floor)",
            goal_ratio=0.33,
        )
    ]
