"""Size classes and nomination quotas in a framework file's settings: parsing, checks, and the shipped files."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from indicators.rules import (
    DEFAULT_QUOTAS,
    DEFAULT_SIZE_CLASSES,
    FrameworkError,
    QuotaSpec,
    SizeClassSpec,
    is_source,
    parse_framework,
    size_class_problems,
)

pytestmark = pytest.mark.unit

FRAMEWORKS = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"
ASEAN_2011 = "http://environment.asean.org/recipients-of-asean-esc-award-2011/"
INDONESIA_MANDIRI = "https://www.indonesiamandiri.web.id/2021/10/tiga-kota-indonesia-masuk-kota-ramah.html"
SMALL = {
    "code": "small",
    "name_th": "เมืองขนาดเล็ก",
    "name_en": "Small city",
    "min_population": 20000,
    "max_population": 750000,
    "source": ASEAN_2011,
}
BIG = {**SMALL, "code": "big", "name_th": "เมืองขนาดใหญ่", "name_en": "Big city", "min_population": 750000}
BIG["max_population"] = 1500000
QUOTAS = {"esc_award": 1, "certificates_total": 6, "per_category_and_size": 1, "source": INDONESIA_MANDIRI}


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


def shipped(name: str) -> dict[str, Any]:
    return yaml.safe_load((FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8"))


def with_settings(**settings: Any) -> str:
    """The 2021 file (three categories) with its size classes and quotas replaced; None removes a key."""
    data = shipped("esc-2021")
    for key, value in settings.items():
        if value is None:
            data["settings"].pop(key, None)
        else:
            data["settings"][key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def errors_of(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as excinfo:
        parse_framework(text)
    return excinfo.value.errors


# ---------------------------------------------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------------------------------------------


def test_2021_file_states_asean_bands_and_the_2021_quotas_with_their_sources():
    settings = parse_framework((FRAMEWORKS / "esc-2021.yaml").read_text(encoding="utf-8")).settings

    assert settings.size_classes == (
        SizeClassSpec("small", "เมืองขนาดเล็ก", "Small city", 20_000, 750_000, ASEAN_2011),
        SizeClassSpec("big", "เมืองขนาดใหญ่", "Big city", 750_000, 1_500_000, ASEAN_2011),
    )
    assert settings.quotas == QuotaSpec(1, 6, 1, INDONESIA_MANDIRI)


def test_2024_file_proposes_ten_certificate_nominees_for_five_categories():
    spec = parse_framework((FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8"))

    assert spec.settings.quotas == QuotaSpec(1, 10, 1, "proposed")
    assert [area.code for area in spec.areas if area.kind == "category"] == ["CA", "CW", "CL", "UB", "CE"]
    assert spec.settings.size_classes == DEFAULT_SIZE_CLASSES


def test_2024_file_cites_the_five_categories_beside_its_proposed_quotas():
    text = (FRAMEWORKS / "esc-2024.yaml").read_text(encoding="utf-8")

    assert "https://thesun.my/malaysia-news/asean-honours-green-cities-at-6th-esc-awards-and-5th-cor-ceremony" in text


def test_defaults_are_the_sourced_2011_bands_and_2021_quotas():
    assert [(size.code, size.min_population, size.max_population, size.source) for size in DEFAULT_SIZE_CLASSES] == [
        ("small", 20_000, 750_000, ASEAN_2011),
        ("big", 750_000, 1_500_000, ASEAN_2011),
    ]
    assert QuotaSpec(1, 6, 1, INDONESIA_MANDIRI) == DEFAULT_QUOTAS


# ---------------------------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------------------------


def test_a_file_without_size_classes_or_quotas_still_parses():
    settings = parse_framework(with_settings(size_classes=None, quotas=None)).settings

    assert (settings.size_classes, settings.quotas) == ((), None)


def test_an_open_ended_last_size_class_and_a_proposed_source_are_accepted():
    big = {**BIG, "max_population": None, "source": "proposed"}

    settings = parse_framework(with_settings(size_classes=[SMALL, big])).settings

    assert settings.size_classes[-1] == SizeClassSpec("big", "เมืองขนาดใหญ่", "Big city", 750_000, None, "proposed")


@pytest.mark.parametrize(
    ("size_classes", "message"),
    [
        (
            [SMALL, {**BIG, "min_population": 700000}],
            "settings.size_classes: size classes “small” and “big” overlap: “big” starts at 700000, "
            "before “small” ends at 750000",
        ),
        (
            [BIG, SMALL],
            "settings.size_classes: list the size classes from the smallest population up (“small” before “big”)",
        ),
        (
            [{**SMALL, "max_population": 20000}, BIG],
            "settings.size_classes: size class “small”: the maximum population 20000 must be above the minimum 20000",
        ),
        (
            [{**SMALL, "max_population": None}, BIG],
            "settings.size_classes: only the last size class may have no maximum population (“small” has none)",
        ),
        (
            [SMALL, {**BIG, "code": "small"}],
            "settings.size_classes: size class code “small” is used twice",
        ),
        (
            [SMALL, {**BIG, "source": "ASEAN website"}],
            "settings.size_classes, size class 2: source must be a web address or “proposed” (got “ASEAN website”)",
        ),
        (
            [SMALL, {**BIG, "code": "Big City"}],
            "settings.size_classes, size class 2: size class code “Big City” must be 1 to 20 lower-case letters, "
            "digits, - and _",
        ),
        (
            [SMALL, {**BIG, "min_population": -1}],
            "settings.size_classes, size class 2: “min_population” must be a whole number from 0 to 2000000000 "
            "(got “-1”)",
        ),
        (
            [SMALL, {key: value for key, value in BIG.items() if key != "source"}],
            "settings.size_classes, size class 2: missing required key “source”",
        ),
        (
            [SMALL, {**BIG, "populaton": 5}],
            "settings.size_classes, size class 2: unknown key “populaton”",
        ),
        ([], "settings.size_classes: must list at least one size class"),
        ([SMALL, "big"], "settings.size_classes, size class 2: must be a mapping of keys"),
    ],
)
def test_bad_size_classes_are_refused_with_the_reason(size_classes, message):
    assert errors_of(with_settings(size_classes=size_classes)) == [message]


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        (
            {**QUOTAS, "certificates_total": 7},
            "settings.quotas: 7 certificate nominees in all is more than the 6 that 3 categories × 2 size classes × "
            "1 per category and size class allow",
        ),
        ({**QUOTAS, "esc_award": -1}, "settings.quotas: “esc_award” must be a whole number from 0 to 1000 (got “-1”)"),
        (
            {**QUOTAS, "source": "ONEP letter"},
            "settings.quotas: source must be a web address or “proposed” (got “ONEP letter”)",
        ),
        (
            {key: value for key, value in QUOTAS.items() if key != "per_category_and_size"},
            "settings.quotas: missing required key “per_category_and_size”",
        ),
        ({**QUOTAS, "esc_awards": 1}, "settings.quotas: unknown key “esc_awards”"),
        ([1, 6, 1], "settings.quotas: must be a mapping of keys"),
    ],
)
def test_bad_quotas_are_refused_with_the_reason(quotas, message):
    assert errors_of(with_settings(quotas=quotas)) == [message]


def test_quotas_are_checked_against_the_files_own_size_classes():
    one_class = [{**SMALL, "max_population": None}]

    errors = errors_of(with_settings(size_classes=one_class, quotas={**QUOTAS, "certificates_total": 4}))

    assert errors == [
        "settings.quotas: 4 certificate nominees in all is more than the 3 that 3 categories × 1 size classes × "
        "1 per category and size class allow"
    ]


def test_quotas_without_size_classes_count_the_two_default_classes():
    settings = parse_framework(with_settings(size_classes=None, quotas=copy.deepcopy(QUOTAS))).settings

    assert settings.quotas == QuotaSpec(1, 6, 1, INDONESIA_MANDIRI)


# ---------------------------------------------------------------------------------------------------------------
# The shared checks the admin pages use too
# ---------------------------------------------------------------------------------------------------------------


def test_size_class_problems_allow_a_gap_between_bands():
    sizes = [
        SizeClassSpec("small", "เล็ก", "Small", 20_000, 100_000, "proposed"),
        SizeClassSpec("big", "ใหญ่", "Big", 750_000, None, "proposed"),
    ]

    assert size_class_problems(sizes, where="Size classes") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("proposed", True), ("https://example.go.th/a", True), ("http://x.y", True), ("Proposed", False), ("", False)],
)
def test_is_source(text, expected):
    assert is_source(text) is expected
