import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from indicators.enums import CyclePhase
from indicators.models import AwardCycle, DeadlineExtension, FrameworkVersion, Indicator
from tests.conftest import CAST_ROLES
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = ZoneInfo("Asia/Bangkok")
DEADLINE = dt.datetime(2027, 2, 26, 16, 30, tzinfo=BANGKOK)


def admin_urls(cycle, indicator):
    return [
        ("get", reverse("indicators:cycle-list")),
        ("get", reverse("indicators:cycle-create")),
        ("get", reverse("indicators:cycle-detail", args=[cycle.code])),
        ("get", reverse("indicators:cycle-update", args=[cycle.code])),
        ("get", reverse("indicators:cycle-clone", args=[cycle.code])),
        ("post", reverse("indicators:cycle-phase", args=[cycle.code])),
        ("get", reverse("indicators:extension-create", args=[cycle.code])),
        ("post", reverse("indicators:framework-new-version", args=[cycle.code])),
        ("post", reverse("indicators:framework-adopt", args=[cycle.code, cycle.framework_id])),
        ("get", reverse("indicators:framework-detail", args=[cycle.framework_id])),
        ("get", reverse("indicators:indicator-update", args=[indicator.pk])),
    ]


EXPECTED_STATUS = {"anonymous": 302, "editor_a": 403, "editor_b": 403, "signatory_a": 403, "reviewer": 403}


@pytest.mark.parametrize("role", CAST_ROLES)
def test_only_admins_reach_the_cycle_administration(client, cast, role):
    cycle = make_cycle(submission_deadline=DEADLINE)
    indicator = cycle.framework.indicators.get(code="CA-01")
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)

    statuses = {url: getattr(client, method)(url).status_code for method, url in admin_urls(cycle, indicator)}

    if role == "admin":
        assert all(status in {200, 302} for status in statuses.values()), statuses
        assert FrameworkVersion.objects.count() == 2  # the admin's new-version POST went through
    else:
        assert set(statuses.values()) == {EXPECTED_STATUS[role]}
        assert FrameworkVersion.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client, cast):
    response = client.get(reverse("indicators:cycle-list"))

    assert response["Location"] == f"{reverse('login')}?next={reverse('indicators:cycle-list')}"


def test_an_unknown_cycle_is_404_for_an_admin(client, cast):
    client.force_login(cast.admin)

    assert client.get(reverse("indicators:cycle-detail", args=["nope"])).status_code == 404


def test_admin_creates_a_cycle_from_the_form(client, cast):
    framework = load_shipped_framework("esc-2024")
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:cycle-create"),
        {
            "code": "esc-2030",
            "name_th": "ครั้งที่ 8",
            "name_en": "8th",
            "esc_award_edition": 8,
            "certificate_edition": 7,
            "reference_year": 2028,
            "framework": framework.pk,
        },
    )

    assert response.status_code == 302
    cycle = AwardCycle.objects.get(code="esc-2030")
    assert (cycle.phase, cycle.framework, cycle.completeness_minimum) == (
        "draft",
        framework,
        framework.defaults and cycle.completeness_minimum,
    )
    assert cycle.size_classes.count() == 2


def test_admin_moves_the_cycle_to_the_next_phase(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE)
    client.force_login(cast.admin)

    response = client.post(reverse("indicators:cycle-phase", args=[cycle.code]), {"to_phase": "call_open"}, follow=True)

    assert AwardCycle.objects.get(pk=cycle.pk).phase == CyclePhase.CALL_OPEN
    assert [str(m) for m in response.context["messages"]] == ["รอบการประกวดอยู่ในขั้น “เปิดรับสมัคร” แล้ว"]


def test_an_illegal_phase_move_from_a_stale_page_shows_the_reason_in_thai(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE)
    client.force_login(cast.admin)

    response = client.post(reverse("indicators:cycle-phase", args=[cycle.code]), {"to_phase": "archived"}, follow=True)

    assert AwardCycle.objects.get(pk=cycle.pk).phase == CyclePhase.DRAFT
    assert [str(m) for m in response.context["messages"]] == [
        "รอบการประกวดที่อยู่ในขั้น “ร่าง” ไม่สามารถเปลี่ยนเป็น “เก็บถาวร” ได้ ขั้นถัดไปที่ทำได้: เปิดรับสมัคร"
    ]


def test_admin_grants_an_extension_by_municipality_code(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE)
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:extension-create", args=[cycle.code]),
        {
            "municipality": f"{cast.municipality_a.code} เทศบาลนครยะลา",
            "deadline": "2027-03-05T16:30",
            "reason": "อุทกภัย",
        },
    )

    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.municipality, extension.deadline) == (
        cast.municipality_a,
        dt.datetime(2027, 3, 5, 16, 30, tzinfo=BANGKOK),
    )


def test_an_extension_before_the_deadline_is_refused_with_a_thai_message(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE)
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:extension-create", args=[cycle.code]),
        {"municipality": cast.municipality_a.code, "deadline": "2027-01-05T16:30", "reason": "x"},
    )

    assert response.status_code == 200
    assert "วันสิ้นสุดที่ขยายต้องอยู่หลังกำหนดส่งของรอบการประกวด" in response.content.decode()
    assert DeadlineExtension.objects.count() == 0


