"""Nomination packets: seconds per packet and per page, and a batch of 50, against a plain Thai document.

The baseline is a plain 8-page Thai document (headings and paragraphs of varied Thai text, Sarabun embedded)
rendered in the same run through the same adapter (portal.pdf.html_to_pdf with the packet's stylesheet), so that
fonts, fetcher and machine are the same, in turns with the packets (plain, Thai, English, ...; medians of the
rounds). Goal: a packet page costs at most three times a plain page (ratio ≥ 1/3; the required tables make more
than twice inherent on WeasyPrint).

The batch: the export's packets of 50 applications (Thai and English, 100 PDFs) rendered one after another in this
process (reviews.services_export.render_export_chunk over all of them) against the same export fanned out to
`celery worker --concurrency 2` (two worker processes on a Redis queue of the benchmark's own: the chunk tasks, then
the ZIP), each timed from the request to the ZIP stored, in turns (medians of the rounds). Goal: the two
processes take at most 0.6 of the time of one after another (ratio ≥ 1/0.6).

Data: 50 shortlisted ESC Award applications of real municipalities on the 2021 framework, every indicator
answered, some values verified or corrected, evidence files listed, a decision with a note, scored by a run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.transport.redis import Channel as RedisChannel

from applications.enums import ApplicationStatus
from applications.models import Application, Evidence, IndicatorValue
from applications.selectors import size_class_for
from benchmarks.data import sample_value
from benchmarks.harness import Figure, analyze, median_of_interleaved
from indicators.enums import CyclePhase
from indicators.services import create_cycle, load_framework
from portal.enums import Role
from portal.models import Municipality, User
from portal.municipality_data import read_municipality_rows
from portal.pdf import html_to_pdf
from portal.services_municipalities import load_municipalities
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus
from reviews.models import Decision, ExportRun, ValueReview
from reviews.packets import STYLESHEET, render_packet_pdf
from reviews.services_export import assemble_export, render_export_chunk, start_export
from scoring.models import ApplicationScore, ScoreRun
from scoring.services import execute_run, request_cycle_rescore

PACKETS = 50
ROUNDS = 5
BATCH_ROUNDS = 3
WORKER_PROCESSES = 2
BATCH_QUEUE = "bench-packets"
BATCH_BROKER = "redis://127.0.0.1:6379/12"  # a Redis database of the benchmark's own (see benchmarks.__main__)
BATCH_TIMEOUT = 600.0
PLAIN_PAGES = 8
FRAMEWORK = Path(__file__).resolve().parents[1] / "indicators" / "frameworks" / "esc-2021.yaml"
VOCABULARY = (
    "เทศบาล ชุมชน สิ่งแวดล้อม การจัดการ ขยะมูลฝอย น้ำเสีย คุณภาพอากาศ พื้นที่สีเขียว โครงการ "
    "ประชาชน ต่อเนื่อง ร่วมกับ ดำเนินงาน ผลลัพธ์ ลดลง เพิ่มขึ้น ร้อยละ ภายใน ปีงบประมาณ "
    "แผนปฏิบัติการ งบประมาณ หน่วยงาน รับผิดชอบ ตัวชี้วัด ติดตาม ประเมินผล โรงเรียน ธนาคารขยะ "
    "ต้นไม้ แม่น้ำ ริมคลอง ถนน สาธารณะ การมีส่วนร่วม เครือข่าย อาสาสมัคร ครัวเรือน คัดแยก "
    "รีไซเคิล ปุ๋ยหมัก"
)
WORDS = VOCABULARY.split()


def plain_document(rng: random.Random) -> str:
    """Eight pages of Thai prose: a heading and seven paragraphs of varied sentences per page."""

    def paragraph() -> str:
        sentences = (
            "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + f" {rng.randint(2, 950)}"
            for _ in range(rng.randint(4, 7))
        )
        return f"<p>{' '.join(sentences)}</p>"

    chapters = "".join(
        f"<section class='chapter'><h2>บทที่ {number}</h2>{''.join(paragraph() for _ in range(7))}</section>"
        for number in range(1, PLAIN_PAGES + 1)
    )
    return f"<!DOCTYPE html><html lang='th'><body data-page-word='หน้า' data-page-of='/'>{chapters}</body></html>"


def page_count(document: bytes) -> int:
    from pypdf import PdfReader  # noqa: PLC0415 -- a development dependency, needed only here

    return len(PdfReader(io.BytesIO(document)).pages)


def _build(rng: random.Random) -> list[Application]:
    load_municipalities(rows=read_municipality_rows())
    framework = load_framework(text=FRAMEWORK.read_text(encoding="utf-8")).framework
    cycle = create_cycle(
        code="bench-packets",
        name_th="รางวัลอาเซียนด้านสิ่งแวดล้อมเมืองที่ยั่งยืน (ทดสอบความเร็ว)",
        name_en="ASEAN ESC Award (benchmark)",
        esc_award_edition=7,
        certificate_edition=6,
        reference_year=2025,
        framework=framework,
        responsible_agency_th="กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม (สส.)",
        responsible_agency_en="Department of Climate Change and Environment (DCCE)",
    )
    cycle.phase, cycle.submission_deadline = CyclePhase.COMMITTEE_RANKING, timezone.now() - dt.timedelta(days=30)
    cycle.save()
    admin = User.objects.create_user("bench.packets@example.go.th", "x", full_name="ผู้ดูแลระบบ", role=Role.ADMIN)
    reviewer = User.objects.create_user(
        "bench.reviewer@example.go.th", "x", full_name="ผู้ตรวจประเมิน", role=Role.REVIEWER
    )
    municipalities = list(Municipality.objects.filter(population__gte=20_000).order_by("code")[:PACKETS])
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=municipality,
            track="esc_award",
            category_code="",
            status=ApplicationStatus.SHORTLISTED,
            submitted_at=timezone.now() - dt.timedelta(days=20),
            population=municipality.population,
            population_year=2025,
            households=int((municipality.population or 20_000) / 2.6),
            area_km2=municipality.area_km2 or Decimal("25.5"),
            size_class=size_class_for(cycle, municipality.population),
            best_practice_th="เทศบาลดำเนินงานด้านสิ่งแวดล้อมร่วมกับชุมชนอย่างต่อเนื่อง " * 6,
            best_practice_en="The municipality works with its communities on the environment, year after year. " * 6,
            created_by=admin,
        )
        for municipality in municipalities
    )
    indicators = list(framework.indicators.all())
    values, reviews, evidence = [], [], []
    for application in applications:
        for position, indicator in enumerate(indicators):
            value = sample_value(application, indicator, rng)
            values.append(value)
            if position % 3 == 0 and value.number is not None:
                reviews.append(
                    ValueReview(
                        application=application,
                        indicator=indicator,
                        reviewer=reviewer,
                        status=VerificationStatus.VERIFIED,
                    )
                )
            if position % 2 == 0:
                content = f"{application.pk}-{indicator.code}".encode()
                # Stored for real: the export copies every evidence file into the ZIP.
                name = f"bench/{application.pk}-{indicator.code}.pdf"
                default_storage.delete(name)
                default_storage.save(name, ContentFile(content))
                evidence.append(
                    Evidence(
                        application=application,
                        indicator=indicator,
                        file=f"bench/{application.pk}-{indicator.code}.pdf",
                        name=f"{indicator.code.lower()}-รายงานผลการดำเนินงาน.pdf",
                        file_type="pdf",
                        size=rng.randint(50_000, 5_000_000),
                        sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=admin,
                    )
                )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    ValueReview.objects.bulk_create(reviews, batch_size=5000)
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    Decision.objects.bulk_create(
        Decision(
            application=application,
            round=DecisionRound.DESK_REVIEW,
            outcome=DecisionOutcome.SHORTLISTED,
            note="ผ่านการตรวจประเมินเอกสาร คะแนนหลังตรวจสอบอยู่ในกลุ่มสูงของขนาดเมือง",
            decided_by=admin,
        )
        for application in applications
    )
    analyze(Application, IndicatorValue, ValueReview, Evidence, Decision, Municipality, User)
    execute_run(request_cycle_rescore(cycle=cycle, reason="bench").pk)
    analyze(ScoreRun, ApplicationScore)
    return list(
        Application.objects.filter(pk__in=[a.pk for a in applications])
        .select_related("cycle__framework", "municipality__province", "size_class")
        .order_by("pk")
    )


class Workers:
    """`celery worker --concurrency 2` (two pool processes) on the benchmark's database and queue, for the parallel
    batch; stopped (its whole process group) on leaving."""

    def __enter__(self) -> Workers:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "BENCH_BROKER_URL": BATCH_BROKER,
            "CELERY_QUEUE": BATCH_QUEUE,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "portal", "worker",
            "--pool", "prefork", "--concurrency", str(WORKER_PROCESSES),
            "-Q", BATCH_QUEUE, "--loglevel", "warning", "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 -- fixed arguments, this interpreter
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from portal.celery import app  # noqa: PLC0415

        self.connection = app.connection_for_write(BATCH_BROKER)
        with self.connection.channel() as channel:
            assert isinstance(channel, RedisChannel)  # the benchmark's broker is Redis
            channel.queue_purge(BATCH_QUEUE)
        return self

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=60)
        self.connection.release()
        self.log.close()

    def export(self, run: ExportRun) -> None:
        """Fan the run's packets out to the workers as the export task does; return once the ZIP is stored."""
        from reviews.tasks import render_export_packets_task  # noqa: PLC0415

        for application_ids in start_export(run.pk) or []:
            render_export_packets_task.apply_async(
                kwargs={"run_id": run.pk, "application_ids": application_ids},
                connection=self.connection,
                queue=BATCH_QUEUE,
            )
        _wait_done(run)


