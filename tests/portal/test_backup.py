"""Backup and restore: a cycle with applications, values, evidence and scores, backed up, restored into another
PostgreSQL database and another media directory, reads back the same; a damaged backup is refused untouched."""

import base64
import hashlib
import json
import sqlite3
from datetime import timedelta
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone

from applications.models import Application, Evidence, IndicatorValue
from applications.selectors_submission import receipt_digest
from applications.services import save_value, start_application, submit_application
from applications.services_evidence import upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.backup import BackupError, create_backup, restore_backup
from portal.celery import app
from scoring.models import ApplicationScore
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _admin_connection():
    settings = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    admin.autocommit = True
    return admin


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database named after the test database, dropped afterwards; yields (name, URL)."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    url = f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    yield name, url
    restored = getattr(connections._connections, "restored", None)
    if restored is not None:
        restored.close()
        del connections["restored"]
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def open_restored(name):
    """A connection alias on the restored database, for reading it with the ORM (made here, not in settings: Django's
    test case allows a connection created at run time)."""
    backend = load_backend(connection.settings_dict["ENGINE"])
    connections["restored"] = backend.DatabaseWrapper({**connection.settings_dict, "NAME": name}, "restored")
    return "restored"


@pytest.fixture
def portal_world(cast, settings, tmp_path):
    """Two applications of one cycle: values, evidence files (PDF, PNG, Thai names), both submitted and scored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cycle = make_cycle(
        code="esc-bk", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30)
    )
    people = [(cast.municipality_a, cast.editor_a, cast.signatory_a), (cast.municipality_b, cast.editor_b, None)]
    indicators = {item.code: item for item in Indicator.objects.filter(framework_id=cycle.framework_id)}
    for number, (municipality, editor, signatory) in enumerate(people, start=1):
        application = start_application(
            cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=editor
        )
        for code, raw in {"CA-01": str(80 + number), "CA-03": str(4 + number)}.items():
            save_value(
                application=application,
                indicator=indicators[code],
                by=editor,
                changes={"value": raw},
                expected_version=None,
            )
        upload_evidence(
            application=application,
            indicator=indicators["CA-01"],
            file=SimpleUploadedFile(f"รายงาน AQI {number}.pdf", PDF_BYTES + bytes([number])),
            by=editor,
        )
        upload_evidence(
            application=application,
            indicator=indicators["CA-03"],
            file=SimpleUploadedFile("แผนที่.png", PNG_BYTES),
            by=editor,
        )
        if signatory is not None:
            submit_application(application=application, by=signatory, confirmed_digest=receipt_digest(application))
        else:  # the second municipality's signatory is not in the cast: submitted as stored
            Application.objects.filter(pk=application.pk).update(status="submitted", submitted_at=timezone.now())
    run = request_cycle_rescore(cycle=cycle, reason="test", enqueue=False)
    execute_run(run.pk)
    app.control.purge()  # the submission queued a score run on the test queue; no worker runs it here
    return cycle


def applications_of(alias):
    return sorted(
        Application.objects.using(alias).values_list(
            "municipality__code", "track", "status", "receipt_sha256", "submitted_at", "size_class"
        )
    )


def values_of(alias):
    return sorted(
        IndicatorValue.objects.using(alias).values_list(
            "application__municipality__code", "indicator__code", "number", "level", "version"
        )
    )


def evidence_of(alias):
    return sorted(
        Evidence.objects.using(alias).values_list("application__municipality__code", "name", "sha256", "file")
    )


def scores_of(alias):
    return sorted(
        ApplicationScore.objects.using(alias).values_list(
            "application__municipality__code", "kind", "total", "completeness", "is_current", "rank", "areas"
        ),
        key=repr,
    )


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_and_restore_into_another_database_and_media_directory_give_the_same_portal(
    portal_world, scratch_database, tmp_path, settings
):
    name, url = scratch_database
    backup_dir, restored_media = tmp_path / "backup", tmp_path / "restored-media"
    expected = (applications_of("default"), values_of("default"), evidence_of("default"), scores_of("default"))
    out = StringIO()

    call_command("backup", str(backup_dir), stdout=out)
    call_command("restore", str(backup_dir), database_url=url, media_root=str(restored_media), interactive=False)

    alias = open_restored(name)
    assert (applications_of(alias), values_of(alias), evidence_of(alias), scores_of(alias)) == expected
    assert [len(rows) for rows in expected] == [2, 4, 4, 4]  # applications, values, files, scores (two kinds)
    for _code, _name, digest, stored in evidence_of(alias):
        assert sha256_of(restored_media / stored) == digest
        assert sha256_of(Path(settings.MEDIA_ROOT) / stored) == digest
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert {path: item["sha256"] for path, item in manifest["media"]["files"].items()} == {
        stored: digest for _code, _name, digest, stored in evidence_of("default")
    }
    assert manifest["database"]["engine"] == "postgresql"
    assert out.getvalue().startswith("Backed up the postgresql database (database.dump, ")
    assert out.getvalue().endswith(f" and 4 files ({manifest['media']['size']} bytes) to {backup_dir}.\n")


def test_a_backup_whose_file_changed_is_refused_before_anything_is_restored(portal_world, scratch_database, tmp_path):
    name, url = scratch_database
    backup_dir, restored_media = tmp_path / "backup", tmp_path / "restored-media"
    call_command("backup", str(backup_dir), stdout=StringIO())
    damaged = sorted((backup_dir / "media").rglob("*.png"))[0]
    damaged.write_bytes(damaged.read_bytes() + b"x")

    with pytest.raises(CommandError) as error:
        call_command("restore", str(backup_dir), database_url=url, media_root=str(restored_media), interactive=False)

    relative = damaged.relative_to(backup_dir).as_posix()
    assert str(error.value) == (
        f"The backup in {backup_dir} does not match its manifest: {relative} differs from the manifest (size or "
        "SHA-256)."
    )
    assert not restored_media.exists()
    assert connections[open_restored(name)].introspection.table_names() == []


def test_a_backup_never_writes_into_a_directory_that_holds_something(portal_world, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "manifest.json").write_text("{}")

    with pytest.raises(CommandError) as error:
        call_command("backup", str(target), stdout=StringIO())

    assert str(error.value) == f"{target} is not an empty directory: a backup never writes over another."


def test_restore_refuses_a_directory_without_a_manifest(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("restore", str(tmp_path), interactive=False)

    assert str(error.value) == f"{tmp_path} holds no manifest.json: it is not a backup, or an unfinished one."


@pytest.mark.django_db(transaction=False)
def test_the_embedded_sqlite_database_round_trips_through_the_backup_api(tmp_path):
    """The embedded mode's SQLite file, in WAL mode and with a connection open, copied consistently and restored."""
    source = tmp_path / "db.sqlite3"
    live = sqlite3.connect(source)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE municipality (code TEXT PRIMARY KEY, name TEXT)")
    live.executemany("INSERT INTO municipality VALUES (?, ?)", [("1001", "ยะลา"), ("1002", "หาดใหญ่")])
    live.commit()
    media = tmp_path / "media"
    (media / "applications" / "evidence").mkdir(parents=True)
    (media / "applications" / "evidence" / "a.pdf").write_bytes(PDF_BYTES)
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}

    manifest = create_backup(tmp_path / "backup", database=database, media_root=media, now=timezone.now())
    restored = tmp_path / "restored.sqlite3"
    restore_backup(
        tmp_path / "backup",
        database={**database, "NAME": str(restored)},
        media_root=tmp_path / "restored-media",
    )
    live.close()

    assert manifest["database"]["file"] == "database.sqlite3"
    with sqlite3.connect(restored) as copy:
        assert copy.execute("SELECT code, name FROM municipality ORDER BY code").fetchall() == [
            ("1001", "ยะลา"),
            ("1002", "หาดใหญ่"),
        ]
    assert (tmp_path / "restored-media" / "applications" / "evidence" / "a.pdf").read_bytes() == PDF_BYTES


@pytest.mark.django_db(transaction=False)
def test_a_manifest_path_that_leaves_the_media_directory_is_refused(tmp_path):
    source = tmp_path / "db.sqlite3"
    sqlite3.connect(source).close()
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}
    create_backup(tmp_path / "backup", database=database, media_root=tmp_path / "no-media", now=timezone.now())
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["media"]["files"]["../../outside.txt"] = {"sha256": "0" * 64, "size": 0}
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(BackupError) as error:
        restore_backup(tmp_path / "backup", database=database, media_root=tmp_path / "restored-media")

    assert str(error.value).endswith("../../outside.txt: its path leaves the media directory.")
