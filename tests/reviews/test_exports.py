import csv
import datetime as dt
import hashlib
import io
import time
import zipfile
from decimal import Decimal

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from applications.enums import ApplicationStatus
from applications.models import IndicatorValue
from applications.selectors_submission import receipt_digest
from applications.services import save_value, start_application, submit_application
from applications.services_clarifications import answer_clarification
from applications.services_evidence import upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.celery import app
from portal.enums import Role
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.exports import VALUE_HEADERS, ranking_workbook, values_csv
from reviews.models import ExportRun
from reviews.services_clarifications import ask_clarification
from reviews.services_decisions import decide
from reviews.services_export import (
    STALE_MESSAGE,
    _Archive,
    assemble_export,
    build_export,
    export_applications,
    mark_export_failed,
    render_export_chunk,
    request_export,
    start_export,
)
from reviews.tasks import assemble_export_task, build_export_task, fail_stale_exports_task
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.services import execute_run, request_cycle_rescore
from tests.conftest import CAST_ROLES
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BOM = b"\xef\xbb\xbf"


# ---------------------------------------------------------------------------------------------------------------
# Data, built through the services
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def cycle(db):
    # Every application is ranked, however few values it has (the default minimum is 80 % completeness).
    return make_cycle(
        code="esc-exp",
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + dt.timedelta(days=30),
        completeness_minimum=Decimal("0"),
    )


def indicator(cycle, code):
    return Indicator.objects.get(framework_id=cycle.framework_id, code=code)


def submitted(cycle, municipality, *, track="certificate", category="CA", values=None, evidence=None):
    """A submitted application of `municipality`: values {code: raw or dict of fields}, evidence {code: [(name,
    bytes)]}, entered by its editor and submitted by its signatory."""
    editor = municipality.officers.filter(role=Role.EDITOR).first() or UserFactory(
        role=Role.EDITOR, municipality=municipality
    )
    signatory = municipality.officers.filter(role=Role.SIGNATORY).first() or UserFactory(
        role=Role.SIGNATORY, municipality=municipality
    )
    application = start_application(
        cycle=cycle, municipality=municipality, track=track, category_code=category, by=editor
    )
    for code, raw in (values or {}).items():
        changes = raw if isinstance(raw, dict) else {"value": raw}
        save_value(
            application=application,
            indicator=indicator(cycle, code),
            by=editor,
            changes=changes,
            expected_version=None,
        )
    for code, files in (evidence or {}).items():
        for name, content in files:
            upload_evidence(
                application=application,
                indicator=indicator(cycle, code),
                file=SimpleUploadedFile(name, content),
                by=editor,
            )
    return submit_application(application=application, by=signatory, confirmed_digest=receipt_digest(application))


def decide_on(applications, admin, outcome=DecisionOutcome.SHORTLISTED):
    decide(
        applications=applications,
        round=DecisionRound.DESK_REVIEW if outcome == DecisionOutcome.SHORTLISTED else DecisionRound.COMMITTEE,
        outcome=outcome,
        note="ผ่านการพิจารณา",
        by=admin,
    )


@pytest.fixture
def world(cast, cycle):
    """Three submitted applications: Yala (CA, two evidence files) and Hat Yai (CA, one) shortlisted; a third town
    (ESC Award) submitted but not shortlisted. Scored, so the rankings have rows."""
    yala = submitted(
        cycle,
        cast.municipality_a,
        values={
            "CA-01": {"value": "92.5", "period": "ปีงบประมาณ 2568", "source": "กรมควบคุมมลพิษ"},
            "CA-03": {"value": "5", "comment": 'ตรวจวัด 3 สถานี, "ค่าเฉลี่ย"\nรายวัน'},
            "CA-07": "1",
        },
        evidence={"CA-01": [("รายงาน AQI.pdf", PDF), ("ภาพสถานี.png", PNG)]},
    )
    hat_yai = submitted(
        cycle,
        cast.municipality_b,
        values={"CA-05": "80", "CA-03": {"value": "12", "source": '=HYPERLINK("http://x")'}},
        evidence={"CA-03": [("บันทึก.pdf", PDF + b"% hat yai\n")]},
    )
    other = submitted(
        cycle,
        MunicipalityFactory(name_th="สงขลา", full_name_th="เทศบาลนครสงขลา"),
        track="esc_award",
        category="",
        values={"CA-05": "70"},
    )
    decide_on([yala, hat_yai], cast.admin)
    execute_run(request_cycle_rescore(cycle=cycle, reason="test").pk)
    return {"yala": yala, "hat_yai": hat_yai, "other": other}


