import base64
import datetime as dt
import json
import threading
from decimal import Decimal
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from kombu.transport.redis import Channel as RedisChannel

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from applications.selectors_submission import receipt_digest
from applications.services import reopen_application, save_value, start_application, submit_application
from indicators.enums import CyclePhase
from indicators.models import FrameworkVersion, Indicator
from indicators.services import adopt_framework, copy_framework
from portal.celery import app
from portal.models import Municipality
from scoring import engine
from scoring.enums import RunScope, RunStatus, ScoreKind, VerifiedStatus
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.runs import ANALYZED_COLUMNS, MAX_ATTEMPTS
from scoring.services import execute_run, mark_failed, request_application_score, request_cycle_rescore
from scoring.tasks import MAX_RETRIES, fail_stale_runs_task, run_scores_task
from tests.factories.indicators import make_cycle
from tests.factories.portal import ProvinceFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

KINDS = (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-t", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


@pytest.fixture
def broker():
    """The test queue on Redis, emptied before and after: the test reads which runs were sent to it."""
    app.control.purge()
    yield
    app.control.purge()


def queued_run_ids() -> list[int]:
    """Run ids of the scoring tasks waiting in the test queue."""
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, RedisChannel)  # the test broker is Redis
        raw = channel.client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    messages = [json.loads(item) for item in raw]
    return [
        json.loads(base64.b64decode(message["body"]))[1]["run_id"]
        for message in messages
        if message["headers"]["task"] == "scoring.run_scores"
    ]


def indicator(cycle, code):
    return Indicator.objects.get(framework_id=cycle.framework_id, code=code)


def put(application, code, raw, by):
    return save_value(
        application=application,
        indicator=indicator(application.cycle, code),
        by=by,
        changes={"value": raw},
        expected_version=None,
    )


def lock(application, by):
    return submit_application(application=application, by=by, confirmed_digest=receipt_digest(application))


def submitted_applications(cycle, values: list[dict[str, int]], *, created_by):
    """Submitted ESC Award applications written in bulk, one per dict of indicator code → number or level."""
    province = ProvinceFactory.create()
    start = Municipality.objects.count()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=f"7{start + number:05d}",
            kind="town",
            name_th=f"เมือง{start + number}",
            full_name_th=f"เทศบาลเมือง{start + number}",
            name_en=f"Town {start + number}",
            province=province,
            population=45_000,
        )
        for number in range(len(values))
    )
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=municipality,
            track="esc_award",
            category_code="",
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            population=45_000,
            created_by=created_by,
        )
        for municipality in municipalities
    )
    indicators = {item.code: item for item in Indicator.objects.filter(framework_id=cycle.framework_id)}
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            application=application,
            indicator=indicators[code],
            level=value if indicators[code].value_type == "rubric" else None,
            number=None if indicators[code].value_type == "rubric" else Decimal(value),
        )
        for application, entries in zip(applications, values, strict=True)
        for code, value in entries.items()
    )
    return applications


def cycle_run(cycle, reason="test"):
    """A new whole-cycle run for the test to execute itself (not queued, so never joined by the next request)."""
    return request_cycle_rescore(cycle=cycle, reason=reason, enqueue=False)


def stored_rows(run) -> set[tuple]:
    return {
        (application, kind, total, json.dumps(areas, sort_keys=True), json.dumps(indicators, sort_keys=True))
        for application, kind, total, areas, indicators in ApplicationScore.objects.filter(run=run).values_list(
            "application_id", "kind", "total", "areas", "indicators"
        )
    }


def current_rows() -> set[tuple[int, str, int]]:
    return set(ApplicationScore.objects.filter(is_current=True).values_list("application_id", "kind", "run_id"))


def score_row(run, application, kind, *, is_current):
    return ApplicationScore(
        run=run,
        application=application,
        cycle_id=run.cycle_id,
        group_key="esc_award||none",
        framework_id=run.framework_id,
        kind=kind,
        total=Decimal("10.00"),
        completeness=Decimal("0.500"),
        ranked=False,
        is_current=is_current,
    )


# ---- stored scores against a hand computation ------------------------------------------------------------------


