"""Hostile input never meets a server error: every URL of the permission matrix, requested by a role that may use it,
with a NUL byte in every query parameter the pages read and in every field it posts, and with an overflowing number.
PostgreSQL refuses to store a NUL byte in text; the portal answers with a message (a form error, a field that is not
saved with its reason, or a 400 page), never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import test_permission_matrix as matrix
from tests.conftest import CAST_ROLES
from tests.test_permission_matrix import LOGIN, MATRIX, read_to_the_end

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NUL = "\x00"
# Every query parameter a page of the portal reads (filters, search, sections, paging, sorting, languages).
PARAMETERS = (
    "q", "indicator", "section", "status", "cycle", "province", "role", "kind", "group", "basis", "page", "sort",
    "order", "lang", "municipality", "panel", "track", "category", "size_class", "next",
)  # fmt: skip
ALLOWED = (200, 201, 202, 204, 301, 302, 303)
shared_world, world = matrix.shared_world, matrix.world  # the permission matrix's world: cycles, drafts, files


def _first_allowed_role(statuses: tuple[int | str, ...]) -> str | None:
    """The role closest to an officer that the row lets in (a municipality's officer before a reviewer or admin)."""
    order = ("editor_a", "signatory_a", "reviewer", "admin", "editor_b", "anonymous")
    for role in order:
        status = statuses[CAST_ROLES.index(role)]
        if status != LOGIN and status in ALLOWED:
            return role
    return None


def _poisoned(value: object) -> object:
    if isinstance(value, str):
        return value + NUL
    if isinstance(value, list):
        return [_poisoned(item) for item in value]
    return value


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_nul_bytes_never_meet_a_server_error(client, world, name):
    row = MATRIX[name]
    role = _first_allowed_role(row.statuses)
    if role is None:
        pytest.skip("no role may use this URL")
    user = world.cast.by_name(role)
    if user is not None:
        client.force_login(user)
    client.raise_request_exception = False
    url = reverse(name.split(" ")[0], kwargs=row.kwargs(world))
    query = "&".join(f"{parameter}=x%00" for parameter in PARAMETERS)
    data = {key: _poisoned(value) for key, value in row.data(world).items()}
    if row.method == "get":
        response = client.get(f"{url}?{query}")
    else:
        data = data or {"comment": NUL, "note": NUL, "text": NUL}
        extra = {"content_type": row.content_type} if row.content_type else {}
        response = getattr(client, row.method)(f"{url}?{query}", data, **extra)
    read_to_the_end(response)
    assert response.status_code < 500, f"{name} as {role}: {response.status_code}"


@pytest.mark.parametrize("field", ["comment", "period", "source", "text"])
def test_a_nul_byte_in_an_autosaved_field_is_not_saved_and_says_why(client, world, field):
    draft = world.objects["draft"]
    client.force_login(world.cast.editor_a)
    url = reverse("applications:value-save", args=[draft.pk, "CA-02"])
    response = client.post(url, {field: "ปีงบประมาณ\x002568"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="invalid"' in body
    assert "NUL" in body or "อักขระ" in body
    assert not draft.values.filter(indicator__code="CA-02").exists()


@pytest.mark.parametrize("raw", ["1e999999999", "-1e999999999", "1e-999999999", "9" * 400, "NaN", "Infinity"])
def test_an_overflowing_number_is_refused_with_a_message(client, world, raw):
    draft = world.objects["draft"]
    client.force_login(world.cast.editor_a)
    url = reverse("applications:value-save", args=[draft.pk, "CA-02"])
    response = client.post(url, {"value": raw}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="invalid"' in body or ('data-state="saved"' in body and raw == "1e-999999999")


def test_a_nul_byte_in_the_address_gets_a_page_in_the_readers_language(client, world):
    client.force_login(world.cast.editor_a)
    url = reverse("applications:history", args=[world.objects["draft"].pk]) + "?indicator=CA%0001"
    thai = client.get(url)
    assert thai.status_code == 400
    assert "ไบต์ NUL" in thai.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english.status_code == 400
    assert "a character that cannot be read (a NUL byte)" in english.content.decode()


def test_a_nul_byte_in_an_api_query_gets_the_api_error_format(client, world):
    response = client.get(reverse("api:municipality-list") + "?q=%00&lang=en")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "q",
                "code": "null_characters",
                "message": "The address holds a character that cannot be read (a NUL byte). "
                "Go back and try again from the page.",
            }
        ]
    }
