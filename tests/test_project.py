"""Project-level checks: docker-compose shape and the Thai message catalogue."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_defines_the_production_services():
    assert set(load_compose()["services"]) == {"web", "worker", "beat", "db", "redis"}


def test_compose_web_runs_gunicorn_after_migrating():
    command = " ".join(load_compose()["services"]["web"]["command"])

    assert "manage.py migrate" in command
    assert "gunicorn portal.wsgi" in command


@pytest.mark.parametrize(("service", "program"), [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_services_run_the_portal_app(service, program):
    command = load_compose()["services"][service]["command"]

    assert command[:4] == ["celery", "-A", "portal", program]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_app_services_wait_for_a_healthy_database_and_redis(service):
    depends = load_compose()["services"][service]["depends_on"]

    assert depends == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}


def test_compose_database_has_a_volume_and_a_healthcheck():
    db = load_compose()["services"]["db"]

    assert db["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert db["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in db["healthcheck"]["test"][1]
    assert "pgdata" in load_compose()["volumes"]


def test_compose_app_services_use_production_settings_and_keep_media_on_a_volume():
    compose = load_compose()
    for service in ("web", "worker", "beat"):
        environment = compose["services"][service]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
        assert compose["services"][service]["volumes"] == ["media:/data/media"]


def test_the_image_has_the_postgresql_client_of_the_compose_files_server():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert dockerfile.startswith("FROM python:3.11-slim-bookworm\n")  # Debian 12: postgresql-client is version 15
    assert "postgresql-client" in dockerfile
    assert load_compose()["services"]["db"]["image"] == "postgres:15"


def untranslated_entries(po_path: Path) -> list[str]:
    """msgids in a .po file with an empty msgstr or marked fuzzy (polib-free, enough for Django's format)."""
    problems, entry = [], []
    for line in [*po_path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            entry.append(line)
            continue
        text = "\n".join(entry)
        entry = []
        if "msgid " not in text or text.startswith("#~") or 'msgid ""\nmsgstr ""\n"Project-Id' in text:
            continue
        is_fuzzy = "#, fuzzy" in text
        empty_single = text.rstrip().endswith('msgstr ""')
        empty_plural = 'msgstr[0] ""' in text and text.rstrip().endswith('""')
        if is_fuzzy or empty_single or empty_plural:
            problems.append(text)
    return problems


@pytest.mark.parametrize("domain", ["django"])
def test_thai_catalogue_is_complete(domain):
    po_path = ROOT / "locale" / "th" / "LC_MESSAGES" / f"{domain}.po"

    assert untranslated_entries(po_path) == []


def pins(requirements: list[str]) -> dict[str, str]:
    """{normalised name: version} of pyproject's `name[extra]==version` requirements."""
    pinned = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        pinned[re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()] = version
    return pinned


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """{normalised name: (version, number of hashes)} of a lock file written by `make lock`."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line):
            current = re.sub(r"[-_.]+", "-", match[1]).lower()
            entries[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
    return entries


@pytest.mark.parametrize(("lock", "extras"), [("production.txt", []), ("dev.txt", ["dev"])])
def test_the_lock_files_hold_every_dependency_at_its_pinned_version_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = pins(
        project["dependencies"] + [item for extra in extras for item in project["optional-dependencies"][extra]]
    )
    entries = locked(ROOT / "requirements" / lock)

    assert {name: entries.get(name, ("missing", 0))[0] for name in wanted} == wanted, "run make lock"
    assert [name for name, (_, hashes) in entries.items() if hashes == 0] == []
    if not extras:
        assert "pytest" not in entries  # production installs no test tools