def test_execute_run_stores_the_submitted_score_with_its_explanations(cast, application):
    put(application, "CA-01", "85", cast.editor_a)
    put(application, "CA-02", "12", cast.editor_a)
    put(application, "CA-07", "3", cast.editor_a)
    run = request_application_score(application=application, reason="test")

    execute_run(run.pk)

    score = ApplicationScore.objects.get(run=run, kind=ScoreKind.SUBMITTED)
    # CA: (3 + 2 + 3) / (4 × 10) = 20.00; CW, CL, GOV 0; total 0.8 × (20 + 0 + 0) / 3 + 0.2 × 0 = 5.33.
    assert (score.total, score.completeness, score.ranked, score.tier, score.governance, score.is_current) == (
        Decimal("5.33"),
        Decimal("0.088"),
        False,
        "none",
        Decimal("0.00"),
        True,
    )
    assert score.areas == {
        "CA": {"score": "20.00", "answered": 3, "applicable": 10},
        "CW": {"score": "0.00", "answered": 0, "applicable": 9},
        "CL": {"score": "0.00", "answered": 0, "applicable": 10},
        "GOV": {"score": "0.00", "answered": 0, "applicable": 5},
    }
    by_code = {item["code"]: item for item in score.indicators}
    assert len(score.indicators) == 34
    assert by_code["CA-02"] == {
        "code": "CA-02",
        "area": "CA",
        "points": "2",
        "max": 4,
        "weight": "1.0000",
        "missing": False,
        "th": "CA-02: 12 วัน ≤ 30 วัน → 2 คะแนน",
        "en": "CA-02: 12 days ≤ 30 days → 2 points",
    }
    assert (by_code["CA-01"]["points"], by_code["CA-01"]["en"]) == ("3", "CA-01: 85 % ≥ 80 % → 3 points")
    assert (by_code["CA-07"]["points"], by_code["CA-07"]["en"]) == ("3", "CA-07: level 3 → 3 points")
    assert (by_code["CW-01"]["points"], by_code["CW-01"]["missing"], by_code["CW-01"]["en"]) == (
        "0",
        True,
        "CW-01: no value → 0 points",
    )


def test_execute_run_verified_score_waits_for_every_unreviewed_value_and_rubric(cast, application):
    put(application, "CA-01", "85", cast.editor_a)
    put(application, "CA-02", "12", cast.editor_a)
    put(application, "CA-07", "3", cast.editor_a)
    run = request_application_score(application=application, reason="test")

    execute_run(run.pk)

    score = ApplicationScore.objects.get(run=run, kind=ScoreKind.VERIFIED)
    # Nothing reviewed yet: the two values and every rubric indicator of the framework wait for reviewers; none is
    # counted as 0, so the score is not final and is never shown as a verified total.
    rubrics = Indicator.objects.filter(framework=application.cycle.framework, value_type="rubric").count()
    assert (score.pending, score.needs_reviewer, score.is_final) == (2 + rubrics, 0, False)
    ca07 = next(item for item in score.indicators if item["code"] == "CA-07")
    assert (ca07["points"], ca07["missing"], ca07["pending"], ca07["en"]) == (
        None,
        False,
        "awaiting",
        "CA-07: awaiting review",
    )
    # A value nobody entered is simply missing (0), not awaiting review.
    cw01 = next(item for item in score.indicators if item["code"] == "CW-01")
    assert (cw01["points"], cw01["missing"], "pending" in cw01) == ("0", True, False)