def answered_values(cycle):
    return [
        value
        for value in IndicatorValue.objects.filter(application__cycle=cycle).exclude(
            application__status=ApplicationStatus.DRAFT
        )
        if value.is_answered
    ]


# ---------------------------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------------------------


def workbook_of(content):
    return load_workbook(io.BytesIO(content))


def test_ranking_workbook_has_one_sheet_per_category_and_a_values_sheet(cycle, world):
    book = workbook_of(ranking_workbook(cycle))

    assert book.sheetnames == ["รางวัล ESC", "เกียรติบัตร CA", "ค่าที่ยื่น"]


def test_ranking_workbook_sheet_has_thai_headers_frozen_row_and_number_formats(cycle, world):
    sheet = workbook_of(ranking_workbook(cycle))["เกียรติบัตร CA"]

    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "อันดับ",
        "เทศบาล",
        "จังหวัด",
        "ขนาดเมือง",
        "คะแนนตามที่ยื่น",
        "คะแนนหลังตรวจสอบ",
        "CA ด้านอากาศ (Clean Air)",
        "GOV การบริหารจัดการและประเด็นร่วม",
        "ความครบถ้วน",
        "ระดับรางวัล",
        "สถานะ",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    assert [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)] == [
        (1, "เทศบาลนครยะลา"),
        (2, "เทศบาลนครหาดใหญ่"),
    ]
    assert [sheet.cell(row=2, column=column).number_format for column in (5, 6, 7, 8, 9)] == [
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.0%",
    ]
    yala = ApplicationScore.objects.get(application=world["yala"], kind=ScoreKind.SUBMITTED, is_current=True)
    assert [sheet.cell(row=2, column=column).value for column in (5, 9)] == [
        float(yala.total),
        float(yala.completeness),
    ]
    assert {row[10].value for row in sheet.iter_rows(min_row=2)} == {"ผ่านการคัดเลือกเบื้องต้น"}


def test_ranking_workbook_values_sheet_has_one_row_per_answered_value(cycle, world):
    sheet = workbook_of(ranking_workbook(cycle))["ค่าที่ยื่น"]

    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(VALUE_HEADERS)
    assert sheet.freeze_panes == "A2"
    assert len(rows) - 1 == len(answered_values(cycle)) == 6
    yala_aqi = next(row for row in rows if row[2] == "เทศบาลนครยะลา" and row[6] == "CA-01")
    assert yala_aqi == (
        "esc-exp",
        world["yala"].municipality.code,
        "เทศบาลนครยะลา",
        world["yala"].municipality.province.name_th,
        "เกียรติบัตร",
        "CA",
        "CA-01",
        indicator(cycle, "CA-01").name_th,
        92.5,
        None,
        "ร้อยละของวันที่ตรวจวัด",
        "ปีงบประมาณ 2568",
        "กรมควบคุมมลพิษ",
        None,
    )


def test_ranking_workbook_writes_typed_formulas_as_text(cycle, world):
    sheet = workbook_of(ranking_workbook(cycle))["ค่าที่ยื่น"]

    cell = next(row[12] for row in sheet.iter_rows(min_row=2) if row[12].value and row[12].value.startswith("="))
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


# ---------------------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------------------


