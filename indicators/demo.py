"""Demo cycles: the archived 2021 edition and a current cycle open for submissions, both on the 2021 framework."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from indicators.services import create_cycle, load_framework

FRAMEWORKS = Path(__file__).resolve().parent / "frameworks"
BANGKOK = ZoneInfo("Asia/Bangkok")
CURRENT_CYCLE_CODE = "esc-2027"


def seed(stdout: TextIO) -> None:
    framework = load_framework(text=(FRAMEWORKS / "esc-2021.yaml").read_text(encoding="utf-8")).framework
    load_framework(text=(FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8"))
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
            framework=framework,
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
        current.phase = CyclePhase.CALL_OPEN
        current.save()
    if framework.frozen_at is None:
        framework.frozen_at = dt.datetime.now(tz=BANGKOK)
        framework.save(update_fields=["frozen_at"])
    stdout.write("Frameworks esc-2021 and esc-2024 loaded; cycles esc-2021 (archived) and esc-2027 (call open).")
