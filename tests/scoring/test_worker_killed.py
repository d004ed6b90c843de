"""A whole-cycle rescore of 2,500 applications whose worker is killed mid-run: the previous scores and standings stay
visible and the task, given back to the queue, completes the run on its second attempt, with no duplicate or partial
rows.

Real worker processes (`celery worker` subprocesses) on Redis, against the test database: the whole worker killed
(redelivery after the visibility timeout), or only its pool process (the task rejected back to the queue at once).
"""

import base64
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from kombu import Connection
from kombu.transport.redis import Channel as RedisChannel

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from indicators.enums import CyclePhase
from portal.celery import app
from portal.models import Municipality
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun, Standing
from scoring.services import PROGRESS_EVERY, execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import ProvinceFactory, UserFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

APPLICATIONS = 2500
VISIBILITY_TIMEOUT = 3
TASK_NAME = "scoring.run_scores"
KINDS = (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)


# ---- the broker's view: queued and taken-but-unacknowledged messages of the test queue --------------------------


def _redis_channel(broker: Connection) -> RedisChannel:
    channel = broker.default_channel
    assert isinstance(channel, RedisChannel)  # the test broker is Redis
    return channel


def _run_id(raw_message: dict) -> int | None:
    if raw_message["headers"].get("task") != TASK_NAME:
        return None
    _args, kwargs, _embed = json.loads(base64.b64decode(raw_message["body"]))
    return kwargs.get("run_id")


def queued_run_ids() -> list[int | None]:
    """Run ids of the scoring tasks waiting in the test queue (not yet taken by a worker)."""
    with app.connection_for_write() as broker:
        client = _redis_channel(broker).client
        raw = client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    return [_run_id(json.loads(item)) for item in raw]


def unacked_deliveries() -> dict[str, tuple[int | None, float]]:
    """Delivery tag → (run id, time taken) of the test queue's messages a worker took and never acknowledged.

    kombu's Redis transport keeps them in the `unacked` hash and the `unacked_index` sorted set (shared by every
    queue of the Redis database); a consumer that starts moves those older than the visibility timeout back.
    """
    with app.connection_for_write() as broker:
        channel = _redis_channel(broker)
        client = channel.client
        found = {}
        for tag, payload in client.hgetall(channel.unacked_key).items():
            message, _exchange, routing_key = json.loads(payload)
            if routing_key == settings.CELERY_TASK_DEFAULT_QUEUE:
                taken_at = client.zscore(channel.unacked_index_key, tag)
                found[tag.decode()] = (_run_id(message), taken_at)
    return found


def forget_unacked_deliveries() -> None:
    """Drop unacknowledged messages an earlier, aborted run of this test left for the test queue (only those)."""
    with app.connection_for_write() as broker:
        channel = _redis_channel(broker)
        for tag in unacked_deliveries():
            channel.client.pipeline().zrem(channel.unacked_index_key, tag).hdel(channel.unacked_key, tag).execute()


# ---- the worker processes ---------------------------------------------------------------------------------------


def database_url_for_workers() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def start_worker(log_path, *, pool):
    """`celery worker` in a session of its own on the test queue and the test database, 3 s visibility timeout.

    prefork runs one pool process, as production does (with more); solo runs the task in the worker process itself.
    """
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTEST_XDIST_WORKER": os.environ.get("PYTEST_XDIST_WORKER", ""),
        "TEST_DATABASE_URL": database_url_for_workers(),
        "TEST_REDIS_URL": settings.REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "--pool", pool, *(["--concurrency", "1"] if pool == "prefork" else []),
        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
        "--loglevel", "warning",
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 -- fixed arguments, the test's own interpreter
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill_worker(process) -> None:
    """SIGKILL the worker and its pool processes (its whole process group), as when its machine dies."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def pool_processes(process) -> list[int]:
    """Pids of the worker's pool processes (its children), read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while being read
            continue
        if int(fields[1]) == process.pid:
            children.append(int(stat.parent.name))
    return children


