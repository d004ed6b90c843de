"""The cycle's settings page saves through update_cycle_settings; the size-class page edits the bands; the cycle page
shows the settings history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.services import start_application
from indicators.enums import CyclePhase
from indicators.models import AwardCycle, CycleSettingsChange
from indicators.services import update_cycle_settings
from tests.conftest import CAST_ROLES
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ASEAN_2011 = "http://environment.asean.org/recipients-of-asean-esc-award-2011/"


def settings_data(client, cycle, **changes):
    """The settings form as the page shows it, with some values changed: what a browser would post."""
    form = client.get(reverse("indicators:cycle-update", args=[cycle.code])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def size_class_data(rows, *, reason=""):
    """The size-class formset: rows as dicts of the form's fields (id for an existing band, DELETE to remove it)."""
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0", "reason": reason}
    for index, row in enumerate(rows):
        data.update({f"form-{index}-{key}": "" if value is None else value for key, value in row.items()})
    return data


def current_rows(cycle):
    return [
        {
            "id": size.pk,
            "code": size.code,
            "name_th": size.name_th,
            "name_en": size.name_en,
            "min_population": size.min_population,
            "max_population": size.max_population,
            "source": size.source,
        }
        for size in cycle.size_classes.all()
    ]


def in_english(client):
    client.post(reverse("set-language"), {"language": "en"})


# ---------------------------------------------------------------------------------------------------------------
# Settings page
# ---------------------------------------------------------------------------------------------------------------


def test_saving_the_settings_page_records_the_change_with_its_reason(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:cycle-update", args=[cycle.code]),
        settings_data(client, cycle, max_points="5", reason="มติคณะทำงาน"),
    )

    assert response.status_code == 302
    change = CycleSettingsChange.objects.get()
    assert (change.fields, change.before, change.after) == (["max_points"], {"max_points": 4}, {"max_points": 5})
    assert (change.changed_by, change.reason) == (cast.admin, "มติคณะทำงาน")


def test_saving_the_settings_page_unchanged_records_nothing(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)

    response = client.post(reverse("indicators:cycle-update", args=[cycle.code]), settings_data(client, cycle))

    assert response.status_code == 302
    assert CycleSettingsChange.objects.count() == 0


def test_the_settings_page_asks_for_an_optional_reason_and_the_quota_source(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)

    form = client.get(reverse("indicators:cycle-update", args=[cycle.code])).context["form"]

    assert (form.fields["reason"].required, form.fields["quota_source"].required) == (False, False)
    assert form["quota_source"].value() == cycle.quota_source


def test_a_quota_source_that_is_not_a_web_address_is_refused_in_thai(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)

    response = client.post(
        reverse("indicators:cycle-update", args=[cycle.code]),
        settings_data(client, cycle, quota_source="ASEAN letter"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "quota_source": ["โปรดระบุที่อยู่เว็บไซต์ (ขึ้นต้นด้วย http:// หรือ https://) หรือคำว่า “proposed”"]
    }
    assert CycleSettingsChange.objects.count() == 0


def test_too_many_certificate_nominees_are_refused_on_the_settings_page(client, cast):
    cycle = make_cycle(framework=load_shipped_framework("esc-2024"))
    client.force_login(cast.admin)
    in_english(client)

    response = client.post(
        reverse("indicators:cycle-update", args=[cycle.code]),
        settings_data(client, cycle, quota_certificates_total="12"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "quota_certificates_total": [
            "Quotas: 12 certificate nominees in all is more than the 10 that 5 categories × 2 size classes × 1 per "
            "category and size class allow"
        ]
    }
    assert AwardCycle.objects.get(pk=cycle.pk).quota_certificates_total == 10


# ---------------------------------------------------------------------------------------------------------------
# Settings history on the cycle page
# ---------------------------------------------------------------------------------------------------------------


def test_the_cycle_page_shows_the_settings_history_newest_first(client, cast):
    cycle = make_cycle()
    update_cycle_settings(cycle=cycle, changes={"max_points": 5}, by=cast.admin, reason="first")
    update_cycle_settings(
        cycle=cycle, changes={"call_opens_on": dt.date(2026, 11, 2), "normalise_reviewers": True}, by=cast.admin
    )
    client.force_login(cast.admin)
    in_english(client)

    history = client.get(reverse("indicators:cycle-detail", args=[cycle.code])).context["settings_history"]

    assert [(entry.changed_by, entry.reason) for entry in history] == [
        (cast.admin.full_name, ""),
        (cast.admin.full_name, "first"),
    ]
    assert [(change.label, change.before, change.after) for change in history[0].changes] == [
        ("Call opens", "—", "2 Nov 2026"),
        ("Normalise each reviewer's rubric points (z-score)", "off", "on"),
    ]
    assert [(change.label, change.before, change.after) for change in history[1].changes] == [
        ("Points of the top level", "4", "5")
    ]


def test_the_cycle_page_shows_dates_in_the_buddhist_era_in_thai(client, cast):
    cycle = make_cycle()
    update_cycle_settings(cycle=cycle, changes={"call_opens_on": dt.date(2026, 11, 2)}, by=cast.admin)
    client.force_login(cast.admin)

    history = client.get(reverse("indicators:cycle-detail", args=[cycle.code])).context["settings_history"]

    assert [(change.before, change.after) for change in history[0].changes] == [("—", "2 พ.ย. 2569")]


@pytest.mark.parametrize("changes", [1, 3])
def test_cycle_page_query_count_does_not_grow_with_the_settings_history(
    client, cast, django_assert_num_queries, changes
):
    cycle = make_cycle()
    for points in range(changes):
        update_cycle_settings(cycle=cycle, changes={"max_points": 5 + points}, by=cast.admin)
    client.force_login(cast.admin)

    with django_assert_num_queries(13):  # the header's unread notifications count is one of them
        response = client.get(reverse("indicators:cycle-detail", args=[cycle.code]))

    assert len(response.context["settings_history"]) == changes


# ---------------------------------------------------------------------------------------------------------------
# Size classes page
# ---------------------------------------------------------------------------------------------------------------


def test_the_size_class_page_lists_the_bands_with_their_sources(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)

    response = client.get(reverse("indicators:size-classes", args=[cycle.code]))

    forms = response.context["formset"].forms
    assert [(form["code"].value(), form["max_population"].value(), form["source"].value()) for form in forms] == [
        ("small", 750000, ASEAN_2011),
        ("big", 1500000, ASEAN_2011),
        (None, None, None),  # a blank row for a new band
    ]


def test_admin_changes_a_band_and_the_change_is_recorded(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)
    rows = current_rows(cycle)
    rows[1].update(max_population=None, source="proposed")

    response = client.post(
        reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows, reason="ไม่จำกัดประชากร")
    )

    assert response.status_code == 302
    assert list(cycle.size_classes.values_list("code", "max_population")) == [("small", 750000), ("big", None)]
    change = CycleSettingsChange.objects.get()
    assert (change.fields, change.reason) == (["size_classes"], "ไม่จำกัดประชากร")


def test_admin_adds_a_band_in_the_blank_row_and_deletes_another(client, cast):
    cycle = make_cycle(quota_certificates_total=6)
    client.force_login(cast.admin)
    rows = current_rows(cycle)
    rows[1]["DELETE"] = "on"
    rows.append(
        {"code": "large", "name_th": "ใหญ่มาก", "name_en": "Large", "min_population": 750000, "source": "proposed"}
    )

    response = client.post(reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows))

    assert response.status_code == 302
    assert list(cycle.size_classes.values_list("code", "max_population")) == [("small", 750000), ("large", None)]


