"""Shared fixtures: a cast of users by role, and a real Celery worker on Redis."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from portal.enums import Role
from portal.models import Municipality, User
from tests.factories.portal import MunicipalityFactory, UserFactory


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
    municipality_a = MunicipalityFactory(
        name_th="ยะลา", full_name_th="เทศบาลนครยะลา", name_en="Yala", full_name_en="Yala City Municipality"
    )
    municipality_b = MunicipalityFactory(
        name_th="หาดใหญ่", full_name_th="เทศบาลนครหาดใหญ่", name_en="Hat Yai", full_name_en="Hat Yai City Municipality"
    )
    return Cast(
        municipality_a=municipality_a,
        municipality_b=municipality_b,
        editor_a=UserFactory(role=Role.EDITOR, municipality=municipality_a, email="editor.a@example.go.th"),
        editor_b=UserFactory(role=Role.EDITOR, municipality=municipality_b, email="editor.b@example.go.th"),
        signatory_a=UserFactory(role=Role.SIGNATORY, municipality=municipality_a, email="signatory.a@example.go.th"),
        reviewer=UserFactory(role=Role.REVIEWER, email="reviewer@example.go.th"),
        admin=UserFactory(role=Role.ADMIN, email="admin@example.go.th"),
    )


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming the test queue on Redis; it sees the test database."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
