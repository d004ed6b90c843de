"""The embedded default (SQLite file) under several officers autosaving at once: no error, no lost write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.embedded import concurrent_autosaves

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> dict:
    database = tmp_path_factory.mktemp("embedded") / "db.sqlite3"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "testserver",
        "REDIS_URL": "",
    }
    environment.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.embedded.concurrent_autosaves"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_concurrent_autosaves_all_answer_saved(outcome: dict) -> None:
    answers = outcome["answers"]

    assert len(outcome["codes"]) == concurrent_autosaves.THREADS
    assert len(answers) == concurrent_autosaves.THREADS * concurrent_autosaves.SAVES
    assert {(answer["status"], answer["state"]) for answer in answers} == {(200, "saved")}


def test_concurrent_autosaves_lose_no_write(outcome: dict) -> None:
    last = Decimal(concurrent_autosaves.SAVES) / 2

    assert {code: Decimal(value) for code, value in outcome["stored"].items()} == dict.fromkeys(outcome["codes"], last)