def _wait_done(run: ExportRun) -> None:
    deadline = time.monotonic() + BATCH_TIMEOUT
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == ExportRun.Status.DONE:
            return
        if run.status == ExportRun.Status.FAILED:
            raise RuntimeError(f"The benchmark's export failed: {run.error}")
        time.sleep(0.05)
    raise RuntimeError("The benchmark's export did not finish: are the worker processes running?")


def _one_after_another(run: ExportRun) -> None:
    ids = [chunk_id for chunk in start_export(run.pk) or [] for chunk_id in chunk]
    render_export_chunk(run.pk, ids)
    assemble_export(run.pk)
    _wait_done(run)


def _batch_figure(applications: list[Application]) -> Figure:
    cycle = applications[0].cycle
    admin = User.objects.filter(role=Role.ADMIN).first()
    assert admin is not None  # the benchmark's data has one
    runs: dict[str, ExportRun] = {}

    def new_run(name: str) -> None:
        ExportRun.objects.filter(cycle=cycle).exclude(status=ExportRun.Status.DONE).update(
            status=ExportRun.Status.FAILED
        )
        runs[name] = ExportRun.objects.create(cycle=cycle, requested_by=admin)

    with Workers() as workers:
        medians = median_of_interleaved(
            BATCH_ROUNDS,
            {
                "one after another": lambda: _one_after_another(runs["one after another"]),
                "two worker processes": lambda: workers.export(runs["two worker processes"]),
            },
            setups={name: partial(new_run, name) for name in ("one after another", "two worker processes")},
        )
    total = len(applications)
    return Figure(
        f"batch of {total} applications ({2 * total} packets), {WORKER_PROCESSES} worker processes",
        medians["two worker processes"],
        "the same packets one after another, one process",
        medians["one after another"],
        "≥ 1.667× (parallel ≤ 0.6 of one after another)",
        goal_ratio=1 / 0.6,
    )