def test_values_csv_is_utf8_with_bom_thai_headers_and_one_row_per_value(cycle, world):
    content = values_csv(cycle)

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert content.startswith(BOM)
    assert rows[0] == list(VALUE_HEADERS)
    assert rows[0][:3] == ["รอบการประกวด", "รหัสเทศบาล", "เทศบาล"]
    assert len(rows) - 1 == len(answered_values(cycle)) == 6
    assert [row[8] for row in rows if row[6] in {"CA-01", "CA-03"} and row[2] == "เทศบาลนครยะลา"] == ["92.5", "5"]


def test_values_csv_quotes_as_rfc_4180_and_neutralises_formulas(cycle, world):
    content = values_csv(cycle)

    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    comment = next(row[13] for row in rows if row[6] == "CA-03" and row[2] == "เทศบาลนครยะลา")
    source = next(row[12] for row in rows if row[6] == "CA-03" and row[2] == "เทศบาลนครหาดใหญ่")
    assert comment == 'ตรวจวัด 3 สถานี, "ค่าเฉลี่ย"\nรายวัน'
    assert '"ตรวจวัด 3 สถานี, ""ค่าเฉลี่ย""\nรายวัน"' in text
    assert source == '\'=HYPERLINK("http://x")'
    assert text.count("\r\n") == len(rows)


# ---------------------------------------------------------------------------------------------------------------
# The ZIP, built by a real worker
# ---------------------------------------------------------------------------------------------------------------