def test_execute_run_verified_score_counts_reviewer_points_corrections_and_verdicts(cast, application):
    put(application, "CA-01", "85", cast.editor_a)
    put(application, "CA-02", "12", cast.editor_a)
    put(application, "CA-07", "3", cast.editor_a)
    VerifiedValue.objects.create(
        application=application, indicator=indicator(application.cycle, "CA-01"), status=VerifiedStatus.VERIFIED
    )
    VerifiedValue.objects.create(
        application=application,
        indicator=indicator(application.cycle, "CA-07"),
        status=VerifiedStatus.SCORED,
        points=Decimal(1),
    )
    VerifiedValue.objects.create(
        application=application,
        indicator=indicator(application.cycle, "CA-02"),
        status=VerifiedStatus.CORRECTED,
        number=Decimal(40),
    )
    run = request_application_score(application=application, reason="test")

    execute_run(run.pk)

    submitted = ApplicationScore.objects.get(run=run, kind=ScoreKind.SUBMITTED)
    verified = ApplicationScore.objects.get(run=run, kind=ScoreKind.VERIFIED)
    # Verified CA: CA-01 as submitted 3 + CA-02 (40 days ≤ 60) 1 + CA-07 (reviewers' points) 1 = 5; the other
    # rubric indicators of CA still wait for reviewers and are left out: 5 of 4 × (10 − 3 rubrics waiting).
    by_code = {item["code"]: item for item in verified.indicators}
    assert submitted.total == Decimal("5.33")
    assert [by_code["CA-01"]["en"], by_code["CA-02"]["en"], by_code["CA-07"]["en"]] == [
        "CA-01: 85 % ≥ 80 % → 3 points",
        "CA-02: 40 days ≤ 60 days → 1 point",
        "CA-07: level 1 → 1 point",
    ]
    waiting = [code for code, item in by_code.items() if item.get("pending") == "awaiting"]
    assert (verified.pending, verified.is_final) == (len(waiting), False)
    assert {"CA-01", "CA-02", "CA-07"}.isdisjoint(waiting)


def test_execute_run_verified_score_flags_every_reviewer_abstaining_and_is_final_when_all_settled(cast, application):
    framework = application.cycle.framework
    put(application, "CA-01", "85", cast.editor_a)
    settled = {"CA-01": {"status": VerifiedStatus.VERIFIED}}
    for item in Indicator.objects.filter(framework=framework, value_type="rubric"):
        settled[item.code] = {"status": VerifiedStatus.SCORED, "points": Decimal(2)}
    settled["GOV-01"] = {"status": VerifiedStatus.ABSTAINED}
    for code, fields in settled.items():
        VerifiedValue.objects.create(application=application, indicator=indicator(application.cycle, code), **fields)
    run = request_application_score(application=application, reason="test")

    execute_run(run.pk)

    verified = ApplicationScore.objects.get(run=run, kind=ScoreKind.VERIFIED)
    gov01 = next(item for item in verified.indicators if item["code"] == "GOV-01")
    assert (verified.pending, verified.needs_reviewer, verified.is_final) == (0, 1, False)
    assert (gov01["points"], gov01["pending"]) == (None, "abstained")

    VerifiedValue.objects.filter(application=application, indicator__code="GOV-01").update(
        status=VerifiedStatus.SCORED, points=Decimal(3)
    )
    execute_run(request_application_score(application=application, reason="test").pk)

    final = ApplicationScore.objects.get(application=application, kind=ScoreKind.VERIFIED, is_current=True)
    assert (final.pending, final.needs_reviewer, final.is_final) == (0, 0, True)


# ---- what queues a run -----------------------------------------------------------------------------------------


