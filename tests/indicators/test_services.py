import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from indicators.enums import PHASE_TRANSITIONS, CyclePhase
from indicators.models import Area, AwardCycle, CyclePhaseChange, FrameworkVersion, Indicator, IndicatorChange
from indicators.selectors import deadline_for
from indicators.services import (
    adopt_framework,
    change_phase,
    clone_cycle,
    copy_framework,
    grant_extension,
    load_framework,
    update_indicator,
)
from indicators.signals import framework_adopted
from tests.factories.indicators import framework_text, load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English here; the view tests assert the Thai the user sees."""
    with translation.override("en"):
        yield


def test_load_framework_command_creates_every_area_and_indicator_and_says_so(capsys):
    call_command("load_framework", "indicators/frameworks/esc-2024.yaml")

    framework = FrameworkVersion.objects.get(code="esc-2024", version=1)
    assert list(framework.areas.values_list("code", flat=True)) == ["CA", "CW", "CL", "UB", "CE", "GOV"]
    assert framework.indicators.count() == 42
    assert capsys.readouterr().out == (
        "Created framework esc-2024 version 1: 6 areas, 42 indicators (CA 10, CW 9, CL 10, UB 4, CE 4, GOV 5).\n"
    )


def test_load_framework_twice_changes_nothing():
    first = load_framework(text=framework_text())

    second = load_framework(text=framework_text())

    assert (first.created, second.created) == (True, False)
    assert second.framework.pk == first.framework.pk
    assert Indicator.objects.count() == 34


def test_load_framework_refuses_changed_content_under_the_same_version():
    load_framework(text=framework_text())
    changed = framework_text().replace("name_en: Days with good air quality", "name_en: Good air days", 1)

    with pytest.raises(ValidationError) as error:
        load_framework(text=changed)

    assert error.value.messages == [
        "Framework esc-2021 version 1 is already loaded with different content. "
        "Give the changed file a new version number."
    ]


def test_load_framework_command_refuses_a_bad_file_naming_the_indicator_and_imports_nothing(tmp_path, capsys):
    bad = framework_text().replace("unit: days_per_year", "unit: days_per_fortnight", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_framework", str(path))

    assert str(error.value) == f"{path}: 1 problem(s); nothing was imported."
    assert "CA-02" in capsys.readouterr().err
    assert (FrameworkVersion.objects.count(), Area.objects.count(), Indicator.objects.count()) == (0, 0, 0)


def test_load_framework_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.yaml"
    path.write_text(framework_text().replace("weight: 1", "weight: 0", 1), encoding="utf-8")

    result = subprocess.run(  # noqa: S603 -- fixed command line
        [sys.executable, "manage.py", "load_framework", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 1
    assert "CA-01" in result.stderr
    assert "nothing was imported" in result.stderr


def test_opening_the_call_freezes_the_framework_and_logs_the_change(cast):
    cycle = make_cycle(submission_deadline=dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK))

    change_phase(cycle=cycle, to_phase=CyclePhase.CALL_OPEN, by=cast.admin, note="เปิดรับสมัคร")

    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.CALL_OPEN
    assert cycle.framework.is_frozen is True
    assert list(CyclePhaseChange.objects.values_list("from_phase", "to_phase", "changed_by", "note")) == [
        ("draft", "call_open", cast.admin.pk, "เปิดรับสมัคร")
    ]


def test_opening_the_call_needs_a_submission_deadline(cast):
    cycle = make_cycle()

    with pytest.raises(ValidationError) as error:
        change_phase(cycle=cycle, to_phase=CyclePhase.CALL_OPEN, by=cast.admin)

    assert error.value.messages == ["Set the submission deadline before opening the call."]
    assert AwardCycle.objects.get(pk=cycle.pk).phase == CyclePhase.DRAFT


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (CyclePhase.DRAFT, CyclePhase.DESK_REVIEW),
        (CyclePhase.CALL_OPEN, CyclePhase.ARCHIVED),
        (CyclePhase.DESK_REVIEW, CyclePhase.CALL_OPEN),
        (CyclePhase.ARCHIVED, CyclePhase.DRAFT),
        (CyclePhase.PACKETS_EXPORTED, CyclePhase.ARCHIVED),
        (CyclePhase.ASEAN_SELECTION, CyclePhase.ASEAN_HANDOVER),
    ],
)
def test_an_illegal_phase_transition_is_refused_with_a_clear_message(cast, current, target):
    cycle = make_cycle(phase=current)

    with pytest.raises(ValidationError) as error:
        change_phase(cycle=cycle, to_phase=target, by=cast.admin)

    assert error.value.code == "illegal_transition"
    assert AwardCycle.objects.get(pk=cycle.pk).phase == current
    assert CyclePhaseChange.objects.count() == 0


def test_every_allowed_transition_walks_a_cycle_from_draft_to_archived(cast):
    cycle = make_cycle(submission_deadline=dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK))
    path = [
        CyclePhase.CALL_OPEN,
        CyclePhase.SUBMISSION_CLOSED,
        CyclePhase.DESK_REVIEW,
        CyclePhase.SITE_VISITS,
        CyclePhase.COMMITTEE_RANKING,
        CyclePhase.NATIONAL_DECISION,
        CyclePhase.PACKETS_EXPORTED,
        CyclePhase.ASEAN_HANDOVER,
        CyclePhase.ASEAN_SELECTION,
        CyclePhase.ASEAN_ENDORSEMENT,
        CyclePhase.ASEAN_CEREMONY,
        CyclePhase.ARCHIVED,
    ]

    for phase in path:
        cycle = change_phase(cycle=cycle, to_phase=phase, by=cast.admin)

    assert cycle.phase == CyclePhase.ARCHIVED
    assert PHASE_TRANSITIONS[CyclePhase.ARCHIVED] == ()


def test_a_frozen_indicator_cannot_be_edited(cast):
    cycle = make_cycle(submission_deadline=dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK))
    change_phase(cycle=cycle, to_phase=CyclePhase.CALL_OPEN, by=cast.admin)
    indicator = cycle.framework.indicators.get(code="CA-01")

    with pytest.raises(ValidationError) as error:
        update_indicator(indicator=indicator, by=cast.admin, weight=Decimal(2), min_value=None, max_value=None, rule={})

    assert error.value.messages == [
        "Framework esc-2021 version 1 is frozen: a cycle using it has opened its call. "
        "Create a new version to change its rules."
    ]
    assert Indicator.objects.get(pk=indicator.pk).weight == Decimal(1)


def test_a_draft_indicator_edit_is_validated_like_the_loader_and_logged(cast):
    indicator = load_shipped_framework().indicators.get(code="CA-02")
    rule = {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [{"max": 0, "points": 4}, {"max": None, "points": 0}],
    }

    update_indicator(
        indicator=indicator, by=cast.admin, weight=Decimal(2), min_value=Decimal(0), max_value=Decimal(366), rule=rule
    )

    indicator.refresh_from_db()
    assert indicator.weight == Decimal(2)
    assert indicator.rule == {
        "type": "thresholds",
        "direction": "lower_better",
        "levels": [{"max": "0", "points": 4}, {"max": None, "points": 0}],
    }
    change = IndicatorChange.objects.get()
    assert (change.before["weight"], change.after["weight"]) == ("1.0000", "2")


def test_a_bad_draft_indicator_edit_lists_every_problem_and_changes_nothing(cast):
    indicator = load_shipped_framework().indicators.get(code="CA-02")
    original_rule = indicator.rule

    with pytest.raises(ValidationError) as error:
        update_indicator(
            indicator=indicator,
            by=cast.admin,
            weight=Decimal(0),
            min_value=Decimal(10),
            max_value=Decimal(5),
            rule={"type": "magic"},
        )

    assert error.value.messages[:2] == [
        "CA-02: the weight must be greater than 0",
        "CA-02: the plausible minimum is above the maximum",
    ]
    assert len(error.value.messages) == 3
    assert "magic" in error.value.messages[2]
    assert Indicator.objects.get(pk=indicator.pk).rule == original_rule


def test_copy_framework_makes_the_next_draft_version_with_every_indicator():
    framework = load_shipped_framework()
    framework.frozen_at = dt.datetime(2026, 11, 2, tzinfo=BANGKOK)
    framework.save()

    copy = copy_framework(framework=framework)

    assert (copy.code, copy.version, copy.is_frozen, copy.derived_from) == ("esc-2021", 2, False, framework)
    assert list(copy.indicators.values_list("code", "area__code", "rule")) == list(
        framework.indicators.values_list("code", "area__code", "rule")
    )
    assert copy.areas.count() == 4


def test_adopting_a_new_version_keeps_the_old_one_and_freezes_the_new_one_in_an_open_cycle(
    cast, django_capture_on_commit_callbacks
):
    cycle = make_cycle(submission_deadline=dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK))
    change_phase(cycle=cycle, to_phase=CyclePhase.CALL_OPEN, by=cast.admin)
    old = cycle.framework
    new = copy_framework(framework=old)
    received = []

    def receiver(**kwargs):
        received.append((kwargs["cycle_id"], kwargs["framework_id"]))

    framework_adopted.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            adopt_framework(cycle=cycle, framework=new, by=cast.admin)
    finally:
        framework_adopted.disconnect(receiver)

    cycle.refresh_from_db()
    new.refresh_from_db()
    assert cycle.framework == new
    assert new.is_frozen is True
    assert FrameworkVersion.objects.get(pk=old.pk).indicators.count() == 34
    assert received == [(cycle.pk, new.pk)]


def test_clone_cycle_copies_settings_shifts_dates_and_copies_the_framework_as_a_draft():
    source = make_cycle(
        code="esc-2024",
        phase=CyclePhase.ARCHIVED,
        call_opens_on=dt.date(2024, 3, 1),
        submission_deadline=dt.datetime(2024, 6, 28, 16, 30, tzinfo=BANGKOK),
        national_decision_on=dt.date(2024, 10, 31),
        asean_ceremony_on=dt.date(2024, 12, 5),
        results_published_at=dt.datetime(2024, 11, 1, 9, 0, tzinfo=BANGKOK),
        quota_certificates_total=10,
    )

    clone = clone_cycle(
        source=source,
        code="esc-2027",
        name_th="ครั้งที่ 7",
        name_en="7th",
        reference_year=2025,
        call_opens_on=dt.date(2027, 3, 1),
    )

    shift = dt.date(2027, 3, 1) - dt.date(2024, 3, 1)
    assert (clone.phase, clone.previous, clone.esc_award_edition, clone.certificate_edition) == ("draft", source, 8, 7)
    assert clone.submission_deadline == source.submission_deadline + shift
    assert clone.national_decision_on == dt.date(2024, 10, 31) + shift
    assert (clone.asean_ceremony_on, clone.asean_handover_on) == (dt.date(2024, 12, 5) + shift, None)
    assert clone.results_published_at is None
    assert clone.quota_certificates_total == 10
    assert (clone.framework.version, clone.framework.is_frozen) == (2, False)
    assert list(clone.size_classes.values_list("code", "min_population", "max_population")) == [
        ("small", 20000, 750000),
        ("big", 750000, 1500000),
    ]


def test_extension_gives_one_municipality_a_later_deadline(cast):
    deadline = dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK)
    cycle = make_cycle(submission_deadline=deadline)
    later = deadline + dt.timedelta(days=7)

    grant_extension(cycle=cycle, municipality=cast.municipality_a, deadline=later, reason="น้ำท่วม", by=cast.admin)

    assert deadline_for(cycle, cast.municipality_a) == later
    assert deadline_for(cycle, cast.municipality_b) == deadline


def test_extension_must_end_after_the_cycle_deadline(cast):
    deadline = dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK)
    cycle = make_cycle(submission_deadline=deadline)

    with pytest.raises(ValidationError) as error:
        grant_extension(cycle=cycle, municipality=cast.municipality_a, deadline=deadline, reason="x", by=cast.admin)

    assert error.value.message_dict == {"deadline": ["An extension must end after the cycle's submission deadline."]}
