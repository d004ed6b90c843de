"""Personal API tokens: only a hash is stored, expiry and revocation are refused with 401, a read token cannot write,
the last use is recorded at most once a minute, and the token page lets a user create, see once and revoke."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.services import start_application
from portal.models import ApiToken
from portal.services_tokens import create_api_token, revoke_api_token
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def application(cast):
    cycle = make_cycle(code="esc-tok", phase="call_open", submission_deadline=timezone.now() + dt.timedelta(days=30))
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def detail_url(application) -> str:
    return reverse("api:application-detail", args=[application.pk])


def value_url(application, code: str) -> str:
    return reverse("api:application-value", args=[application.pk, code])


def test_only_the_hash_of_the_secret_is_stored(cast):
    issued = create_api_token(user=cast.editor_a, name="ระบบจังหวัด", scope="read")

    prefix, secret = issued.plaintext.split("_", 2)[1:]
    stored = ApiToken.objects.get()
    assert issued.plaintext.startswith(f"esc_{stored.prefix}_")
    assert stored.prefix == prefix
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) >= 43  # 32 random bytes in URL-safe base64
    assert secret not in str(ApiToken.objects.values().get())


def test_expiry_defaults_to_ninety_days_and_may_not_pass_one_year(cast):
    issued = create_api_token(user=cast.editor_a, name="a", scope="read")
    assert dt.timedelta(days=89) < issued.token.expires_at - timezone.now() <= dt.timedelta(days=90)

    with pytest.raises(ValidationError) as error:
        create_api_token(user=cast.editor_a, name="b", scope="read", expires_at=timezone.now() + dt.timedelta(days=400))
    assert "expires_at" in error.value.message_dict


def test_a_valid_token_reads_its_owners_application_and_nothing_of_another_municipality(client, cast, application):
    own = create_api_token(user=cast.editor_a, name="a", scope="read").plaintext
    other = create_api_token(user=cast.editor_b, name="b", scope="read-write").plaintext

    assert client.get(detail_url(application), **bearer(own)).status_code == 200
    assert client.get(detail_url(application), **bearer(other)).status_code == 404


def test_an_expired_token_is_refused_with_401_in_the_owners_language(client, cast, application):
    cast.editor_a.preferred_language = "en"
    cast.editor_a.save()
    issued = create_api_token(
        user=cast.editor_a, name="a", scope="read", expires_at=timezone.now() + dt.timedelta(days=1)
    )

    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        response = client.get(detail_url(application), **bearer(issued.plaintext))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "expired" in response.json()["errors"][0]["message"]


def test_a_revoked_token_is_refused_with_401(client, cast, application):
    issued = create_api_token(user=cast.editor_a, name="a", scope="read")
    revoke_api_token(token=issued.token)

    response = client.get(detail_url(application), **bearer(issued.plaintext))

    assert response.status_code == 401
    assert "เพิกถอน" in response.json()["errors"][0]["message"]


def test_a_wrong_secret_with_a_known_prefix_is_refused(client, cast, application):
    issued = create_api_token(user=cast.editor_a, name="a", scope="read")

    response = client.get(detail_url(application), **bearer(issued.plaintext[:-2] + "xx"))

    assert response.status_code == 401


@pytest.mark.parametrize(
    "token", ["esc_\x00_secret", "esc_ABCD_secret", "esc_a1b2c3d4x_secret", "esc_" + "a" * 17 + "_s"]
)
def test_a_token_whose_prefix_cannot_be_ours_is_refused_with_401(client, application, token):
    response = client.get(f"{detail_url(application)}?lang=en", **bearer(token))

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "This API token is not valid."


def test_a_read_token_may_not_put_and_a_read_write_token_may(client, cast, application):
    read = create_api_token(user=cast.editor_a, name="r", scope="read").plaintext
    write = create_api_token(user=cast.editor_a, name="w", scope="read-write").plaintext
    payload = {"value": "12"}

    refused = client.put(value_url(application, "CA-02"), payload, content_type="application/json", **bearer(read))
    saved = client.put(value_url(application, "CA-02"), payload, content_type="application/json", **bearer(write))

    assert refused.status_code == 403
    assert saved.status_code == 200


def test_a_token_needs_no_csrf_token_to_write(cast, application):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    write = create_api_token(user=cast.editor_a, name="w", scope="read-write").plaintext

    response = client.put(
        value_url(application, "CA-02"), {"value": "12"}, content_type="application/json", **bearer(write)
    )

    assert response.status_code == 200


def test_last_use_is_written_at_most_once_a_minute(client, cast, application):
    issued = create_api_token(user=cast.editor_a, name="a", scope="read")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.get(detail_url(application), **bearer(issued.plaintext))
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get(detail_url(application), **bearer(issued.plaintext))
    first = ApiToken.objects.get().last_used_at
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        client.get(detail_url(application), **bearer(issued.plaintext))

    assert first == start
    assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=61)


def test_the_token_page_shows_a_new_token_once_and_lists_it_without_the_secret(client, cast):
    client.force_login(cast.editor_a)

    created = client.post(reverse("portal:api-tokens"), {"name": "ระบบจังหวัด", "scope": "read", "lifetime_days": 90})
    listed = client.get(reverse("portal:api-tokens"))

    token = ApiToken.objects.get()
    plaintext = created.context["issued"].plaintext
    assert created.status_code == 200
    assert plaintext in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert f"esc_{token.prefix}_" in listed.content.decode()
    assert plaintext not in listed.content.decode()


def test_the_token_page_refuses_an_empty_name(client, cast):
    client.force_login(cast.editor_a)

    response = client.post(reverse("portal:api-tokens"), {"name": "", "scope": "read", "lifetime_days": 90})

    assert response.status_code == 200
    assert ApiToken.objects.count() == 0


def test_a_user_revokes_their_own_token_but_not_another_users(client, cast):
    own = create_api_token(user=cast.editor_a, name="a", scope="read").token
    others = create_api_token(user=cast.editor_b, name="b", scope="read").token
    client.force_login(cast.editor_a)

    revoked = client.post(reverse("portal:api-token-revoke", args=[own.pk]))
    refused = client.post(reverse("portal:api-token-revoke", args=[others.pk]))

    assert revoked.status_code == 302
    assert refused.status_code == 404
    own.refresh_from_db()
    others.refresh_from_db()
    assert own.revoked_at is not None
    assert others.revoked_at is None
