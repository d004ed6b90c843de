"""The benchmark cycle shared by the scoring and board benchmarks, built once per run.

A closed cycle on the 2024 framework with 2,500 submitted applications: every municipality on the ESC Award track
(2,474) and 26 on the certificate track (CA), each in the size class its population gives (as submitting an
application sets it), with a value for every one of the 42 indicators and the reviewers' points for every rubric
indicator (what the verified score reads); scored by a real whole-cycle run; tables analysed.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from applications.selectors import applicable_indicators, size_class_for
from benchmarks.harness import analyze
from indicators.enums import CyclePhase, Track
from indicators.models import Area, AwardCycle, FrameworkVersion, Indicator, SizeClass
from indicators.services import create_cycle, load_framework
from portal.enums import Role
from portal.models import Municipality, Province, User
from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.services import execute_run, request_cycle_rescore

APPLICATIONS = 2500
FRAMEWORK = Path(__file__).resolve().parents[1] / "indicators" / "frameworks" / "esc-2024.yaml"
ADMIN_EMAIL = "bench@example.go.th"


@dataclass(frozen=True, slots=True)
class RankingGroup:
    """A (track, category, size class) group of the board, as the board's `group` query names it."""

    track: str
    category: str
    size_class_id: int | None
    applications: int

    @property
    def key(self) -> str:
        return f"{self.track}|{self.category}|{self.size_class_id if self.size_class_id is not None else 'none'}"


@dataclass(frozen=True, slots=True)
class BenchCycle:
    cycle: AwardCycle
    framework: FrameworkVersion
    admin: User
    admin_password: str
    applications: int
    indicators: int
    largest_group: RankingGroup


@functools.cache
def bench_cycle() -> BenchCycle:
    """Build the cycle on first use; later calls in the same run get the same one."""
    load_municipalities(rows=read_municipality_rows())
    cycle = cycle_on_the_framework(
        "bench",
        "ทดสอบความเร็ว",
        "Bench",
        phase=CyclePhase.SUBMISSION_CLOSED,
        deadline=timezone.now() - dt.timedelta(days=1),
    )
    # Past its call, a cycle's framework is frozen (opening the call freezes it), as on a real server.
    FrameworkVersion.objects.filter(pk=cycle.framework_id).update(frozen_at=timezone.now())
    framework = FrameworkVersion.objects.get(pk=cycle.framework_id)
    password = secrets.token_urlsafe(16)
    admin = User.objects.create_user(ADMIN_EMAIL, password, full_name="Bench", role=Role.ADMIN)
    municipalities = list(Municipality.objects.order_by("code"))
    specs = [(m, Track.ESC_AWARD, "") for m in municipalities]
    specs += [(m, Track.CERTIFICATE, "CA") for m in municipalities[: APPLICATIONS - len(specs)]]
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=m,
            track=track,
            category_code=category,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            population=m.population,
            size_class=size_class_for(cycle, m.population),
            created_by=admin,
        )
        for m, track, category in specs[:APPLICATIONS]
    )
    rng = random.Random(42)  # noqa: S311 -- benchmark data
    indicators = list(framework.indicators.all())
    values, verified = [], []
    for application in applications:
        for indicator in indicators:
            if indicator.value_type == "rubric":
                values.append(IndicatorValue(application=application, indicator=indicator, level=rng.randint(0, 4)))
                verified.append(
                    VerifiedValue(application=application, indicator=indicator, points=Decimal(rng.randint(0, 4)))
                )
            elif indicator.value_type in ("number", "percent", "count"):
                high = float(indicator.max_value or 100)
                number = Decimal(
                    str(round(rng.uniform(0, min(high, 500)), 1 if indicator.value_type != "count" else 0))
                )
                values.append(IndicatorValue(application=application, indicator=indicator, number=number))
            else:
                raise ValueError(f"the benchmark has no value for {indicator.value_type} indicators")
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    VerifiedValue.objects.bulk_create(verified, batch_size=5000)
    analyze(Province, Municipality, User, AwardCycle, SizeClass, Area, Indicator)
    analyze(Application, IndicatorValue, VerifiedValue)
    execute_run(request_cycle_rescore(cycle=cycle, reason="bench").pk)
    analyze(ScoreRun, ApplicationScore)
    groups = Counter((a.track, a.category_code, a.size_class_id) for a in applications)
    (track, category, size_class_id), count = groups.most_common(1)[0]
    return BenchCycle(
        cycle=cycle,
        framework=framework,
        admin=admin,
        admin_password=password,
        applications=len(applications),
        indicators=len(indicators),
        largest_group=RankingGroup(track, category, size_class_id, count),
    )


def cycle_on_the_framework(code: str, name_th: str, name_en: str, *, phase: str, deadline: dt.datetime) -> AwardCycle:
    """A cycle on the 2024 framework, in `phase` with its submission deadline at `deadline`; with its size classes,
    so that size_class_for costs no query."""
    framework = load_framework(text=FRAMEWORK.read_text(encoding="utf-8")).framework
    cycle = create_cycle(
        code=code,
        name_th=name_th,
        name_en=name_en,
        esc_award_edition=7,
        certificate_edition=6,
        reference_year=2025,
        framework=framework,
    )
    cycle.phase, cycle.submission_deadline = phase, deadline
    cycle.save()
    return AwardCycle.objects.prefetch_related("size_classes").get(pk=cycle.pk)


def open_cycle(code: str, name_th: str, name_en: str) -> AwardCycle:
    """A cycle whose call is open for 30 more days."""
    return cycle_on_the_framework(
        code, name_th, name_en, phase=CyclePhase.CALL_OPEN, deadline=timezone.now() + dt.timedelta(days=30)
    )


def draft_applications(
    cycle: AwardCycle, municipalities: list[Municipality], creators: list[User]
) -> list[Application]:
    """A draft ESC Award application of each municipality in `cycle`, made by the creator beside it."""
    return Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=municipality,
            track=Track.ESC_AWARD,
            population=municipality.population,
            population_year=2024,
            households=municipality.households or 10_000,
            area_km2=municipality.area_km2 or Decimal("12.5"),
            size_class=size_class_for(cycle, municipality.population),
            created_by=creator,
        )
        for municipality, creator in zip(municipalities, creators, strict=True)
    )


def typed_codes(application: Application) -> list[str]:
    """Number indicators whose range holds every value the benchmarks type (5 to 94), so every answer is "saved"."""
    return [
        indicator.code
        for indicator in applicable_indicators(application)
        if indicator.value_type in ("number", "percent", "count")
        and (indicator.min_value is None or indicator.min_value <= 5)
        and (indicator.max_value is None or indicator.max_value >= 94)
    ]


def sample_value(application: Application, indicator: Indicator, rng: random.Random) -> IndicatorValue:
    """A plausible answered value of one indicator, within its range, as a municipality would submit it."""
    value = IndicatorValue(application=application, indicator=indicator, period="ปีงบประมาณ 2568", version=1)
    if indicator.value_type == "rubric":
        value.level, value.text = rng.randint(1, 4), "มีคำสั่งแต่งตั้งคณะทำงานและแผนปฏิบัติการประจำปี"
    elif indicator.value_type == "yes_no":
        value.flag = rng.random() > 0.3
    elif indicator.value_type == "text":
        value.text = "มีโครงการต่อเนื่องร่วมกับชุมชน"
    else:
        high = float(indicator.max_value or 100)
        places = 0 if indicator.value_type == "count" else 1
        value.number = Decimal(str(round(rng.uniform(0, min(high, 500)), places)))
    return value
