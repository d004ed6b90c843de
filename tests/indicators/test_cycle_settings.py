"""Cycle settings as data with their source: size classes and quotas from the framework, their audit trail, and
the signal that tells higher apps a score-affecting setting changed."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from applications.services import start_application
from indicators.enums import CyclePhase
from indicators.models import AwardCycle, CycleSettingsChange
from indicators.rules import DEFAULT_SIZE_CLASSES, SizeClassSpec
from indicators.services import (
    CYCLE_SETTINGS,
    SizeClassEdit,
    adopt_framework,
    clone_cycle,
    copy_framework,
    load_framework,
    update_cycle_settings,
    update_size_classes,
)
from indicators.signals import SCORE_SETTINGS, cycle_settings_changed
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


# ---------------------------------------------------------------------------------------------------------------
# update_cycle_settings: the change, its record and its signal
# ---------------------------------------------------------------------------------------------------------------

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def signalled():
    """Every cycle_settings_changed sent during the test: its kwargs, and whether the change was saved by then."""
    received = []

    def receiver(sender, cycle_id, fields, by_id, **kwargs):
        cycle = AwardCycle.objects.get(pk=cycle_id)
        received.append({"cycle_id": cycle_id, "fields": fields, "by_id": by_id, "max_points": cycle.max_points})

    cycle_settings_changed.connect(receiver, dispatch_uid="test-receiver")
    yield received
    cycle_settings_changed.disconnect(dispatch_uid="test-receiver")


def test_update_cycle_settings_records_exactly_the_changed_fields_before_and_after(cast):
    cycle = make_cycle()

    update_cycle_settings(
        cycle=cycle,
        changes={
            "name_en": "Test cycle",  # unchanged
            "completeness_minimum": Decimal("0.75"),
            "max_points": 5,
            "call_opens_on": dt.date(2026, 11, 2),
            "submission_deadline": dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK),
            "quota_source": "proposed",
        },
        by=cast.admin,
        reason="มติคณะกรรมการ ครั้งที่ 1/2569",
    )

    change = CycleSettingsChange.objects.get()
    assert (change.cycle, change.changed_by, change.reason) == (cycle, cast.admin, "มติคณะกรรมการ ครั้งที่ 1/2569")
    assert change.fields == [
        "call_opens_on",
        "submission_deadline",
        "max_points",
        "completeness_minimum",
        "quota_source",
    ]
    assert change.before == {
        "call_opens_on": None,
        "submission_deadline": None,
        "max_points": 4,
        "completeness_minimum": "0.8",
        "quota_source": INDONESIA_MANDIRI,
    }
    assert change.after == {
        "call_opens_on": "2026-11-02",
        "submission_deadline": "2027-02-26T16:30:00+07:00",
        "max_points": 5,
        "completeness_minimum": "0.75",
        "quota_source": "proposed",
    }
    cycle.refresh_from_db()
    assert (cycle.max_points, cycle.completeness_minimum, cycle.quota_source) == (5, Decimal("0.75"), "proposed")


def test_update_cycle_settings_records_nothing_when_nothing_changed(cast, signalled):
    cycle = make_cycle()

    update_cycle_settings(
        cycle=cycle,
        changes={
            "completeness_minimum": Decimal("0.800"),
            "max_points": 4,
            "tiers": cycle.tiers,
            "name_th": "รอบทดสอบ",
        },
        by=cast.admin,
    )

    assert (CycleSettingsChange.objects.count(), signalled) == (0, [])


def test_update_cycle_settings_signals_once_inside_the_transaction_for_score_settings(cast, signalled):
    cycle = make_cycle()

    update_cycle_settings(
        cycle=cycle, changes={"max_points": 5, "normalise_reviewers": True, "name_en": "Renamed"}, by=cast.admin
    )

    # The receiver ran before the service returned and already saw the new value.
    fields = ["name_en", "max_points", "normalise_reviewers"]
    assert signalled == [{"cycle_id": cycle.pk, "fields": fields, "by_id": cast.admin.pk, "max_points": 5}]


@pytest.mark.parametrize(
    "changes",
    [
        {"name_en": "Renamed"},
        {"quota_esc_award": 2},
        {"call_opens_on": dt.date(2026, 11, 2)},
        {"responsible_agency_en": "DCCE", "quota_source": "proposed"},
    ],
)
def test_update_cycle_settings_does_not_signal_changes_that_leave_scores_alone(cast, signalled, changes):
    cycle = make_cycle()

    update_cycle_settings(cycle=cycle, changes=changes, by=cast.admin)

    assert (CycleSettingsChange.objects.count(), signalled) == (1, [])


@pytest.mark.parametrize("field", SCORE_SETTINGS[:-1])
def test_every_score_setting_but_size_classes_is_a_cycle_setting(field):
    assert field in CYCLE_SETTINGS


def test_a_failing_receiver_rolls_the_settings_change_back(cast, django_capture_on_commit_callbacks):
    cycle = make_cycle()

    def failing(**kwargs):
        raise RuntimeError("receiver failed")

    cycle_settings_changed.connect(failing, dispatch_uid="failing")
    try:
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
            update_cycle_settings(cycle=cycle, changes={"max_points": 5}, by=cast.admin)
    finally:
        cycle_settings_changed.disconnect(dispatch_uid="failing")

    assert AwardCycle.objects.get(pk=cycle.pk).max_points == 4
    assert (CycleSettingsChange.objects.count(), callbacks) == (0, [])


def test_update_cycle_settings_validates_the_whole_cycle_and_changes_nothing_when_invalid(cast):
    cycle = make_cycle()

    with pytest.raises(ValidationError) as excinfo:
        update_cycle_settings(cycle=cycle, changes={"max_points": 3, "reference_year": -1}, by=cast.admin)

    assert list(excinfo.value.message_dict) == ["reference_year"]
    assert (AwardCycle.objects.get(pk=cycle.pk).max_points, CycleSettingsChange.objects.count()) == (4, 0)


def test_update_cycle_settings_refuses_more_certificate_nominees_than_categories_and_size_classes_allow(cast):
    cycle = make_cycle(framework=load_shipped_framework("esc-2024"))

    with pytest.raises(ValidationError) as excinfo:
        update_cycle_settings(cycle=cycle, changes={"quota_certificates_total": 11}, by=cast.admin)
    update_cycle_settings(cycle=cycle, changes={"quota_certificates_total": 9}, by=cast.admin)

    assert excinfo.value.message_dict == {
        "quota_certificates_total": [
            "Quotas: 11 certificate nominees in all is more than the 10 that 5 categories × 2 size classes × 1 per "
            "category and size class allow"
        ]
    }
    assert AwardCycle.objects.get(pk=cycle.pk).quota_certificates_total == 9


def test_update_cycle_settings_refuses_a_field_that_is_not_a_setting(cast):
    cycle = make_cycle()

    with pytest.raises(ValueError, match="Not cycle settings: framework, phase"):
        update_cycle_settings(cycle=cycle, changes={"phase": "archived", "framework": None}, by=cast.admin)


def test_a_settings_change_is_never_edited(cast):
    cycle = make_cycle()
    update_cycle_settings(cycle=cycle, changes={"max_points": 5}, by=cast.admin)
    change = CycleSettingsChange.objects.get()
    change.reason = "later"

    with pytest.raises(ValueError, match="never edited"):
        change.save()


# ---------------------------------------------------------------------------------------------------------------
# update_size_classes
# ---------------------------------------------------------------------------------------------------------------


def edits(cycle, **changed):
    """The cycle's bands as SizeClassEdits, with some replaced: code → SizeClassSpec, or None to leave it out."""
    result = []
    for size in cycle.size_classes.all():
        band = SizeClassSpec(
            size.code, size.name_th, size.name_en, size.min_population, size.max_population, size.source
        )
        if size.code in changed and changed[size.code] is None:
            continue
        result.append(SizeClassEdit(size.pk, changed.get(size.code, band)))
    return result


