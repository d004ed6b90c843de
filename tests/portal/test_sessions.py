"""Sessions survive a cache (Redis) that cannot be reached: the database serves them meanwhile."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

UNREACHABLE = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_unreachable(settings):
    def cut():
        settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": UNREACHABLE}}

    return cut


def test_a_logged_in_officer_keeps_working_while_the_cache_is_unreachable(cast, cache_unreachable):
    client = Client()
    client.force_login(cast.editor_a)
    cache_unreachable()

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.wsgi_request.user == cast.editor_a


def test_logging_in_and_out_works_while_the_cache_is_unreachable(cast, cache_unreachable):
    cast.editor_a.set_password("a long enough password 2569")
    cast.editor_a.save()
    client = Client()
    cache_unreachable()

    logged_in = client.post(
        reverse("login"), {"username": cast.editor_a.email, "password": "a long enough password 2569"}
    )
    home = client.get(reverse("home"))
    logged_out = client.post(reverse("logout"))
    after = client.get(reverse("home"))

    assert (logged_in.status_code, logged_in["Location"]) == (302, reverse("home"))
    assert home.wsgi_request.user == cast.editor_a
    assert logged_out.status_code == 302
    assert (after.status_code, after["Location"]) == (302, f"{reverse('login')}?next=/")
