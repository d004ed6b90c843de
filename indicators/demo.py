"""Demo cycles: the archived 2021 edition on the 2021 framework, and a current cycle open for submissions on the
2024 framework (five certificate categories), with reviewer normalisation on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from indicators.enums import CyclePhase
from indicators.models import AwardCycle, FrameworkVersion
from indicators.services import create_cycle, load_framework

FRAMEWORKS = Path(__file__).resolve().parent / "frameworks"
BANGKOK = ZoneInfo("Asia/Bangkok")
CURRENT_CYCLE_CODE = "esc-2027"


def _load(name: str, stdout: TextIO) -> FrameworkVersion | None:
    """The shipped framework file; None (with a note) when an older demo database holds the same version with other
    content: its demo data stays as it was (make clean starts afresh)."""
    try:
        return load_framework(text=(FRAMEWORKS / name).read_text(encoding="utf-8")).framework
    except ValidationError as error:
        stdout.write(f"Kept the framework already in this database: {' '.join(error.messages)}")
        return None


def seed(stdout: TextIO) -> None:
    framework = _load("esc-2021.yaml", stdout)
    current_framework = _load("esc-2024.yaml", stdout)
    if framework is None or current_framework is None:
        return
    if not AwardCycle.objects.filter(code="esc-2021").exists():
        past = create_cycle(
            code="esc-2021",
            name_th="รางวัลอาเซียนด้านสิ่งแวดล้อมเมืองที่ยั่งยืน ครั้งที่ 5 และเกียรติบัตรแห่งการรับรอง ครั้งที่ 4 (พ.ศ. 2564)",
            name_en="5th ASEAN ESC Award and 4th Certificates of Recognition (2021)",
            esc_award_edition=5,
            certificate_edition=4,
            reference_year=2019,
            framework=framework,
            responsible_agency_th="สำนักงานนโยบายและแผนทรัพยากรธรรมชาติและสิ่งแวดล้อม (สผ.)",
            responsible_agency_en="Office of Natural Resources and Environmental Policy and Planning (ONEP)",
        )
        past.call_opens_on = dt.date(2020, 3, 2)
        past.submission_deadline = dt.datetime(2020, 6, 30, 16, 30, tzinfo=BANGKOK)
        past.site_visits_end_on = dt.date(2020, 8, 31)
        past.national_decision_on = dt.date(2020, 10, 30)
        past.packets_due_on = dt.date(2020, 11, 20)
        past.asean_handover_on = dt.date(2020, 11, 30)
        past.asean_selection_on = dt.date(2021, 3, 19)
        past.asean_endorsement_on = dt.date(2021, 6, 25)
        past.asean_ceremony_on = dt.date(2021, 9, 21)
        past.phase = CyclePhase.ARCHIVED
        past.save()
    if not AwardCycle.objects.filter(code=CURRENT_CYCLE_CODE).exists():
        current = create_cycle(
            code=CURRENT_CYCLE_CODE,
            name_th="รางวัลอาเซียนด้านสิ่งแวดล้อมเมืองที่ยั่งยืน ครั้งที่ 7 และเกียรติบัตรแห่งการรับรอง ครั้งที่ 6 (ตัวอย่าง)",
            name_en="7th ASEAN ESC Award and 6th Certificates of Recognition (demo)",
            esc_award_edition=7,
            certificate_edition=6,
            reference_year=2025,
            framework=current_framework,
            responsible_agency_th="กรมการเปลี่ยนแปลงสภาพภูมิอากาศและสิ่งแวดล้อม (สส.)",
            responsible_agency_en="Department of Climate Change and Environment (DCCE)",
        )
        current.call_opens_on = dt.date(2026, 11, 2)
        current.submission_deadline = dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK)
        current.desk_review_ends_on = dt.date(2027, 4, 30)
        current.site_visits_end_on = dt.date(2027, 6, 30)
        current.committee_ranking_on = dt.date(2027, 7, 15)
        current.national_decision_on = dt.date(2027, 7, 31)
        current.packets_due_on = dt.date(2027, 8, 31)
        current.asean_handover_on = dt.date(2027, 9, 15)
        current.asean_selection_on = dt.date(2027, 11, 30)
        current.asean_endorsement_on = dt.date(2028, 2, 28)
        current.asean_ceremony_on = dt.date(2028, 5, 31)
        current.phase = CyclePhase.CALL_OPEN
        # Two reviewers score the rubric indicators; one of them is stricter: their points are evened out.
        current.normalise_reviewers = True
        current.save()
    for version in (framework, current_framework):
        if version.frozen_at is None:
            version.frozen_at = dt.datetime.now(tz=BANGKOK)
            version.save(update_fields=["frozen_at"])
    stdout.write(
        "Frameworks esc-2021 and esc-2024 loaded; cycles esc-2021 (archived, 2021 framework) and esc-2027 (call open, "
        "2024 framework, reviewer normalisation on)."
    )