def test_update_size_classes_changes_a_band_records_it_and_signals_size_classes(cast, signalled):
    cycle = make_cycle()
    big = SizeClassSpec("big", "เมืองขนาดใหญ่", "Big city", 750_000, None, "proposed")

    update_size_classes(cycle=cycle, bands=edits(cycle, big=big), by=cast.admin, reason="ไม่จำกัดประชากรสูงสุด")

    assert bands(cycle) == [("small", 20000, 750000, ASEAN_2011), ("big", 750000, None, "proposed")]
    change = CycleSettingsChange.objects.get()
    assert (change.fields, change.reason) == (["size_classes"], "ไม่จำกัดประชากรสูงสุด")
    assert [band["max_population"] for band in change.before["size_classes"]] == [750000, 1500000]
    assert change.after["size_classes"][1] == {
        "code": "big",
        "name_th": "เมืองขนาดใหญ่",
        "name_en": "Big city",
        "min_population": 750000,
        "max_population": None,
        "source": "proposed",
    }
    assert signalled == [{"cycle_id": cycle.pk, "fields": ["size_classes"], "by_id": cast.admin.pk, "max_points": 4}]


def test_update_size_classes_keeps_the_rows_so_applications_keep_pointing_at_them(cast):
    cycle = make_cycle()
    small = cycle.size_classes.get(code="small")

    update_size_classes(
        cycle=cycle,
        bands=edits(cycle, small=SizeClassSpec("small", "เล็ก", "Small", 10_000, 750_000, "proposed")),
        by=cast.admin,
    )

    assert cycle.size_classes.get(code="small").pk == small.pk


