"""Production settings: check --deploy passes, and missing or malformed variables stop start-up clearly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "k3y-for-the-deploy-check-only-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DATABASE_URL": "postgres://root@127.0.0.1:5432/esc_portal",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "ALLOWED_HOSTS": "esc-award.example.go.th",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.go.th:587",
    "DEFAULT_FROM_EMAIL": "ESC Award Portal <no-reply@example.go.th>",
}


def run_manage(*args: str, env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a production start never has it.
    inherited = set(PRODUCTION_ENV) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(PRODUCTION_ENV)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(  # noqa: S603 -- fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides={})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_settings_refuse_a_missing_variable_by_name(name):
    result = run_manage("check", env_overrides={name: None})

    assert result.returncode != 0
    assert f"Environment variable {name} is required in production and is not set." in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REDIS_URL", "localhost:6379", "Environment variable REDIS_URL must start with redis://"),
        ("SECRET_KEY", "short", "Environment variable SECRET_KEY must be at least 50 random characters."),
        ("DATABASE_URL", "nonsense://x", "Environment variable DATABASE_URL must be a postgres:// URL"),
        ("EMAIL_URL", "nonsense://x", "Environment variable EMAIL_URL is malformed: Invalid email schema nonsense"),
    ],
)
def test_production_settings_refuse_a_malformed_variable_by_name(name, value, message):
    result = run_manage("check", env_overrides={name: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_production_logs_are_json_lines():
    result = run_manage(
        "shell", "-c", "import logging; logging.getLogger('portal').warning('พร้อม %s', 42)", env_overrides={}
    )

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert {key: line[key] for key in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "portal",
        "message": "พร้อม 42",
        "request_id": None,
    }


def test_production_logs_are_plain_lines_when_asked():
    result = run_manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('portal').warning('ready')",
        env_overrides={"LOG_FORMAT": "plain"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith(" WARNING portal [-]: ready")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LOG_FORMAT", "xml", "Environment variable LOG_FORMAT must be plain or json, not 'xml'."),
        ("ERROR_REPORT_URL", "ftp://reports.example.go.th/", "Environment variable ERROR_REPORT_URL must be an http"),
    ],
)
def test_production_settings_refuse_a_malformed_logging_variable_by_name(name, value, message):
    result = run_manage("check", env_overrides={name: value})

    assert result.returncode != 0
    assert message in result.stderr