def kill_pool_process(process) -> None:
    """SIGKILL only the worker's pool process that runs the task, as the kernel's OOM killer would."""
    (child,) = pool_processes(process)
    os.kill(child, signal.SIGKILL)


# ---- the cycle ---------------------------------------------------------------------------------------------------


def build_submitted_cycle(count: int):
    """A closed cycle on esc-2021 with `count` submitted ESC Award applications, every indicator answered."""
    cycle = make_cycle(
        code="esc-killed",
        phase=CyclePhase.SUBMISSION_CLOSED,
        submission_deadline=timezone.now() - dt.timedelta(days=1),
    )
    admin = UserFactory.create(admin=True)
    province = ProvinceFactory.create()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=f"8{number:05d}",
            kind="town",
            name_th=f"ทดสอบ{number}",
            full_name_th=f"เทศบาลเมืองทดสอบ{number}",
            name_en=f"Test Town {number}",
            province=province,
            population=45_000,
        )
        for number in range(count)
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
            created_by=admin,
        )
        for municipality in municipalities
    )
    rng = random.Random(2021)
    indicators = list(cycle.framework.indicators.all())
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(application=application, indicator=item, level=rng.randint(0, 4))
            if item.value_type == "rubric"
            else IndicatorValue(
                application=application, indicator=item, number=Decimal(str(round(rng.uniform(0, 100), 1)))
            )
            for application in applications
            for item in indicators
        ),
        batch_size=5000,
    )
    return cycle


def current_scores() -> set[tuple[int, str, int, Decimal]]:
    return set(
        ApplicationScore.objects.filter(is_current=True).values_list("application_id", "kind", "run_id", "total")
    )


def kill_mid_run(process, kill, run_id: int, *, log_path, seconds: float = 120) -> tuple[ScoreRun, set]:
    """`kill` the worker once it has reported progress on the run, while holding the run's row lock.

    Holding the lock (taken for each look, kept from the look that sees progress on) stops the worker at its next
    progress write, or at the row lock its final transaction takes first: it cannot finish before it dies, however
    fast this machine runs it. Returns the run and the current scores as seen at that moment.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction.atomic():
            run = ScoreRun.objects.select_for_update().get(pk=run_id)
            if run.status == RunStatus.RUNNING and run.done >= PROGRESS_EVERY:
                kill(process)
                return run, current_scores()
        if process.poll() is not None:
            break
        time.sleep(0.005)
    pytest.fail(f"the worker never reported progress on run {run_id}:\n{log_path.read_text()[-3000:]}")


@pytest.fixture
def rescore(db):
    """1,500 scored applications (the first run's scores are current) and a rescore queued on the test queue."""
    cycle = build_submitted_cycle(APPLICATIONS)
    first = ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.CYCLE, reason="first", total=APPLICATIONS
    )
    execute_run(first.pk)
    app.control.purge()
    forget_unacked_deliveries()
    before = current_scores()
    with transaction.atomic():
        run = request_cycle_rescore(cycle=cycle, reason="framework")
    yield cycle, first, before, run
    app.control.purge()


def assert_first_run_scores(before, first) -> None:
    assert len(before) == 2 * APPLICATIONS
    assert {run_id for _application, _kind, run_id, _total in before} == {first.pk}


def assert_completed_by_the_retry(cycle, run, finished, before) -> None:
    """Done on the second attempt; every application has one current score per kind, all from this run."""
    assert (finished.attempts, finished.done, finished.total, finished.error) == (2, APPLICATIONS, APPLICATIONS, "")
    after = current_scores()
    assert {run_id for _application, _kind, run_id, _total in after} == {run.pk}
    assert {(application, kind) for application, kind, _run, _total in after} == {
        (application, kind)
        for application in Application.objects.filter(cycle=cycle).values_list("pk", flat=True)
        for kind in (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)
    }
    # Same framework, same values: the retried run computes what the first one did.
    assert {(application, kind, total) for application, kind, _run, total in after} == {
        (application, kind, total) for application, kind, _run, total in before
    }
    assert ApplicationScore.objects.filter(run=run).count() == 2 * APPLICATIONS
    assert (
        list(
            ApplicationScore.objects.values("run", "application", "kind").annotate(rows=Count("id")).filter(rows__gt=1)
        )
        == []
    )
    # One standing per kind, from this run, placing every application exactly once.
    standings = list(Standing.objects.filter(cycle=cycle).values_list("kind", "run_id", "ranked", "unranked"))
    assert sorted(kind for kind, *_rest in standings) == sorted(KINDS)
    assert all(run_id == run.pk and ranked + unranked == APPLICATIONS for _kind, run_id, ranked, unranked in standings)
    for kind in KINDS:
        positions = ApplicationScore.objects.filter(cycle=cycle, kind=kind, is_current=True).values_list(
            "position", flat=True
        )
        assert sorted(position or 0 for position in positions) == list(range(1, APPLICATIONS + 1))  # None fails as 0


