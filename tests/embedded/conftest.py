"""The embedded default is tested in a process of its own: the test process runs on PostgreSQL and Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_embedded(tmp_path: Path) -> Callable[[str], dict]:
    """Run tests.embedded.<name> on the embedded settings with a fresh SQLite file; return the JSON it prints."""

    def run(name: str) -> dict:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "testserver",
            "REDIS_URL": "",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        environment.pop("PYTEST_XDIST_WORKER", None)
        done = subprocess.run(  # noqa: S603 -- our own program
            [sys.executable, "-m", f"tests.embedded.{name}"],
            cwd=PROJECT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run
