"""The database connection dropped in the middle of an Excel import: nothing of the file is half-applied, and the
officer is told so and can try again. The connection is really cut: another connection terminates the server
process behind the request's, at a chosen statement, through Django's database instrumentation (execute_wrapper)."""

from datetime import timedelta
from decimal import Decimal

import psycopg2
import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ImportStatus
from applications.models import ImportRun, IndicatorValue, ValueChange
from applications.services import start_application
from indicators.enums import CyclePhase
from tests.applications.test_excel_views import filled_upload, upload
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class CutConnection:
    """An execute wrapper: just before the first statement that contains `fragment`, another connection terminates
    the server process of the connection about to run it (and waits until it is gone). The statement then meets a
    dead connection, as when a database server restarts or a network drops in the middle of a request."""

    def __init__(self, fragment: str):
        self.fragment = fragment
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and self.fragment in sql:
            self.fired = True
            self._terminate(context["connection"].connection.get_backend_pid())
        return execute(sql, params, many, context)

    @staticmethod
    def _terminate(pid: int) -> None:
        settings = connection.settings_dict
        other = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )
        try:
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
                assert cursor.fetchone() == (True,)
        finally:
            other.close()


@pytest.fixture
def application(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cycle = make_cycle(
        code="esc-excel", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30)
    )
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


@pytest.fixture
def editor_client(cast):
    client = Client()
    client.force_login(cast.editor_a)
    client.cookies["django_language"] = "en"
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_connection_cut_while_applying_leaves_nothing_applied_and_says_so(editor_client, application):
    upload(editor_client, application, filled_upload(editor_client, application, {"CA-01": 90, "CA-02": 12}))
    run = application.imports.get()
    apply_url = reverse("applications:excel-import-apply", args=[application.pk, run.pk])
    cut = CutConnection('INSERT INTO "applications_valuechange"')  # after the values' insert, before the history's

    with connection.execute_wrapper(cut):
        response = editor_client.post(apply_url)

    assert cut.fired is True
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("applications:excel-import-run", args=[application.pk, run.pk]),
    )
    assert messages_of(response) == [
        "The connection to the database was lost while the file was being applied. Nothing of it was saved: "
        "apply it again."
    ]
    run.refresh_from_db()
    assert (run.status, run.applied_at) == (ImportStatus.CHECKED, None)
    assert IndicatorValue.objects.filter(application=application).count() == 0
    assert ValueChange.objects.filter(application=application, channel="import").count() == 0
    page = editor_client.get(response["Location"])  # the officer reads the message, and the run can be applied
    assert page.context["can_apply"] is True

    again = editor_client.post(apply_url)

    assert messages_of(again) == ["Import applied: 2 changes saved."]
    assert sorted(IndicatorValue.objects.filter(application=application).values_list("indicator__code", "number")) == [
        ("CA-01", Decimal(90)),
        ("CA-02", Decimal(12)),
    ]


def test_a_connection_cut_while_checking_keeps_no_run_and_no_file_and_says_so(editor_client, application, settings):
    file = filled_upload(editor_client, application, {"CA-01": 90})
    cut = CutConnection('INSERT INTO "applications_importrun"')

    with connection.execute_wrapper(cut):
        response = upload(editor_client, application, file)

    assert cut.fired is True
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The connection to the database was lost while the file was being checked. Nothing was saved: upload the "
        "file again."
    ]
    assert ImportRun.objects.count() == 0
    stored = settings.MEDIA_ROOT / "applications" / "importrun"
    assert not stored.exists() or list(stored.iterdir()) == []


def test_the_message_of_a_cut_connection_is_thai_by_default(cast, application):
    client = Client()
    client.force_login(cast.editor_a)
    upload(client, application, filled_upload(client, application, {"CA-01": 90}))
    run = application.imports.get()
    cut = CutConnection('INSERT INTO "applications_valuechange"')

    with connection.execute_wrapper(cut):
        response = client.post(reverse("applications:excel-import-apply", args=[application.pk, run.pk]))

    assert messages_of(response) == [
        "การเชื่อมต่อกับฐานข้อมูลขาดหายระหว่างนำเข้าข้อมูลจากไฟล์ ระบบไม่ได้บันทึกข้อมูลใดจากไฟล์นี้ โปรดกด “นำเข้าการเปลี่ยนแปลงทั้งหมด” อีกครั้ง"
    ]
    assert IndicatorValue.objects.filter(application=application).count() == 0