def test_submit_application_queues_one_application_run(cast, application, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lock(application, cast.signatory_a)

    run = ScoreRun.objects.get()
    assert (run.scope, run.application_id, run.reason, run.status, run.total, run.framework_id) == (
        RunScope.APPLICATION,
        application.pk,
        "submitted",
        RunStatus.QUEUED,
        1,
        application.cycle.framework_id,
    )
    assert queued_run_ids() == [run.pk]


def test_reopen_application_queues_one_application_run(cast, application, broker, django_capture_on_commit_callbacks):
    lock(application, cast.signatory_a)

    with django_capture_on_commit_callbacks(execute=True):
        reopen_application(application=application, by=cast.admin, reason="แก้ไขข้อมูล CA-02")

    run = ScoreRun.objects.get()
    assert (run.scope, run.application_id, run.reason, run.status) == (
        RunScope.APPLICATION,
        application.pk,
        "reopened",
        RunStatus.QUEUED,
    )
    assert queued_run_ids() == [run.pk]


def test_adopt_framework_queues_a_cycle_rescore_under_the_new_version(
    cast, cycle, application, broker, django_capture_on_commit_callbacks
):
    submitted_applications(cycle, [{"CA-02": 12}, {"CA-02": 40}], created_by=cast.admin)
    version_2 = copy_framework(framework=cycle.framework)

    with django_capture_on_commit_callbacks(execute=True):
        adopt_framework(cycle=cycle, framework=version_2, by=cast.admin)

    run = ScoreRun.objects.get()
    assert (run.scope, run.application_id, run.reason, run.status, run.total, run.framework_id) == (
        RunScope.CYCLE,
        None,
        "framework",
        RunStatus.QUEUED,
        2,
        version_2.pk,
    )
    assert queued_run_ids() == [run.pk]


@pytest.mark.django_db(transaction=True)
def test_submitted_application_is_scored_by_a_real_worker(cast, application, celery_worker):
    put(application, "CA-03", "5", cast.editor_a)

    lock(application, cast.signatory_a)
    run = wait_for(lambda: ScoreRun.objects.filter(application=application, status=RunStatus.DONE).first())

    assert run is not None
    assert (run.reason, run.attempts, run.done, run.total) == ("submitted", 1, 1, 1)
    score = ApplicationScore.objects.get(application=application, kind=ScoreKind.SUBMITTED, is_current=True)
    # CA: 2 / 40 = 5.00; total 0.8 × 5.00 / 3 = 1.33.
    assert (score.run_id, score.total, score.areas["CA"]["score"]) == (run.pk, Decimal("1.33"), "5.00")
    assert next(item for item in score.indicators if item["code"] == "CA-03")["th"] == "CA-03: 5 วัน ≤ 10 วัน → 2 คะแนน"


# ---- idempotency and "current" ---------------------------------------------------------------------------------


@pytest.fixture
def three_submitted(cast, cycle):
    return submitted_applications(
        cycle,
        [{"CA-02": 12, "CA-07": 3}, {"CA-01": 95, "CW-07": 150, "GOV-01": 4}, {"CL-01": Decimal("1.1")}],
        created_by=cast.admin,
    )


@pytest.mark.parametrize("redelivered", [False, True], ids=["done-run", "redelivered-unfinished-run"])
def test_execute_run_twice_gives_identical_rows_and_no_duplicates(cycle, three_submitted, redelivered):
    run = cycle_run(cycle)
    execute_run(run.pk)
    first = stored_rows(run)
    if redelivered:  # a redelivered task finds its run unfinished and computes it again from the start
        ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)

    again = execute_run(run.pk)

    assert (again.pk, again.status, again.done, again.total) == (run.pk, RunStatus.DONE, 3, 3)
    assert again.attempts == (2 if redelivered else 1)
    assert stored_rows(run) == first
    assert len(first) == 6
    assert ApplicationScore.objects.filter(run=run).count() == 6
    assert current_rows() == {(application.pk, kind, run.pk) for application in three_submitted for kind in KINDS}


def test_second_run_replaces_the_current_scores(cycle, three_submitted):
    first = cycle_run(cycle, "first")
    execute_run(first.pk)
    second = cycle_run(cycle, "second")

    execute_run(second.pk)

    assert current_rows() == {(application.pk, kind, second.pk) for application in three_submitted for kind in KINDS}
    assert ApplicationScore.objects.filter(run=first, is_current=False).count() == 6
    assert ApplicationScore.objects.filter(is_current=True).count() == 6


def test_application_run_replaces_the_current_scores_of_that_application_only(cycle, three_submitted):
    whole = cycle_run(cycle)
    execute_run(whole.pk)
    one = request_application_score(application=three_submitted[1], reason="amended")

    execute_run(one.pk)

    assert current_rows() == {
        (application.pk, kind, one.pk if application == three_submitted[1] else whole.pk)
        for application in three_submitted
        for kind in KINDS
    }