def wait_for_run(run, *, seconds=60.0):
    """Poll the run until it leaves QUEUED/RUNNING or the deadline passes; the caller asserts the status."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            return run
        time.sleep(0.1)
    run.refresh_from_db()
    return run


def zip_of(run):
    with run.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def manifest_of(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return rows[0], {path: (sha, int(size)) for path, sha, size in rows[1:]}


@pytest.mark.django_db(transaction=True)
def test_request_export_is_built_by_a_real_worker(cast, cycle, world, celery_worker):
    yala, hat_yai = world["yala"], world["hat_yai"]

    run = wait_for_run(request_export(cycle=cycle, by=cast.admin))

    assert (run.status, run.error, run.done, run.total) == (ExportRun.Status.DONE, "", 2, 2)
    with run.file.open("rb") as handle:
        content = handle.read()
    assert (run.size, run.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    packets = sorted(name for name in names if name.startswith("packets/"))
    assert len(packets) == 4
    assert all(archive.read(name).startswith(b"%PDF") for name in packets)
    evidence = {name: hashlib.sha256(archive.read(name)).hexdigest() for name in names if name.startswith("evidence/")}
    stored = {
        f"evidence/{item.application.municipality.code}/{item.indicator.code}/{item.name}": item.sha256
        for application in (yala, hat_yai)
        for item in application.evidence.all()
    }
    assert evidence == stored
    assert len(stored) == 3
    assert {"rankings.xlsx", "manifest.csv"} <= set(names)
    header, manifest = manifest_of(archive.read("manifest.csv"))
    assert header == ["path", "sha256", "bytes"]
    assert set(manifest) == set(names) - {"manifest.csv"}
    assert all(hashlib.sha256(archive.read(path)).hexdigest() == sha for path, (sha, _size) in manifest.items())
    assert workbook_of(archive.read("rankings.xlsx")).sheetnames == ["รางวัล ESC", "เกียรติบัตร CA", "ค่าที่ยื่น"]


@pytest.mark.django_db(transaction=True)
def test_rebuilding_after_a_change_replaces_the_file(cast, cycle, world, celery_worker):
    first = wait_for_run(request_export(cycle=cycle, by=cast.admin))
    old_name = first.file.name
    question = ask_clarification(
        application=world["yala"], indicator=indicator(cycle, "CA-05"), question="โปรดระบุค่า", by=cast.reviewer
    )
    answer_clarification(request=question, answer="แนบแล้ว", by=cast.editor_a, amended_value="64")

    second = wait_for_run(request_export(cycle=cycle, by=cast.admin))

    first.refresh_from_db()
    assert (first.status, second.status) == (ExportRun.Status.DONE, ExportRun.Status.DONE)
    assert second.sha256 != first.sha256
    assert (first.file.name, default_storage.exists(old_name), default_storage.exists(second.file.name)) == (
        "",
        False,
        True,
    )
    values = workbook_of(zip_of(second).read("rankings.xlsx"))["ค่าที่ยื่น"]
    assert [
        row[8]
        for row in values.iter_rows(min_row=2, values_only=True)
        if row[6] == "CA-05" and row[2] == "เทศบาลนครยะลา"
    ] == [64]


@pytest.mark.django_db(transaction=True)
def test_a_missing_evidence_file_fails_the_run_and_keeps_no_file(cast, cycle, world, celery_worker):
    missing = world["hat_yai"].evidence.get()
    default_storage.delete(missing.file.name)
    before = (
        set(default_storage.listdir("reviews/exportrun")[1]) if default_storage.exists("reviews/exportrun") else set()
    )

    run = wait_for_run(request_export(cycle=cycle, by=cast.admin))

    after = (
        set(default_storage.listdir("reviews/exportrun")[1]) if default_storage.exists("reviews/exportrun") else set()
    )
    assert run.status == ExportRun.Status.FAILED
    with translation.override(settings.LANGUAGE_CODE):  # the worker speaks the default language
        message = gettext("An evidence file is missing from storage: {municipality}, {code}, {name}.")
    assert run.error == "ExportError: " + message.format(municipality="เทศบาลนครหาดใหญ่", code="CA-03", name="บันทึก.pdf")
    assert (run.file.name, run.size, run.sha256, after - before) == ("", 0, "", set())
    assert run.finished_at is not None


def test_task_run_synchronously_builds_the_export(cast, cycle, world, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True  # the embedded mode: no workers, the run is built in the task's thread
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            status = build_export_task(run_id=run.pk)
        again, vanished = build_export_task(run_id=run.pk), build_export_task(run_id=run.pk + 1000)
    finally:
        app.conf.task_always_eager = False

    run.refresh_from_db()
    assert (status, run.status, run.done, run.total) == ("done", ExportRun.Status.DONE, 2, 2)
    assert (again, vanished) == ("done", "vanished")


def test_export_in_chunks_counts_each_application_once_and_completes_once(
    cast, cycle, world, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_CHUNK_SIZE = 1
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)

    chunks = start_export(run.pk)
    first = render_export_chunk(run.pk, chunks[0])
    redelivered = render_export_chunk(run.pk, chunks[0])  # a worker died after rendering: the chunk runs again
    run.refresh_from_db()
    progress = (run.status, run.done, run.total)
    last = render_export_chunk(run.pk, chunks[1])
    again = render_export_chunk(run.pk, chunks[1])
    with django_capture_on_commit_callbacks(execute=True):
        assembled = assemble_export(run.pk)

    assert len(chunks) == 2
    assert (first, redelivered, last, again) == (False, False, True, False)
    assert progress == (ExportRun.Status.RUNNING, 1, 2)
    assert (assembled.status, assembled.done, assembled.total) == (ExportRun.Status.DONE, 2, 2)
    names = zip_of(assembled).namelist()
    assert len([name for name in names if name.startswith("packets/")]) == 4
    parts = f"reviews/exportparts/{run.pk}"
    assert (default_storage.listdir(parts)[1] if default_storage.exists(parts) else []) == []


def test_a_chunk_of_a_failed_run_renders_nothing(cast, cycle, world):
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    chunks = start_export(run.pk)
    mark_export_failed(run.pk, "stopped")

    completed = render_export_chunk(run.pk, chunks[0])

    run.refresh_from_db()
    assert (completed, run.status, run.done) == (False, ExportRun.Status.FAILED, 0)


def test_runs_silent_too_long_are_failed_not_left_building(cast, cycle, world):
    silent = ExportRun.objects.create(
        cycle=cycle,
        requested_by=cast.admin,
        status=ExportRun.Status.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=31),
    )
    lost = ExportRun.objects.create(
        cycle=cycle, requested_by=cast.admin, requested_at=timezone.now() - dt.timedelta(minutes=40)
    )
    alive = ExportRun.objects.create(
        cycle=cycle, requested_by=cast.admin, status=ExportRun.Status.RUNNING, heartbeat_at=timezone.now()
    )

    failed = fail_stale_exports_task()

    statuses = dict(ExportRun.objects.values_list("pk", "status"))
    assert failed == 2
    assert (statuses[silent.pk], statuses[lost.pk], statuses[alive.pk]) == ("failed", "failed", "running")
    assert ExportRun.objects.get(pk=silent.pk).error == STALE_MESSAGE


def test_task_records_a_failure_on_the_run_and_ends(cast, cycle, world, caplog):
    default_storage.delete(world["yala"].evidence.first().file.name)
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)

    for chunk in start_export(run.pk):
        render_export_chunk(run.pk, chunk)

    status = assemble_export_task(run_id=run.pk)

    run.refresh_from_db()
    assert (status, run.status, run.file.name) == ("failed", ExportRun.Status.FAILED, "")
    assert run.error.startswith("ExportError: ")
    assert [record.getMessage() for record in caplog.records if record.name == "reviews.services_export"] == [
        f"Export run {run.pk} failed"
    ]


def test_build_export_reports_progress_after_each_application(cast, cycle, world, django_capture_on_commit_callbacks):
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    seen = []

    with django_capture_on_commit_callbacks(execute=True):
        build_export(run.pk, on_progress=lambda done, total: seen.append((done, total, ExportRun.objects.get().done)))

    assert seen == [(1, 2, 1), (2, 2, 2)]


def test_build_export_of_a_redelivered_run_replaces_its_own_file(
    cast, cycle, world, django_capture_on_commit_callbacks
):
    run = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        build_export(run.pk)
    run.refresh_from_db()
    first_name = run.file.name
    ExportRun.objects.filter(pk=run.pk).update(status=ExportRun.Status.RUNNING)  # the worker died before the end

    with django_capture_on_commit_callbacks(execute=True):
        again = build_export(run.pk)

    assert again.status == ExportRun.Status.DONE
    assert again.file.name != first_name
    assert (default_storage.exists(first_name), default_storage.exists(again.file.name)) == (False, True)


@pytest.fixture
def own_media(settings, tmp_path):
    """A media directory of the test's own, so that listing it sees only what the test stored (not what a task of
    an earlier test, still finishing, writes into the shared one)."""
    settings.MEDIA_ROOT = tmp_path


def test_an_older_request_finishing_last_does_not_replace_the_newer_export(
    own_media, cast, cycle, world, django_capture_on_commit_callbacks
):
    older = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    newer = ExportRun.objects.create(cycle=cycle, requested_by=cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        build_export(newer.pk)
    stored_before = set(default_storage.listdir("reviews/exportrun")[1])

    with django_capture_on_commit_callbacks(execute=True):
        older = build_export(older.pk)

    newer.refresh_from_db()
    assert (older.status, older.file.name) == (ExportRun.Status.DONE, "")
    assert default_storage.exists(newer.file.name) is True
    assert set(default_storage.listdir("reviews/exportrun")[1]) == stored_before


def test_zip_paths_used_twice_get_a_number_unless_the_content_is_the_same():
    buffer = io.BytesIO()

    with zipfile.ZipFile(buffer, "w") as zip_file:
        archive = _Archive(zip_file)
        for content in (b"one", b"two", b"one", b"three"):
            archive.add_bytes("evidence/9001/CA-01/รายงาน.pdf", content)

    assert zipfile.ZipFile(buffer).namelist() == [
        "evidence/9001/CA-01/รายงาน.pdf",
        "evidence/9001/CA-01/รายงาน (2).pdf",
        "evidence/9001/CA-01/รายงาน (3).pdf",
    ]


def test_request_export_counts_shortlisted_and_nominated_and_queues_after_commit(
    cast, cycle, world, django_capture_on_commit_callbacks
):
    decide_on([world["other"]], cast.admin, outcome=DecisionOutcome.NOMINATED)

    with django_capture_on_commit_callbacks() as callbacks:
        run = request_export(cycle=cycle, by=cast.admin)

    assert (run.status, run.total, run.requested_by) == (ExportRun.Status.QUEUED, 3, cast.admin)
    assert len(callbacks) == 1
    assert [application.pk for application in export_applications(cycle)] == [
        world["yala"].pk,
        world["other"].pk,
        world["hat_yai"].pk,
    ]


def test_request_export_refuses_a_cycle_with_nothing_shortlisted(cast, cycle):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        request_export(cycle=cycle, by=cast.admin)

    assert caught.value.messages == ["Nothing to export: no application of this cycle is shortlisted or nominated."]
    assert ExportRun.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------------
# Command
# ---------------------------------------------------------------------------------------------------------------


def test_export_packets_command_writes_the_files_and_prints_progress(cycle, world, tmp_path):
    out = io.StringIO()

    call_command("export_packets", cycle.code, "--out", str(tmp_path), stdout=out)

    lines = out.getvalue().splitlines()
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert lines[:2] == ["  1 of 2", "  2 of 2"]
    assert len([name for name in written if name.startswith("packets/")]) == 4
    assert len([name for name in written if name.startswith("evidence/")]) == 3
    assert {"rankings.xlsx", "manifest.csv"} <= set(written)
    _header, manifest = manifest_of((tmp_path / "manifest.csv").read_bytes())
    assert sorted(manifest) == [name for name in written if name != "manifest.csv"]
    assert all(hashlib.sha256((tmp_path / path).read_bytes()).hexdigest() == sha for path, (sha, _) in manifest.items())


def test_export_packets_command_rebuild_removes_the_previous_files_only(cast, cycle, world, tmp_path):
    call_command("export_packets", cycle.code, "--out", str(tmp_path), stdout=io.StringIO())
    (tmp_path / "notes.txt").write_text("ของผู้ใช้")
    hat_yai_evidence = next(tmp_path.glob("evidence/*/CA-03/*"))
    decide_on([world["hat_yai"]], cast.admin, outcome=DecisionOutcome.NOT_SHORTLISTED)

    call_command("export_packets", cycle.code, "--out", str(tmp_path), stdout=io.StringIO())

    assert hat_yai_evidence.exists() is False
    assert hat_yai_evidence.parent.exists() is False
    assert (tmp_path / "notes.txt").read_text() == "ของผู้ใช้"
    assert len(list(tmp_path.glob("packets/*"))) == 2


def test_export_packets_command_can_write_one_zip(cycle, world, tmp_path):
    call_command("export_packets", cycle.code, "--out", str(tmp_path), "--zip", stdout=io.StringIO())

    archive = zipfile.ZipFile(tmp_path / "esc-exp-export.zip")
    assert len(archive.namelist()) == 4 + 3 + 2


def test_export_packets_command_refuses_an_unknown_cycle(tmp_path):
    with pytest.raises(CommandError, match="No cycle has the code 'nope'"):
        call_command("export_packets", "nope", "--out", str(tmp_path))


# ---------------------------------------------------------------------------------------------------------------
# Pages and downloads
# ---------------------------------------------------------------------------------------------------------------


def logged_in(user, *, language="en"):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html(response):
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def node(page, selector):
    found = page.query(selector)
    assert found is not None, f"{selector} not in the page"
    return found.etree_element


def texts(page, selector):
    return [" ".join("".join(found.etree_element.itertext()).split()) for found in page.query_all(selector)]


def a_run(cycle, user, **fields):
    return ExportRun.objects.create(cycle=cycle, requested_by=user, **fields)


def done_run(cycle, user, content=b"PK\x05\x06" + b"\x00" * 18):
    run = a_run(cycle, user, status=ExportRun.Status.DONE, done=2, total=2, finished_at=timezone.now())
    run.file.save("x.zip", ContentFile(content), save=False)
    run.size, run.sha256 = len(content), hashlib.sha256(content).hexdigest()
    run.save()
    return run


URLS = {
    "exports": lambda cycle, run: reverse("reviews:exports", args=[cycle.code]),
    "excel": lambda cycle, run: reverse("reviews:export-excel", args=[cycle.code]),
    "csv": lambda cycle, run: reverse("reviews:export-csv", args=[cycle.code]),
    "progress": lambda cycle, run: reverse("reviews:export-progress", args=[run.pk]),
    "download": lambda cycle, run: reverse("reviews:export-download", args=[run.pk]),
}
EXPECTED = {"anonymous": 302, "editor_a": 403, "editor_b": 403, "signatory_a": 403, "reviewer": 403, "admin": 200}


@pytest.mark.parametrize("role", CAST_ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_export_pages_are_for_admins_only(cast, cycle, role, name):
    url = URLS[name](cycle, done_run(cycle, cast.admin))

    response = logged_in(cast.by_name(role)).get(url)
    response.close()

    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["editor_a", "reviewer"])
def test_requesting_an_export_is_refused_to_non_admins(cast, cycle, role):
    response = logged_in(cast.by_name(role)).post(reverse("reviews:exports", args=[cycle.code]))

    assert response.status_code == 403
    assert ExportRun.objects.count() == 0


@pytest.mark.parametrize("name", ["exports", "excel", "csv"])
def test_export_pages_of_an_unknown_cycle_are_404(cast, name):
    response = logged_in(cast.admin).get(
        reverse(f"reviews:{'export-' if name != 'exports' else ''}{name}", args=["nope"])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("status", [ExportRun.Status.QUEUED, ExportRun.Status.RUNNING, ExportRun.Status.FAILED])
def test_download_is_404_until_the_run_is_done(cast, cycle, status):
    run = a_run(cycle, cast.admin, status=status)

    response = logged_in(cast.admin).get(reverse("reviews:export-download", args=[run.pk]))

    assert response.status_code == 404


def test_download_is_404_once_a_newer_export_replaced_the_file(cast, cycle):
    run = a_run(cycle, cast.admin, status=ExportRun.Status.DONE)

    response = logged_in(cast.admin).get(reverse("reviews:export-download", args=[run.pk]))

    assert response.status_code == 404


def test_download_sends_the_zip_as_an_attachment(cast, cycle):
    run = done_run(cycle, cast.admin)

    response = logged_in(cast.admin).get(reverse("reviews:export-download", args=[run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="esc-exp-export-{run.pk}.zip"'
    content = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(content).hexdigest() == run.sha256


def test_excel_and_csv_downloads_are_named_with_the_cycle_code(cast, cycle, world):
    client = logged_in(cast.admin)

    excel = client.get(reverse("reviews:export-excel", args=[cycle.code]))
    values = client.get(reverse("reviews:export-csv", args=[cycle.code]))

    assert excel["Content-Disposition"] == 'attachment; filename="esc-exp-rankings.xlsx"'
    assert excel["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert workbook_of(excel.content).sheetnames == ["รางวัล ESC", "เกียรติบัตร CA", "ค่าที่ยื่น"]
    assert values["Content-Disposition"] == 'attachment; filename="esc-exp-values.csv"'
    assert values["Content-Type"] == "text/csv; charset=utf-8"
    assert values.content.startswith(BOM)


def test_exports_page_lists_runs_with_progress_and_the_download_links(cast, cycle, world):
    running = a_run(cycle, cast.admin, status=ExportRun.Status.RUNNING, done=1, total=2)
    ready = done_run(cycle, cast.admin)

    response = logged_in(cast.admin).get(reverse("reviews:exports", args=[cycle.code]))

    page = html(response)
    assert response.status_code == 200
    assert node(page, f"#export-{running.pk}").get("hx-trigger") == "every 1s"
    assert node(page, f"#export-{running.pk} .progress-bar").get("data-percent") == "50"
    assert node(page, f"#export-{ready.pk} [data-testid=export-download]").get("href") == reverse(
        "reviews:export-download", args=[ready.pk]
    )
    assert texts(page, f"#export-{ready.pk} [data-testid=export-sha256]") == [ready.sha256]
    assert node(page, "[data-testid=export-excel]").get("href") == reverse("reviews:export-excel", args=[cycle.code])
    assert node(page, "[data-testid=export-csv]").get("href") == reverse("reviews:export-csv", args=[cycle.code])
    assert texts(page, "[data-testid=build-export]") == ["Build the ZIP now"]


def test_exports_page_post_queues_a_build(cast, cycle, world, django_capture_on_commit_callbacks):
    app.control.purge()
    client = logged_in(cast.admin)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("reviews:exports", args=[cycle.code]))

    run = ExportRun.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("reviews:exports", args=[cycle.code]))
    assert (run.status, run.total, run.requested_by) == (ExportRun.Status.QUEUED, 2, cast.admin)
    assert len(callbacks) == 1
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The ZIP is being built: 2 applications."
    ]


def test_exports_page_post_with_nothing_shortlisted_says_so(cast, cycle):
    response = logged_in(cast.admin).post(reverse("reviews:exports", args=[cycle.code]))

    assert ExportRun.objects.count() == 0
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Nothing to export: no application of this cycle is shortlisted or nominated."
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_exports_page_query_count_is_constant(cast, cycle, count, django_assert_num_queries):
    for _ in range(count):
        done_run(cycle, cast.admin)
    client = logged_in(cast.admin)

    # The header's unread notifications count is one of them; the current file of each kind (packets, dossier) another.
    with django_assert_num_queries(11):
        response = client.get(reverse("reviews:exports", args=[cycle.code]))

    assert response.status_code == 200


def test_progress_partial_polls_while_running(cast, cycle):
    run = a_run(cycle, cast.admin, status=ExportRun.Status.RUNNING, done=1, total=4)
    url = reverse("reviews:export-progress", args=[run.pk])

    response = logged_in(cast.admin).get(url, headers={"HX-Request": "true"})

    element = node(html(response), f"#export-{run.pk}")
    assert (element.get("hx-get"), element.get("hx-trigger"), element.get("hx-swap")) == (url, "every 1s", "outerHTML")
    assert texts(html(response), f"#export-{run.pk} .export-status span") == ["Building · 1 / 4", "25%"]


def test_progress_partial_stops_polling_when_done_and_offers_the_download(cast, cycle):
    run = done_run(cycle, cast.admin)

    response = logged_in(cast.admin).get(reverse("reviews:export-progress", args=[run.pk]))

    page = html(response)
    element = node(page, f"#export-{run.pk}")
    assert (element.get("hx-get"), element.get("hx-trigger")) == (None, None)
    assert texts(page, f"#export-{run.pk} .export-status span") == ["Ready · 2 / 2", "100%"]
    assert node(page, "[data-testid=export-download]").get("href") == reverse("reviews:export-download", args=[run.pk])


def test_progress_partial_shows_the_error_of_a_failed_run(cast, cycle):
    run = a_run(cycle, cast.admin, status=ExportRun.Status.FAILED, error="ExportError: ไฟล์หาย")

    response = logged_in(cast.admin).get(reverse("reviews:export-progress", args=[run.pk]))

    page = html(response)
    assert node(page, f"#export-{run.pk}").get("hx-trigger") is None
    assert texts(page, "[data-testid=export-error]") == ["ExportError: ไฟล์หาย"]
