"""Project-level checks: docker-compose shape and the Thai message catalogue."""

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
