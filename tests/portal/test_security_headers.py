"""The Content-Security-Policy and the other security headers, on pages, the API, errors and files alike."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'self'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def policy_of(response) -> dict[str, str]:
    parts = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(part.split(" ", 1) for part in parts if part)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("anonymous", "/accounts/login/"),
        ("editor_a", "/"),
        ("admin", "/"),
        ("anonymous", "/api/v1/cycles/"),
        ("anonymous", "/api/v1/docs/"),
        ("editor_a", "/no-such-page/"),
    ],
)
def test_every_response_carries_the_policy_without_inline_script_or_style(client, cast, role, url):
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)

    response = client.get(url)

    assert policy_of(response) == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert (response["X-Content-Type-Options"], response["Referrer-Policy"]) == ("nosniff", "same-origin")


def test_the_api_documentation_loads_its_script_from_a_file_not_inline(client):
    page = client.get(reverse("api:docs")).content.decode()

    assert "<script>" not in page.replace(" ", "")
    assert 'src="/api/v1/docs/?script=' in page or "?script=" in page