# solo runs the task inside the worker's event loop, which then sends even an early acknowledgement only after the
# task returns: a killed solo worker leaves its message unacknowledged whatever acks_late says. prefork acknowledges
# from the parent process as soon as a pool process takes the task, so only that case shows acks_late at work.
@pytest.mark.parametrize("pool", ["prefork", "solo"])
def test_killed_worker_leaves_the_previous_scores_and_the_redelivered_run_completes(tmp_path, rescore, pool):
    cycle, first, before, run = rescore
    queued = queued_run_ids()
    log_path = tmp_path / "workers.log"
    workers = []
    try:
        workers.append(start_worker(log_path, pool=pool))

        killed_at, during = kill_mid_run(workers[0], kill_worker, run.pk, log_path=log_path)

        stranded = unacked_deliveries()
        after_kill = current_scores()
        if not stranded:
            pytest.fail("the killed worker's message is not waiting for redelivery: was it acknowledged early?")
        # The next consumer moves the message back to the queue on start only if it is older than the visibility
        # timeout by then; the periodic sweep after that comes much later (about 100 s).
        taken_at = max(taken for _run_id, taken in stranded.values())
        time.sleep(max(0.0, taken_at + VISIBILITY_TIMEOUT + 1 - time.time()))
        workers.append(start_worker(log_path, pool=pool))
        finished = wait_for(
            lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.DONE).first(), seconds=180, interval=0.2
        )
        acknowledged = wait_for(lambda: not unacked_deliveries(), seconds=60, interval=0.2)
    finally:
        for worker in workers:
            kill_worker(worker)

    assert queued == [run.pk]
    assert_first_run_scores(before, first)
    assert (killed_at.status, killed_at.attempts, killed_at.total) == (RunStatus.RUNNING, 1, APPLICATIONS)
    assert PROGRESS_EVERY <= killed_at.done < APPLICATIONS
    assert during == before
    assert after_kill == before
    assert [run_id for run_id, _taken in stranded.values()] == [run.pk]
    assert finished is not None, log_path.read_text()[-3000:]
    assert acknowledged is True
    assert_completed_by_the_retry(cycle, run, finished, before)


def test_killed_pool_process_gives_the_task_back_and_the_same_worker_completes_the_run(tmp_path, rescore):
    cycle, first, before, run = rescore
    log_path = tmp_path / "workers.log"
    worker = start_worker(log_path, pool="prefork")
    try:
        killed_at, during = kill_mid_run(worker, kill_pool_process, run.pk, log_path=log_path)

        after_kill = current_scores()
        finished = wait_for(
            lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.DONE).first(), seconds=180, interval=0.2
        )
        acknowledged = wait_for(lambda: not unacked_deliveries(), seconds=60, interval=0.2)
        alive = worker.poll() is None
    finally:
        kill_worker(worker)

    assert_first_run_scores(before, first)
    assert (killed_at.status, killed_at.attempts) == (RunStatus.RUNNING, 1)
    assert PROGRESS_EVERY <= killed_at.done < APPLICATIONS
    assert during == before
    assert after_kill == before
    assert finished is not None, log_path.read_text()[-3000:]
    assert (acknowledged, alive) == (True, True)
    assert_completed_by_the_retry(cycle, run, finished, before)