def test_unique_constraint_forbids_a_second_current_score_per_application_and_kind(cycle, three_submitted):
    first, second = cycle_run(cycle, "first"), cycle_run(cycle, "second")
    score_row(first, three_submitted[0], ScoreKind.SUBMITTED, is_current=True).save()

    with pytest.raises(IntegrityError, match="applicationscore_one_current"), transaction.atomic():
        score_row(second, three_submitted[0], ScoreKind.SUBMITTED, is_current=True).save()

    score_row(second, three_submitted[0], ScoreKind.SUBMITTED, is_current=False).save()
    assert ApplicationScore.objects.filter(application=three_submitted[0]).count() == 2


def test_unique_constraint_forbids_a_second_row_per_run_application_and_kind(cycle, three_submitted):
    run = cycle_run(cycle)
    score_row(run, three_submitted[0], ScoreKind.SUBMITTED, is_current=False).save()

    with pytest.raises(IntegrityError, match="applicationscore_once_per_run"), transaction.atomic():
        score_row(run, three_submitted[0], ScoreKind.SUBMITTED, is_current=False).save()

    score_row(run, three_submitted[0], ScoreKind.VERIFIED, is_current=False).save()
    assert ApplicationScore.objects.filter(run=run).count() == 2


# ---- two runs that finish at the same time ----------------------------------------------------------------------


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def in_thread(run_id: int, pids: dict, errors: dict) -> threading.Thread:
    """execute_run on a connection of its own, as a second worker would; its backend pid and error are recorded."""

    def target():
        try:
            pids[run_id] = backend_pid()
            execute_run(run_id)
        except Exception as error:  # handed to the test, which raises it
            errors[run_id] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_runs_finishing_at_the_same_time_both_complete_with_one_current_score_each(cycle, three_submitted, broker):
    execute_run(cycle_run(cycle, "first").pk)
    earlier, later = cycle_run(cycle, "earlier"), cycle_run(cycle, "later")
    pids, errors, threads = {}, {}, []
    # The earlier run's commit waits for this lock (its foreign keys are checked at commit), so the later run reaches
    # its own final transaction while the earlier one has un-marked the old rows and inserted its own, uncommitted.
    with transaction.atomic():
        FrameworkVersion.objects.select_for_update().get(pk=cycle.framework_id)
        threads.append(in_thread(earlier.pk, pids, errors))
        earlier_waits = wait_for(lambda: earlier.pk in pids and waits_for_a_lock(pids[earlier.pk]), seconds=60)
        threads.append(in_thread(later.pk, pids, errors))
        later_waits = wait_for(lambda: later.pk in pids and waits_for_a_lock(pids[later.pk]), seconds=60)
    for thread in threads:
        thread.join(timeout=60)

    assert (earlier_waits, later_waits) == (True, True)
    if later.pk in errors:
        raise errors[later.pk]
    assert errors == {}
    assert list(ScoreRun.objects.filter(pk__in=[earlier.pk, later.pk]).values_list("status", flat=True)) == [
        RunStatus.DONE,
        RunStatus.DONE,
    ]
    assert current_rows() == {(application.pk, kind, later.pk) for application in three_submitted for kind in KINDS}


# ---- a run that fails midway ------------------------------------------------------------------------------------


def crash_on_call(monkeypatch, number: int) -> None:
    """The engine raises on its `number`th call: a stand-in for any crash in the middle of a run."""
    real = engine.score_application
    calls = []

    def score_application(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise RuntimeError(f"engine crashed on call {number}")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "score_application", score_application)


def test_run_that_raises_midway_leaves_the_previous_scores_and_fails(monkeypatch, cycle, three_submitted):
    previous = cycle_run(cycle, "first")
    execute_run(previous.pk)
    before = stored_rows(previous)
    run = cycle_run(cycle, "second")
    crash_on_call(monkeypatch, 4)

    with pytest.raises(RuntimeError, match="engine crashed on call 4"):
        run_scores_task.apply(kwargs={"run_id": run.pk})

    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == (RunStatus.FAILED, "RuntimeError: engine crashed on call 4", 1)
    assert run.finished_at is not None
    assert ApplicationScore.objects.filter(run=run).count() == 0
    assert stored_rows(previous) == before
    assert current_rows() == {(application.pk, kind, previous.pk) for application in three_submitted for kind in KINDS}


