"""Cycle settings as data with their source: size classes and quotas from the framework, their audit trail, and
the signal that tells higher apps a score-affecting setting changed."""

import datetime as dt
import re

import pytest
from django.utils import translation

from indicators.services import clone_cycle, copy_framework, load_framework
from tests.factories.indicators import framework_text, load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ASEAN_2011 = "http://environment.asean.org/recipients-of-asean-esc-award-2011/"
INDONESIA_MANDIRI = "https://www.indonesiamandiri.web.id/2021/10/tiga-kota-indonesia-masuk-kota-ramah.html"


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def without_size_classes_and_quotas(text: str) -> str:
    """A framework file as written before size classes and quotas were part of the format."""
    return re.sub(r"\n  size_classes:.*?\n(?=defaults:)", "\n\n", text, flags=re.DOTALL).replace(
        "code: esc-2021", "code: esc-2019"
    )


def quotas(cycle):
    return (
        cycle.quota_esc_award,
        cycle.quota_certificates_total,
        cycle.quota_per_category_and_size,
        cycle.quota_source,
    )


def bands(cycle):
    return list(cycle.size_classes.values_list("code", "min_population", "max_population", "source"))


# ---------------------------------------------------------------------------------------------------------------
# Size classes and quotas start from the framework
# ---------------------------------------------------------------------------------------------------------------


def test_load_framework_stores_the_files_size_classes_and_quotas_with_the_other_settings():
    framework = load_shipped_framework("esc-2024")

    assert framework.defaults["quotas"] == {
        "esc_award": 1,
        "certificates_total": 10,
        "per_category_and_size": 1,
        "source": "proposed",
    }
    assert [size["code"] for size in framework.defaults["size_classes"]] == ["small", "big"]
    assert framework.defaults["size_classes"][0] == {
        "code": "small",
        "name_th": "เมืองขนาดเล็ก",
        "name_en": "Small city",
        "min_population": 20000,
        "max_population": 750000,
        "source": ASEAN_2011,
    }


def test_a_2024_cycle_gets_ten_certificate_slots_marked_as_proposed():
    cycle = make_cycle(framework=load_shipped_framework("esc-2024"))

    assert quotas(cycle) == (1, 10, 1, "proposed")
    assert bands(cycle) == [("small", 20000, 750000, ASEAN_2011), ("big", 750000, 1500000, ASEAN_2011)]


def test_a_2021_cycle_gets_the_sourced_2021_quotas():
    cycle = make_cycle(framework=load_shipped_framework("esc-2021"))

    assert quotas(cycle) == (1, 6, 1, INDONESIA_MANDIRI)


def test_a_cycle_on_a_file_without_size_classes_or_quotas_gets_the_defaults_with_their_sources():
    framework = load_framework(text=without_size_classes_and_quotas(framework_text("esc-2021"))).framework

    cycle = make_cycle(framework=framework)

    assert ("size_classes" in framework.defaults, "quotas" in framework.defaults) == (False, False)
    assert quotas(cycle) == (1, 6, 1, INDONESIA_MANDIRI)
    assert bands(cycle) == [("small", 20000, 750000, ASEAN_2011), ("big", 750000, 1500000, ASEAN_2011)]


def test_a_cycle_takes_the_bands_its_framework_states():
    text = framework_text("esc-2024").replace("max_population: 1500000", "max_population: null")
    framework = load_framework(text=text.replace("version: 1", "version: 5", 1)).framework

    cycle = make_cycle(framework=framework)

    assert bands(cycle)[-1] == ("big", 750000, None, ASEAN_2011)


def test_a_new_framework_version_keeps_the_size_classes_and_quotas():
    framework = load_shipped_framework("esc-2024")

    copy = copy_framework(framework=framework)

    assert (copy.defaults["quotas"], copy.defaults["size_classes"]) == (
        framework.defaults["quotas"],
        framework.defaults["size_classes"],
    )


def test_clone_cycle_copies_the_quota_source():
    source = make_cycle(framework=load_shipped_framework("esc-2024"), call_opens_on=dt.date(2024, 3, 1))

    clone = clone_cycle(
        source=source,
        code="esc-2027",
        name_th="ครั้งที่ 7",
        name_en="7th",
        reference_year=2025,
        call_opens_on=dt.date(2027, 3, 1),
    )

    assert quotas(clone) == (1, 10, 1, "proposed")
