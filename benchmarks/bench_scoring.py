"""Whole-cycle rescore of 2,500 applications × 42 indicators: the bulk run against naive per-object scoring.

Naive per-object path: for every application, each indicator's value read with its own query, the engine called,
and each score saved with its own INSERT and the previous one un-marked with its own UPDATE (a loop of ORM saves).
A second, kinder baseline reads each application's values with one query but still saves row by row.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from benchmarks.harness import Figure, best_of
from indicators.enums import CyclePhase
from indicators.services import create_cycle, load_framework
from portal.enums import Role
from portal.models import Municipality, User
from portal.municipality_data import read_municipality_rows
from portal.services import load_municipalities
from scoring import engine
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from scoring.selectors import engine_framework
from scoring.services import _score_row, execute_run, request_cycle_rescore

APPLICATIONS = 2500
FRAMEWORK = Path(__file__).resolve().parents[1] / "indicators" / "frameworks" / "esc-2024.yaml"


def _build():
    load_municipalities(rows=read_municipality_rows())
    framework = load_framework(text=FRAMEWORK.read_text(encoding="utf-8")).framework
    cycle = create_cycle(
        code="bench",
        name_th="ทดสอบ",
        name_en="Bench",
        esc_award_edition=7,
        certificate_edition=6,
        reference_year=2025,
        framework=framework,
    )
    cycle.phase, cycle.submission_deadline = CyclePhase.SUBMISSION_CLOSED, timezone.now() - dt.timedelta(days=1)
    cycle.save()
    admin = User.objects.create_user("bench@example.go.th", "x", full_name="Bench", role=Role.ADMIN)
    municipalities = list(Municipality.objects.order_by("code"))
    specs = [(m, "esc_award", "") for m in municipalities]
    specs += [(m, "certificate", "CA") for m in municipalities[: APPLICATIONS - len(specs)]]
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=m,
            track=track,
            category_code=category,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            population=m.population,
            created_by=admin,
        )
        for m, track, category in specs[:APPLICATIONS]
    )
    rng = random.Random(42)  # noqa: S311 -- benchmark data
    indicators = list(framework.indicators.all())
    rows = []
    for application in applications:
        for indicator in indicators:
            if indicator.value_type == "rubric":
                rows.append(IndicatorValue(application=application, indicator=indicator, level=rng.randint(0, 4)))
            elif indicator.value_type in ("number", "percent", "count"):
                high = float(indicator.max_value or 100)
                number = Decimal(
                    str(round(rng.uniform(0, min(high, 500)), 1 if indicator.value_type != "count" else 0))
                )
                rows.append(IndicatorValue(application=application, indicator=indicator, number=number))
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    return cycle, framework, applications, indicators


def _naive(cycle, framework, applications, indicators, *, per_value: bool) -> None:
    run = ScoreRun.objects.create(cycle=cycle, framework=framework, scope="cycle", reason="naive")
    rules = engine_framework(framework, cycle)
    for application in applications:
        if per_value:
            values = {}
            for indicator in indicators:
                value = IndicatorValue.objects.filter(application=application, indicator=indicator).first()
                if value is not None:
                    values[indicator.code] = Decimal(value.level) if value.level is not None else value.number
        else:
            values = {
                code: Decimal(level) if level is not None else number
                for code, number, level in application.values.values_list("indicator__code", "number", "level")
            }
        for kind in (ScoreKind.SUBMITTED, ScoreKind.VERIFIED):
            result = engine.score_application(
                rules, values, track=application.track, category=application.category_code or None
            )
            ApplicationScore.objects.filter(application=application, kind=kind, is_current=True).update(
                is_current=False
            )
            _score_row(run, application.pk, kind, result).save()


def run() -> list[Figure]:
    cycle, framework, applications, indicators = _build()
    bulk = best_of(2, lambda: execute_run(request_cycle_rescore(cycle=cycle, reason="bench").pk))
    per_application = best_of(1, lambda: _naive(cycle, framework, applications, indicators, per_value=False))
    per_value = best_of(1, lambda: _naive(cycle, framework, applications, indicators, per_value=True))
    label = f"rescore {len(applications):,} applications × {len(indicators)} indicators"
    return [
        Figure(f"{label} (bulk run)", bulk, "naive per-object reads and saves", per_value, "≥ 20× faster"),
        Figure(f"{label} (bulk run)", bulk, "per-application read, per-row saves", per_application, "faster"),
    ]
