"""Demo applications in every state, on the current demo cycle, and Yala's application of the 2021 edition.

Values are plausible and deterministic (seeded by the municipality's code), within each indicator's range.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from applications.enums import ApplicationStatus, Channel
from applications.models import Application, IndicatorValue, StatusChange, ValueChange
from applications.selectors import applicable_indicators, size_class_for
from applications.selectors_submission import receipt_digest
from indicators.models import AwardCycle, Indicator
from portal.enums import Role
from portal.models import Municipality, User

# (municipality code, track, category, status, share of indicators answered)
CURRENT = (
    ("9599", "esc_award", "", ApplicationStatus.DRAFT, Decimal("0.6")),
    ("9098", "certificate", "CA", ApplicationStatus.SUBMITTED, Decimal("1")),
    ("8097", "certificate", "CW", ApplicationStatus.UNDER_REVIEW, Decimal("1")),
    ("8199", "certificate", "CL", ApplicationStatus.SHORTLISTED, Decimal("1")),
    ("1297", "esc_award", "", ApplicationStatus.NOMINATED, Decimal("1")),
    ("7798", "certificate", "CA", ApplicationStatus.SHORTLISTED, Decimal("1")),
    ("4099", "certificate", "CA", ApplicationStatus.NOT_SHORTLISTED, Decimal("0.9")),
    ("8399", "certificate", "CW", ApplicationStatus.SUBMITTED, Decimal("0.95")),
    ("5799", "esc_award", "", ApplicationStatus.UNDER_REVIEW, Decimal("1")),
    ("6599", "certificate", "CL", ApplicationStatus.SUBMITTED, Decimal("0.85")),
    ("6099", "certificate", "CW", ApplicationStatus.NOT_SHORTLISTED, Decimal("0.7")),
    ("4599", "certificate", "CL", ApplicationStatus.UNDER_REVIEW, Decimal("1")),
    ("5099", "certificate", "UB", ApplicationStatus.UNDER_REVIEW, Decimal("1")),
    ("3099", "certificate", "CE", ApplicationStatus.SUBMITTED, Decimal("1")),
    ("9099", "certificate", "CE", ApplicationStatus.SHORTLISTED, Decimal("1")),
    ("2199", "certificate", "CA", ApplicationStatus.UNDER_REVIEW, Decimal("1")),
)
# (application that ties, application it ties with, indicator the first leaves out): the first gets the second's
# values except that indicator, which the second answers with a value worth 0 points. Equal totals, and the second
# ranks ahead on completeness, the cycle's first tie-break (เทศบาลนครระยอง behind เทศบาลเมืองหัวหิน, Clean Air).
TIES = (("2199", "7798", "CA-01"),)
SUBMITTED_DAYS_AGO = 40
# The 2021 cycle's applications: its national nominees (ESC Award and two certificates; their decisions, published
# results and ASEAN outcomes come from reviews' demo) and Yala's, whose values prefill its 2027 application.
PREVIOUS = (
    ("9599", "esc_award", "", ApplicationStatus.NOT_SHORTLISTED, Decimal("1")),
    ("1297", "esc_award", "", ApplicationStatus.NOMINATED, Decimal("1")),
    ("8199", "certificate", "CL", ApplicationStatus.NOMINATED, Decimal("1")),
    ("7798", "certificate", "CA", ApplicationStatus.NOMINATED, Decimal("1")),
)
RUBRIC_NOTES = (
    "มีคำสั่งแต่งตั้งคณะทำงานและแผนปฏิบัติการประจำปี งบประมาณ 450,000 บาท",
    "ดำเนินการครอบคลุม 12 ชุมชนจาก 18 ชุมชน พร้อมรายงานผลรายไตรมาส",
    "ดำเนินการทั่วทั้งเขตเทศบาล มีหน่วยงานรับผิดชอบและตัวชี้วัดผลลัพธ์ต่อเนื่อง 3 ปี",
)


def _number(indicator: Indicator, rng: random.Random) -> Decimal:
    low = indicator.min_value if indicator.min_value is not None else Decimal(0)
    high = indicator.max_value if indicator.max_value is not None else Decimal(100)
    span = high - low
    # Most municipalities sit in the better part of the plausible range, not anywhere in it.
    share = Decimal(str(rng.betavariate(5, 2) if indicator.direction == "higher_better" else rng.betavariate(2, 5)))
    value = low + span * share * Decimal("0.6" if span > 200 else "1")
    return value.quantize(Decimal(1) if indicator.value_type == "count" else Decimal("0.1"))


def _fill(application: Application, share: Decimal, by: User, *, year: int) -> None:
    rng = random.Random(f"{application.municipality.code}-{application.cycle.code}")  # noqa: S311 -- demo data, not security
    indicators = list(applicable_indicators(application))
    answered = indicators[: int(len(indicators) * share)]
    rows = []
    for indicator in answered:
        row = IndicatorValue(
            application=application,
            indicator=indicator,
            period=f"ปีงบประมาณ {year + 543}",
            source="กองสาธารณสุขและสิ่งแวดล้อม",
            version=1,
            updated_by=by,
        )
        if indicator.value_type == "rubric":
            row.level = rng.randint(1, 4)
            row.text = RUBRIC_NOTES[min(row.level, 3) - 1]
        elif indicator.value_type == "yes_no":
            row.flag = rng.random() > 0.3
        elif indicator.value_type == "text":
            row.text = "มีโครงการต่อเนื่องร่วมกับชุมชน"
        else:
            row.number = _number(indicator, rng)
        rows.append(row)
    IndicatorValue.objects.bulk_create(rows)
    ValueChange.objects.bulk_create(
        ValueChange(
            application=application,
            indicator=row.indicator,
            field="number" if row.number is not None else "level" if row.level is not None else "text",
            new=row.display,
            channel=Channel.FORM,
            changed_by=by,
        )
        for row in rows
    )


def _create(cycle: AwardCycle, spec: tuple, admin: User) -> None:
    code, track, category, status, share = spec
    municipality = Municipality.objects.get(code=code)
    if Application.objects.filter(cycle=cycle, municipality=municipality, track=track, category_code=category).exists():
        return
    officer = municipality.officers.filter(role__in=[Role.EDITOR, Role.SIGNATORY]).first() or admin
    application = Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track=track,
        category_code=category,
        population=municipality.population,
        population_year=cycle.reference_year,
        households=municipality.households or int((municipality.population or 20000) / 2.6),
        area_km2=municipality.area_km2,
        size_class=size_class_for(cycle, municipality.population),
        created_by=officer,
        best_practice_th="เทศบาลดำเนินงานด้านสิ่งแวดล้อมร่วมกับชุมชนอย่างต่อเนื่อง" if status != ApplicationStatus.DRAFT else "",
    )
    _fill(application, share, officer, year=cycle.reference_year)
    if status == ApplicationStatus.DRAFT:
        return
    # Long enough ago for the demo reviews (reviews.demo) to fit their dated steps between submission and today.
    submitted_at = timezone.now() - dt.timedelta(days=SUBMITTED_DAYS_AGO)
    application.status, application.submitted_at, application.submitted_by = status, submitted_at, officer
    application.receipt_sha256 = receipt_digest(application)
    application.save()
    StatusChange.objects.create(
        application=application,
        from_status=ApplicationStatus.DRAFT,
        to_status=ApplicationStatus.SUBMITTED,
        changed_by=officer,
    )
    if status != ApplicationStatus.SUBMITTED:
        StatusChange.objects.create(
            application=application, from_status=ApplicationStatus.SUBMITTED, to_status=status, changed_by=admin
        )


def _tie(cycle: AwardCycle, *, twin: str, model: str, code: str) -> None:
    """Give `twin` the values of `model` but for `code`, which `model` answers at the bottom of its range (0 points)."""
    first = Application.objects.get(cycle=cycle, municipality__code=twin, category_code="CA")
    second = Application.objects.get(cycle=cycle, municipality__code=model, category_code="CA")
    indicator = Indicator.objects.get(framework_id=cycle.framework_id, code=code)
    if not IndicatorValue.objects.filter(application=first, indicator=indicator).exists():
        return  # tied already
    IndicatorValue.objects.filter(application=second, indicator=indicator).update(number=indicator.min_value or 0)
    IndicatorValue.objects.filter(application=first).delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            application=first,
            indicator_id=value.indicator_id,
            number=value.number,
            flag=value.flag,
            level=value.level,
            text=value.text,
            period=value.period,
            source=value.source,
            version=1,
        )
        for value in second.values.exclude(indicator=indicator)
    )
    for application in (first, second):
        application.receipt_sha256 = receipt_digest(application)
        application.save(update_fields=["receipt_sha256"])


@transaction.atomic
def seed(stdout: TextIO) -> None:
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    current = AwardCycle.objects.filter(code="esc-2027").first()
    previous = AwardCycle.objects.filter(code="esc-2021").first()
    if admin is None or current is None:
        return
    if previous is not None and current.previous_id is None:
        current.previous = previous
        current.save(update_fields=["previous"])
        for spec in PREVIOUS:
            _create(previous, spec, admin)
    for spec in CURRENT:
        _create(current, spec, admin)
    for twin, model, code in TIES:
        _tie(current, twin=twin, model=model, code=code)
    stdout.write(f"Applications: {Application.objects.count()} (every status), Yala's 2021 values for prefill.")
