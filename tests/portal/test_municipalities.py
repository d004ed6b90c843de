import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from portal.enums import MunicipalityKind, Role
from portal.models import Municipality, Province
from portal.municipality_data import read_municipality_rows
from portal.selectors import municipalities_visible_to
from portal.services_municipalities import LoadReport, load_municipalities
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def load_command() -> str:
    out = io.StringIO()
    call_command("load_municipalities", stdout=out)
    return out.getvalue()


def test_load_municipalities_command_fills_an_empty_database():
    output = load_command()

    assert output == "Municipalities: 2474 created, 0 updated, 0 unchanged.\n"
    assert Municipality.objects.count() == 2474
    assert dict(Municipality.objects.values_list("kind").annotate(count=Count("pk"))) == {
        MunicipalityKind.CITY: 30,
        MunicipalityKind.TOWN: 195,
        MunicipalityKind.SUBDISTRICT: 2247,
        MunicipalityKind.BANGKOK: 1,
        MunicipalityKind.PATTAYA: 1,
    }
    assert Province.objects.count() == 77
    assert Municipality.objects.filter(population_is_estimate=True).count() == 947
    # A bulk load leaves planner statistics (a server without autovacuum would have none: reltuples -1).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('portal_municipality', 'portal_province')"
        )
        assert dict(cursor.fetchall()) == {"portal_municipality": 2474, "portal_province": 77}


def test_load_municipalities_command_keeps_names_and_provinces():
    load_command()

    yala = Municipality.objects.select_related("province").get(code="9599")

    assert (yala.kind, yala.name_th, yala.full_name_th, yala.name_en) == (
        MunicipalityKind.CITY,
        "ยะลา",
        "เทศบาลนครยะลา",
        "Yala",
    )
    assert (yala.province.name_th, yala.province.name_en) == ("ยะลา", "Yala")


def test_load_municipalities_command_twice_changes_nothing():
    load_command()

    output = load_command()

    assert output == "Municipalities: 0 created, 0 updated, 2474 unchanged.\n"
    assert (Municipality.objects.count(), Province.objects.count()) == (2474, 77)


def test_load_municipalities_command_restores_a_changed_row():
    load_command()
    Municipality.objects.filter(code="9599").update(name_en="Yala City (typo)", population=1)
    original = next(row for row in read_municipality_rows() if row.code == "9599")

    output = load_command()

    assert output == "Municipalities: 0 created, 1 updated, 2473 unchanged.\n"
    yala = Municipality.objects.get(code="9599")
    assert (yala.name_en, yala.population) == ("Yala", original.population)


def test_load_municipalities_query_count_is_constant_on_an_empty_database(django_assert_max_num_queries):
    rows = list(read_municipality_rows())

    # Whatever the number of rows: reads, bulk writes and the two tables' ANALYZE.
    with django_assert_max_num_queries(14):
        report = load_municipalities(rows=rows)

    assert report == LoadReport(created=2474, updated=0, unchanged=0)


def test_load_municipalities_query_count_is_constant_when_every_row_changes(django_assert_max_num_queries):
    rows = list(read_municipality_rows())
    load_municipalities(rows=rows)
    Municipality.objects.update(name_en="stale")

    with django_assert_max_num_queries(14):
        report = load_municipalities(rows=rows)

    assert report == LoadReport(created=0, updated=2474, unchanged=0)
    assert Municipality.objects.filter(name_en="stale").count() == 0


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", set()),
        ("editor_a", {"municipality_a"}),
        ("signatory_a", {"municipality_a"}),
        ("editor_b", {"municipality_b"}),
        ("reviewer", {"municipality_a", "municipality_b"}),
        ("admin", {"municipality_a", "municipality_b"}),
    ],
)
def test_municipalities_visible_to_each_role(cast, role, visible):
    user = cast.by_name(role) or AnonymousUser()

    result = municipalities_visible_to(user)

    assert set(result) == {getattr(cast, name) for name in visible}


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("reviewer", 200), ("editor_a", 403), ("signatory_a", 403)],
)
def test_municipality_list_is_for_admins_and_reviewers(client, cast, role, status):
    client.force_login(cast.by_name(role))

    response = client.get(reverse("portal:municipality-list"))

    assert response.status_code == status


def test_municipality_list_sends_anonymous_visitors_to_login(client):
    path = reverse("portal:municipality-list")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_municipality_list_searches_thai_names(client, cast):
    client.force_login(cast.reviewer)

    response = client.get(reverse("portal:municipality-list"), {"q": "ยะลา"})

    assert list(response.context["municipalities"]) == [cast.municipality_a]


@pytest.mark.parametrize("rows", [1, 3])
def test_municipality_list_query_count_is_constant(client, django_assert_num_queries, rows):
    MunicipalityFactory.create_batch(rows)
    client.force_login(UserFactory(role=Role.REVIEWER))

    with django_assert_num_queries(7):  # the header's unread notifications count is one of them
        response = client.get(reverse("portal:municipality-list"))

    assert len(response.context["municipalities"]) == rows