def test_overlapping_bands_are_refused_in_the_users_language(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)
    in_english(client)
    rows = current_rows(cycle)
    rows[1]["min_population"] = 700000

    response = client.post(reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Size classes: size classes “small” and “big” overlap: “big” starts at 700000, before “small” ends at 750000"
    ]
    assert cycle.size_classes.get(code="big").min_population == 750000


def test_a_band_whose_maximum_is_not_above_its_minimum_is_refused_on_the_row_in_thai(client, cast):
    cycle = make_cycle()
    client.force_login(cast.admin)
    rows = current_rows(cycle)
    rows[0]["max_population"] = 20000

    response = client.post(reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows))

    assert response.status_code == 200
    assert response.context["formset"].errors[0] == {"max_population": ["จำนวนสูงสุดต้องมากกว่าจำนวนขั้นต่ำ"]}


def test_deleting_a_band_applications_belong_to_is_refused_with_the_reason(client, cast):
    cycle = make_cycle(
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + dt.timedelta(days=30),
        quota_certificates_total=3,
    )
    start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    client.force_login(cast.admin)
    in_english(client)
    rows = current_rows(cycle)
    rows[0]["DELETE"] = "on"

    response = client.post(reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows))

    assert response.status_code == 200
    assert response.context["errors"] == [
        "Size class “small” cannot be removed: 1 application(s) belong to it. Change its band instead; once no "
        "application belongs to it, it can be removed."
    ]
    assert cycle.size_classes.count() == 2


@pytest.mark.parametrize("role", CAST_ROLES)
def test_only_admins_may_change_size_classes(client, cast, role):
    cycle = make_cycle()
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)
    rows = current_rows(cycle)
    rows[1]["max_population"] = None

    response = client.post(reverse("indicators:size-classes", args=[cycle.code]), size_class_data(rows))

    expected = {"anonymous": 302, "admin": 302}.get(role, 403)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].split("?")[0] == reverse("login")
    changed = cycle.size_classes.get(code="big").max_population is None
    assert changed is (role == "admin")


@pytest.mark.parametrize("role", CAST_ROLES)
def test_only_admins_may_save_cycle_settings(client, cast, role):
    cycle = make_cycle()
    client.force_login(cast.admin)
    data = settings_data(client, cycle, max_points="5")  # what the admin's page would post
    client.logout()
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)

    response = client.post(reverse("indicators:cycle-update", args=[cycle.code]), data)

    assert response.status_code == {"anonymous": 302, "admin": 302}.get(role, 403)
    assert CycleSettingsChange.objects.count() == (1 if role == "admin" else 0)