def test_failed_run_completes_when_run_again(monkeypatch, cycle, three_submitted):
    run = cycle_run(cycle)
    crash_on_call(monkeypatch, 2)
    with pytest.raises(RuntimeError):
        run_scores_task.apply(kwargs={"run_id": run.pk})
    monkeypatch.undo()

    result = run_scores_task.apply(kwargs={"run_id": run.pk})

    run.refresh_from_db()
    assert (result.get(), run.status, run.attempts, run.error, run.done) == (RunStatus.DONE, RunStatus.DONE, 2, "", 3)
    assert current_rows() == {(application.pk, kind, run.pk) for application in three_submitted for kind in KINDS}


def test_run_scores_task_called_directly_returns_the_run_status(cycle, three_submitted):
    run = cycle_run(cycle)

    status = run_scores_task(run_id=run.pk)

    assert (status, ScoreRun.objects.get(pk=run.pk).status) == (RunStatus.DONE, RunStatus.DONE)


def test_run_scores_task_of_a_vanished_run_returns_vanished(cycle):
    run = cycle_run(cycle)
    run_id = run.pk
    run.delete()

    assert run_scores_task(run_id=run_id) == "vanished"


def test_mark_failed_leaves_a_finished_run_done(cycle, three_submitted):
    run = cycle_run(cycle)
    execute_run(run.pk)

    mark_failed(run.pk, "late error")

    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.DONE, "")


# ---- management command -----------------------------------------------------------------------------------------


def test_rescore_cycle_command_runs_here_when_no_worker_answers(cast, cycle, broker):
    submitted_applications(cycle, [{"CA-02": n % 60} for n in range(150)], created_by=cast.admin)
    out = StringIO()

    call_command("rescore_cycle", "esc-t", stdout=out)

    run = ScoreRun.objects.get()
    assert out.getvalue().splitlines() == [
        "No worker answered: running here.",
        "  100 of 150",
        "  150 of 150",
        f"Run {run.pk}: 150 applications scored under esc-2021 v1 (Done).",
    ]
    assert (run.reason, run.status, run.done, run.total, run.attempts) == ("command", RunStatus.DONE, 150, 150, 1)
    assert ApplicationScore.objects.filter(run=run, is_current=True).count() == 300
    # Run here only: nothing was queued for a worker to run a second time.
    assert queued_run_ids() == []


def test_rescore_cycle_command_sync_runs_here_without_asking_for_a_worker(cast, cycle, broker):
    submitted_applications(cycle, [{"CA-02": 5}, {"CA-02": 50}], created_by=cast.admin)
    out = StringIO()

    call_command("rescore_cycle", "esc-t", "--sync", stdout=out)

    run = ScoreRun.objects.get()
    assert out.getvalue().splitlines() == [
        "  2 of 2",
        f"Run {run.pk}: 2 applications scored under esc-2021 v1 (Done).",
    ]
    assert (queued_run_ids(), run.attempts) == ([], 1)


@pytest.mark.django_db(transaction=True)
def test_rescore_cycle_command_queues_the_run_on_a_worker_that_answers(cast, cycle, celery_worker):
    submitted_applications(cycle, [{"CA-02": 5}, {"CA-02": 50}], created_by=cast.admin)
    out = StringIO()

    call_command("rescore_cycle", "esc-t", stdout=out)

    run = ScoreRun.objects.get()
    assert out.getvalue().splitlines() == [
        f"Run {run.pk} queued on the worker (2 applications); follow it on the cycle's score runs page."
    ]
    finished = wait_for(lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.DONE).first(), seconds=30)
    assert (finished.attempts, finished.done) == (1, 2)


def test_rescore_cycle_command_refuses_an_unknown_code(cycle):
    with pytest.raises(CommandError) as error:
        call_command("rescore_cycle", "esc-nope", stdout=StringIO())

    assert str(error.value) == "No cycle has the code 'esc-nope'."
    assert ScoreRun.objects.count() == 0


# ---- runs never hang: spent retries, a worker that keeps dying, a run nobody reports on -----------------------------