def test_update_size_classes_adds_removes_and_swaps_codes(cast):
    cycle = make_cycle()
    small, big = cycle.size_classes.all()
    medium = SizeClassSpec("medium", "เมืองขนาดกลาง", "Medium city", 100_000, 750_000, "proposed")

    update_size_classes(
        cycle=cycle,
        bands=[
            SizeClassEdit(small.pk, SizeClassSpec("a", "ก", "A", 20_000, 100_000, "proposed")),
            SizeClassEdit(None, medium),
        ],
        by=cast.admin,
    )
    first = cycle.size_classes.get(code="a")
    second = cycle.size_classes.get(code="medium")
    update_size_classes(
        cycle=cycle,
        bands=[
            SizeClassEdit(first.pk, SizeClassSpec("medium", "ก", "A", 20_000, 100_000, "proposed")),
            SizeClassEdit(second.pk, SizeClassSpec("a", "ข", "B", 100_000, 750_000, "proposed")),
        ],
        by=cast.admin,
    )

    assert list(cycle.size_classes.values_list("pk", "code", "min_population")) == [
        (first.pk, "medium", 20000),
        (second.pk, "a", 100000),
    ]
    assert not cycle.size_classes.filter(pk=big.pk).exists()
    assert CycleSettingsChange.objects.count() == 2


def test_update_size_classes_records_nothing_when_the_bands_are_unchanged(cast, signalled):
    cycle = make_cycle()

    update_size_classes(cycle=cycle, bands=edits(cycle), by=cast.admin)

    assert (CycleSettingsChange.objects.count(), signalled) == (0, [])


@pytest.mark.parametrize(
    ("changed", "messages"),
    [
        (
            {"big": SizeClassSpec("big", "ใหญ่", "Big", 700_000, None, ASEAN_2011)},
            [
                "Size classes: size classes “small” and “big” overlap: “big” starts at 700000, before “small” ends "
                "at 750000"
            ],
        ),
        (
            {"big": SizeClassSpec("small", "ใหญ่", "Big", 750_000, None, ASEAN_2011)},
            ["Size classes: size class code “small” is used twice"],
        ),
        (
            {"big": SizeClassSpec("big", "ใหญ่", "Big", 750_000, None, "ASEAN")},
            ["Size classes: the source of “big” must be a web address or “proposed”"],
        ),
        ({"big": None, "small": None}, ["Size classes: a cycle needs at least one size class"]),
    ],
)
def test_update_size_classes_refuses_bad_bands_and_changes_nothing(cast, changed, messages):
    cycle = make_cycle()
    before = bands(cycle)

    with pytest.raises(ValidationError) as excinfo:
        update_size_classes(cycle=cycle, bands=edits(cycle, **changed), by=cast.admin)

    assert excinfo.value.messages == messages
    assert (bands(cycle), CycleSettingsChange.objects.count()) == (before, 0)


