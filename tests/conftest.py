"""Shared fixtures: a cast of users by role, and a real Celery worker on Redis."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from portal.enums import Role
from portal.models import Municipality, User
from tests.factories.portal import MunicipalityFactory, UserFactory


def empty_the_tables() -> None:
    """Empty every table, as a transactional test does when it ends (Django's flush: TRUNCATE on PostgreSQL)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite runs with --reuse-db, which keeps each worker's test database between runs. A transactional test
    commits its rows and empties the tables when it ends; a run killed in the middle of one leaves its rows behind,
    and later runs would find them (a second "current" cycle, a duplicate e-mail). So every run starts by emptying
    the tables once, whatever the last run did."""
    with django_db_blocker.unblock():
        empty_the_tables()


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that is rolled back when the block ends: data built once for a module inside it (as Django's
    setUpTestData does for a class) is seen by each test of the module, whose own transaction (pytest-django's `db`)
    becomes a savepoint that undoes what the test changed before the next begins."""
    from django.db import transaction

    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@dataclass(frozen=True)
class Cast:
    """The people every permission test talks about."""

    municipality_a: Municipality
    municipality_b: Municipality
    editor_a: User
    editor_b: User
    signatory_a: User
    reviewer: User
    admin: User

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


CAST_ROLES = ("anonymous", "editor_a", "editor_b", "signatory_a", "reviewer", "admin")


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def make_cast() -> Cast:
    municipality_a = MunicipalityFactory.create(
        name_th="ยะลา", full_name_th="เทศบาลนครยะลา", name_en="Yala", full_name_en="Yala City Municipality"
    )
    municipality_b = MunicipalityFactory.create(
        name_th="หาดใหญ่", full_name_th="เทศบาลนครหาดใหญ่", name_en="Hat Yai", full_name_en="Hat Yai City Municipality"
    )
    return Cast(
        municipality_a=municipality_a,
        municipality_b=municipality_b,
        editor_a=UserFactory.create(role=Role.EDITOR, municipality=municipality_a, email="editor.a@example.go.th"),
        editor_b=UserFactory.create(role=Role.EDITOR, municipality=municipality_b, email="editor.b@example.go.th"),
        signatory_a=UserFactory.create(
            role=Role.SIGNATORY, municipality=municipality_a, email="signatory.a@example.go.th"
        ),
        reviewer=UserFactory.create(role=Role.REVIEWER, email="reviewer@example.go.th"),
        admin=UserFactory.create(role=Role.ADMIN, email="admin@example.go.th"),
    )


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming the test queue on Redis; it sees the test database."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.control.purge()
    root_level = logging.root.level  # the worker sets the root logger to its own level (ERROR) and leaves it there
    # The stubs take only an app of plain Tasks; start_worker runs any app.
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:  # type: ignore[arg-type]
            yield worker
    finally:
        logging.root.setLevel(root_level)


@pytest.fixture(autouse=True)
def mail_task_in_process(request, monkeypatch):
    """Mail goes out through a Celery task. Most tests run no worker, so here the task runs in the test's own
    process when it is queued (as in the embedded mode) and `mail.outbox` shows what went; a test with a real
    worker (`celery_worker`) leaves it on Redis."""
    if "celery_worker" in request.fixturenames:
        return
    from portal.tasks import send_mail_task

    def run_now(**kwargs):
        result = send_mail_task.apply(kwargs=kwargs)
        if result.state == "FAILURE":  # a retry is the task's own business; anything else fails the test
            raise result.result

    monkeypatch.setattr(send_mail_task, "delay", run_now)


class BrokerLink:
    """The test process's publishing link to the broker. `cut()` points it at a closed port, as when Redis cannot be
    reached from the web server; `restore()` points it back. A worker started by `celery_worker` keeps consuming on
    its own connection (Celery reads with broker_url, writes with broker_write_url)."""

    UNREACHABLE = "redis://127.0.0.1:1/0"

    def __init__(self, app):
        self.app = app

    def cut(self):
        self._point_at(self.UNREACHABLE)

    def restore(self):
        self._point_at(None)

    def _point_at(self, url):
        self.app.conf.broker_write_url = url
        # Celery keeps its publishing connections in pools made for the URL it had; drop them, as it does after a fork.
        self.app._pool = None
        self.app.amqp._producer_pool = None


@pytest.fixture
def broker_link() -> Iterator[BrokerLink]:
    from portal.celery import app

    link = BrokerLink(app)
    yield link
    link.restore()
