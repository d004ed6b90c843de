"""The rate limits when the shared cache (Redis) cannot be reached: the page works, and the limit still holds."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from portal.ratelimit import LOCAL
from portal.views.shell import PASSWORD_RESETS_PER_HOUR

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

UNREACHABLE = {
    "default": {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def redis_down():
    LOCAL.clear()
    with override_settings(CACHES=UNREACHABLE):  # Django's test signals rebuild the cache handler
        yield
    LOCAL.clear()


def test_password_reset_works_while_redis_is_down_and_stays_limited(client, cast, redis_down):
    url = reverse("password_reset")
    responses = [client.post(url, {"email": cast.editor_a.email}) for _attempt in range(PASSWORD_RESETS_PER_HOUR + 1)]

    assert [response.status_code for response in responses[:-1]] == [302] * PASSWORD_RESETS_PER_HOUR
    assert responses[-1].status_code == 429
    assert len(mail.outbox) == PASSWORD_RESETS_PER_HOUR