def test_admin_edits_a_draft_indicator_rule_in_yaml(client, cast):
    cycle = make_cycle()
    indicator = cycle.framework.indicators.get(code="CA-02")
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {
            "weight": "1.5",
            "min_value": "0",
            "max_value": "366",
            "rule": (
                "type: thresholds\ndirection: lower_better\nlevels:\n- {max: 10, points: 4}\n- {max: null, points: 0}\n"
            ),
        },
    )

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.rule["levels"] == [{"max": "10", "points": 4}, {"max": None, "points": 0}]


def test_editing_a_frozen_indicator_is_refused_with_a_thai_message(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE)
    client.force_login(cast.admin)
    client.post(reverse("indicators:cycle-phase", args=[cycle.code]), {"to_phase": "call_open"})
    indicator = cycle.framework.indicators.get(code="CA-02")
    before = indicator.rule

    response = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {"weight": "2", "min_value": "0", "max_value": "366", "rule": "type: text\n"},
    )

    assert response.status_code == 200
    assert "ถูกตรึงแล้ว" in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).rule == before


def test_admin_clones_a_cycle_from_the_form(client, cast):
    cycle = make_cycle(phase=CyclePhase.ARCHIVED, call_opens_on=dt.date(2024, 3, 1), submission_deadline=DEADLINE)
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:cycle-clone", args=[cycle.code]),
        {
            "code": "esc-next",
            "name_th": "ถัดไป",
            "name_en": "Next",
            "reference_year": 2028,
            "call_opens_on": "2027-03-01",
        },
    )

    assert response.status_code == 302
    clone = AwardCycle.objects.get(code="esc-next")
    assert (clone.previous, clone.framework.version, clone.phase) == (cycle, 2, "draft")


def test_new_version_then_adopt_switches_the_cycle_framework(client, cast):
    cycle = make_cycle(submission_deadline=DEADLINE, phase=CyclePhase.CALL_OPEN)
    client.force_login(cast.admin)

    client.post(reverse("indicators:framework-new-version", args=[cycle.code]))
    new = FrameworkVersion.objects.get(version=2)
    page = client.get(reverse("indicators:framework-detail", args=[new.pk]), {"cycle": cycle.code})
    client.post(reverse("indicators:framework-adopt", args=[cycle.code, new.pk]))

    assert reverse("indicators:framework-adopt", args=[cycle.code, new.pk]) in page.content.decode()
    assert AwardCycle.objects.get(pk=cycle.pk).framework == new


@pytest.mark.parametrize("cycles", [1, 3])
def test_cycle_list_query_count_is_constant(client, cast, django_assert_num_queries, cycles):
    framework = load_shipped_framework()
    for number in range(cycles):
        make_cycle(code=f"c{number}", framework=framework)
    client.force_login(cast.admin)

    # session, user, cycles with their extension counts, the pending-registration badge in the admin's
    # navigation, and the session save (with its savepoint pair)
    with django_assert_num_queries(7):  # the header's unread notifications count is one of them
        response = client.get(reverse("indicators:cycle-list"))

    assert response.status_code == 200


def test_admin_edits_a_rule_with_below_and_the_yaml_editor_round_trips_it(client, cast):
    cycle = make_cycle()
    indicator = cycle.framework.indicators.get(code="CW-07")
    client.force_login(cast.admin)
    rule = (
        "type: thresholds\ndirection: lower_better\nlevels:\n"
        "- {below: 150, points: 4}\n- {max: 150, points: 3}\n- {max: 200, points: 2}\n- {max: null, points: 0}\n"
    )

    saved = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {"weight": "1", "min_value": "0", "max_value": "1000", "rule": rule},
    )
    form = client.get(reverse("indicators:indicator-update", args=[indicator.pk])).context["form"]
    resaved = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {"weight": "1", "min_value": "0", "max_value": "1000", "rule": form.initial["rule"]},
    )

    assert (saved.status_code, resaved.status_code) == (302, 302)
    indicator.refresh_from_db()
    assert indicator.rule["levels"] == [
        {"below": "150", "points": 4},
        {"max": "150", "points": 3},
        {"max": "200", "points": 2},
        {"max": None, "points": 0},
    ]
    assert [change.after["rule"] for change in indicator.changes.all()] == [indicator.rule, indicator.rule]


def test_admin_rule_edit_mixing_below_and_min_is_refused_with_the_reason(client, cast):
    cycle = make_cycle()
    indicator = cycle.framework.indicators.get(code="CW-07")
    before = indicator.rule
    client.force_login(cast.admin)
    client.post(reverse("set-language"), {"language": "en"})
    rule = "type: thresholds\ndirection: lower_better\nlevels:\n- {below: 180, points: 4}\n- {min: 0, points: 0}\n"

    response = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {"weight": "1", "min_value": "0", "max_value": "1000", "rule": rule},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "CW-07: level 2 uses “min”; this rule needs “max” or “below” on every level"
    ]
    assert Indicator.objects.get(pk=indicator.pk).rule == before


def test_admin_rule_edit_mixing_below_and_min_is_refused_in_thai(client, cast):
    cycle = make_cycle()
    indicator = cycle.framework.indicators.get(code="CW-07")
    client.force_login(cast.admin)
    rule = "type: thresholds\ndirection: lower_better\nlevels:\n- {below: 180, points: 4}\n- {min: 0, points: 0}\n"

    response = client.post(
        reverse("indicators:indicator-update", args=[indicator.pk]),
        {"weight": "1", "min_value": "0", "max_value": "1000", "rule": rule},
    )

    assert response.context["form"].non_field_errors() == [
        "CW-07: ระดับที่ 2 ใช้ “min” แต่เกณฑ์นี้ต้องใช้ “max” หรือ “below” ในทุกระดับ"
    ]