def test_a_transient_error_is_retried_and_the_last_retry_marks_the_run_failed(monkeypatch, cycle, three_submitted):
    run = cycle_run(cycle)

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(engine, "score_application", unreachable)

    with pytest.raises(Retry):
        run_scores_task.apply(kwargs={"run_id": run.pk}, retries=0)
    retried = ScoreRun.objects.get(pk=run.pk)
    with pytest.raises(OperationalError):
        run_scores_task.apply(kwargs={"run_id": run.pk}, retries=MAX_RETRIES)

    run.refresh_from_db()
    # While retries remain the run waits for its retry; the last one leaves "failed" with the error, never "running".
    assert (retried.status, retried.error) == (RunStatus.RUNNING, "")
    assert (run.status, run.attempts) == (RunStatus.FAILED, 2)
    assert run.error == "OperationalError after 3 retries: could not connect to server"
    assert run.finished_at is not None


def test_a_run_whose_worker_keeps_dying_is_given_up_as_failed(cycle, three_submitted):
    run = cycle_run(cycle)
    ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=MAX_ATTEMPTS)

    result = execute_run(run.pk)

    assert (result.status, result.attempts) == (RunStatus.FAILED, MAX_ATTEMPTS)
    assert result.error == f"Gave up after {MAX_ATTEMPTS} attempts: the worker stopped before the run finished."
    assert ApplicationScore.objects.filter(run=run).count() == 0


def test_a_running_run_that_reports_nothing_for_too_long_is_marked_failed(cycle):
    silent = a_run(cycle, status=RunStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    alive = a_run(cycle, status=RunStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(seconds=30))
    queued = a_run(cycle, status=RunStatus.QUEUED)

    count = fail_stale_runs_task()

    statuses = dict(ScoreRun.objects.values_list("pk", "status"))
    assert count == 1
    assert (statuses[silent.pk], statuses[alive.pk], statuses[queued.pk]) == (
        RunStatus.FAILED,
        RunStatus.RUNNING,
        RunStatus.QUEUED,
    )
    assert ScoreRun.objects.get(pk=silent.pk).error.startswith("The worker stopped reporting progress")
    assert settings.CELERY_BEAT_SCHEDULE["fail-stale-score-runs"]["task"] == "scoring.fail_stale_runs"


def test_the_runs_page_shows_a_failed_runs_error(cast, cycle):
    failed = a_run(cycle, status=RunStatus.FAILED, error="OperationalError after 3 retries: connection refused")
    client = Client()
    client.force_login(cast.admin)

    response = client.get(reverse("scoring:runs", args=[cycle.code]))

    assert response.status_code == 200
    assert "OperationalError after 3 retries: connection refused" in response.content.decode()
    assert f'id="run-{failed.pk}"' in response.content.decode()


def a_run(cycle, **fields):
    return ScoreRun.objects.create(cycle=cycle, framework=cycle.framework, scope=RunScope.CYCLE, reason="x", **fields)


def test_a_request_joins_the_latest_queued_run_and_counts_it(cast, cycle, application):
    first = request_cycle_rescore(cycle=cycle, reason="first", by=cast.admin)

    second = request_cycle_rescore(cycle=cycle, reason="second", by=cast.admin)
    third = request_application_score(application=application, reason="amended")

    first.refresh_from_db()
    assert (second.pk, third.pk, first.joined) == (first.pk, first.pk, 2)
    ScoreRun.objects.filter(pk=first.pk).update(status=RunStatus.RUNNING, attempts=1)
    fourth = request_cycle_rescore(cycle=cycle, reason="fourth")
    assert fourth.pk != first.pk  # a run that has started reads no later change: a new one is queued


def test_a_whole_cycle_run_leaves_planner_statistics_of_the_columns_pages_query(cycle, three_submitted):
    execute_run(cycle_run(cycle).pk)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, most_common_vals::text FROM pg_stats WHERE tablename = 'scoring_applicationscore'"
        )
        statistics = dict(cursor.fetchall())
    group = ApplicationScore.objects.filter(run__cycle=cycle).values_list("group_key", flat=True).first()

    # Statistics of this run's rows (its group key is new), for the columns the pages filter and sort on.
    assert set(ANALYZED_COLUMNS) <= set(statistics)
    assert group in statistics["group_key"]