def run() -> list[Figure]:
    rng = random.Random(2570)  # noqa: S311 -- benchmark data
    applications = _build(rng)
    plain = plain_document(rng)
    first = applications[0]

    # Warm up (WeasyPrint's import and Pango's caches), then count pages once.
    plain_pages = page_count(html_to_pdf(plain, stylesheets=[STYLESHEET]))
    thai_pages = page_count(render_packet_pdf(first, language="th"))
    english_pages = page_count(render_packet_pdf(first, language="en"))

    medians = median_of_interleaved(
        ROUNDS,
        {
            "plain": lambda: html_to_pdf(plain, stylesheets=[STYLESHEET]),
            "th": lambda: render_packet_pdf(first, language="th"),
            "en": lambda: render_packet_pdf(first, language="en"),
        },
    )
    plain_seconds, thai_seconds, english_seconds = medians["plain"], medians["th"], medians["en"]
    plain_page = plain_seconds / plain_pages
    plain_label = f"plain Thai document, {plain_pages} pages"
    per_page_goal = "≥ 0.333× (a packet page ≤ 3 plain pages)"
    return [
        Figure(f"one packet, Thai ({thai_pages} pages)", thai_seconds, plain_label, plain_seconds, "information"),
        Figure(
            f"one packet, English ({english_pages} pages)", english_seconds, plain_label, plain_seconds, "information"
        ),
        Figure(
            "packet, Thai: per page",
            thai_seconds / thai_pages,
            f"{plain_label}: per page",
            plain_page,
            per_page_goal,
            goal_ratio=1 / 3,
        ),
        Figure(
            "packet, English: per page",
            english_seconds / english_pages,
            f"{plain_label}: per page",
            plain_page,
            per_page_goal,
            goal_ratio=1 / 3,
        ),
        _batch_figure(applications),
    ]
