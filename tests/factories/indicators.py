"""Builders for cycles on the shipped frameworks (loaded once per test through the real loader)."""

from pathlib import Path

from indicators.enums import CyclePhase
from indicators.models import AwardCycle, FrameworkVersion
from indicators.services import create_cycle, load_framework

FRAMEWORKS = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"


def framework_text(name: str = "esc-2021") -> str:
    return (FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8")


def load_shipped_framework(name: str = "esc-2021") -> FrameworkVersion:
    return load_framework(text=framework_text(name)).framework


def make_cycle(
    *, code: str = "esc-test", framework: FrameworkVersion | None = None, phase: str = CyclePhase.DRAFT, **fields
) -> AwardCycle:
    cycle = create_cycle(
        code=code,
        name_th="รอบทดสอบ",
        name_en="Test cycle",
        esc_award_edition=7,
        certificate_edition=6,
        reference_year=2025,
        framework=framework or load_shipped_framework(),
    )
    for name, value in {"phase": phase, **fields}.items():
        setattr(cycle, name, value)
    cycle.save()
    return cycle