def test_update_size_classes_refuses_a_size_class_of_another_cycle(cast):
    cycle, other = make_cycle(), make_cycle(code="other")
    stranger = other.size_classes.get(code="big")

    with pytest.raises(ValidationError) as excinfo:
        update_size_classes(
            cycle=cycle,
            bands=[*edits(cycle, big=None), SizeClassEdit(stranger.pk, DEFAULT_SIZE_CLASSES[1])],
            by=cast.admin,
        )

    assert excinfo.value.messages == ["Size classes: a size class you changed no longer exists; reload the page"]
    assert other.size_classes.get(pk=stranger.pk).code == "big"


def test_update_size_classes_refuses_fewer_bands_than_the_quotas_need(cast):
    cycle = make_cycle(framework=load_shipped_framework("esc-2024"))

    with pytest.raises(ValidationError) as excinfo:
        update_size_classes(cycle=cycle, bands=edits(cycle, big=None), by=cast.admin)

    assert excinfo.value.messages == [
        "Quotas: 10 certificate nominees in all is more than the 5 that 5 categories × 1 size classes × 1 per "
        "category and size class allow"
    ]


def test_a_size_class_applications_belong_to_cannot_be_removed(cast):
    cycle = make_cycle(
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + dt.timedelta(days=30),
        quota_certificates_total=3,  # one size class left: 3 categories × 1 × 1
    )
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    assert application.size_class.code == "small"

    with pytest.raises(ValidationError) as excinfo:
        update_size_classes(cycle=cycle, bands=edits(cycle, small=None), by=cast.admin)

    assert excinfo.value.messages == [
        "Size class “small” cannot be removed: 1 application(s) belong to it. Change its band instead; once no "
        "application belongs to it, it can be removed."
    ]
    assert (bands(cycle)[0][0], CycleSettingsChange.objects.count()) == ("small", 0)


def test_an_unused_size_class_is_removed(cast):
    cycle = make_cycle(quota_certificates_total=3)

    update_size_classes(cycle=cycle, bands=edits(cycle, big=None), by=cast.admin)

    assert [code for code, *_ in bands(cycle)] == ["small"]


# ---------------------------------------------------------------------------------------------------------------
# adopt_framework is recorded too
# ---------------------------------------------------------------------------------------------------------------


def test_adopting_a_framework_version_is_recorded_with_who_and_why(cast, signalled):
    cycle = make_cycle()
    version_2 = copy_framework(framework=cycle.framework)

    adopt_framework(cycle=cycle, framework=version_2, by=cast.admin, reason="แก้เกณฑ์ CW-07")

    change = CycleSettingsChange.objects.get()
    assert (change.fields, change.before, change.after, change.changed_by, change.reason) == (
        ["framework"],
        {"framework": "esc-2021 v1"},
        {"framework": "esc-2021 v2"},
        cast.admin,
        "แก้เกณฑ์ CW-07",
    )
    assert signalled == []  # framework_adopted (after commit) tells scoring


def test_adopting_the_version_in_use_changes_and_records_nothing(cast, django_capture_on_commit_callbacks):
    cycle = make_cycle()

    with django_capture_on_commit_callbacks() as callbacks:
        adopt_framework(cycle=cycle, framework=cycle.framework, by=cast.admin)

    assert (CycleSettingsChange.objects.count(), callbacks) == (0, [])
