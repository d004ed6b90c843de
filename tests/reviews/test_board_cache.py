"""The ranking board's content is kept in the cache under a fingerprint of everything it shows: a second view costs
one small query, and every change of what the board shows is seen on the very next view."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from applications.models import Application, ReviewerAssignment
from indicators.enums import CyclePhase
from indicators.services import update_cycle_settings
from portal.enums import Role
from portal.models import Municipality
from portal.notifications.models import Notification
from portal.services import declare_conflict
from portal.services_municipalities import correct_municipality
from reviews import board_cache
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision
from reviews.services_decisions import decide
from scoring.enums import RunStatus
from scoring.models import ScoreRun
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import UserFactory
from tests.portal.test_ratelimit_without_redis import UNREACHABLE
from tests.reviews.test_one_standing import scored_field

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CACHED = override_settings(BOARD_CACHE_SECONDS=300)


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-cache", phase=CyclePhase.COMMITTEE_RANKING)


@pytest.fixture
def field(cast, cycle):
    return scored_field(cast, cycle)


def english(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def board_url(cycle, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("reviews:board", kwargs={"code": cycle.code}) + (f"?{query}" if query else "")


def content(response):
    """The page's main content, without the per-request CSRF token."""
    text = response.content.decode()
    main = text[text.index('<main id="main"') : text.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


@CACHED
def test_a_second_view_costs_one_small_query_and_shows_the_same(cast, cycle, field, django_assert_num_queries):
    client = english(cast.admin)
    first = client.get(board_url(cycle))

    # User (middleware; the session comes from the cache and was renewed by the first view), the fingerprint (which
    # counts the header's unread notifications and the admin's pending registrations too).
    with django_assert_num_queries(2):
        second = client.get(board_url(cycle))

    assert (first.status_code, second.status_code) == (200, 200)
    assert content(second) == content(first)
    # Built once, then the whole page read from the cache: no template rendered.
    assert "rows" in first.context
    assert second.context is None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode())
    assert len(token.group(1)) == 64  # the decision form gets this request's token


def tokens(response) -> list[str]:
    """Every CSRF token on a page: the forms' fields and the header htmx sends."""
    text = response.content.decode()
    fields = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    return fields + re.findall(r'"X-CSRFToken": "([^"]+)"', text)


@CACHED
def test_a_page_from_the_cache_carries_this_requests_token_and_its_forms_post(cast, cycle, field):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(board_url(cycle))
    kept = client.get(board_url(cycle))
    assert kept.context is None  # served whole from the cache

    found = tokens(kept)
    assert len(found) >= 4  # htmx's header, the language switch, logging out, the decision form
    assert board_cache.TOKEN not in kept.content.decode()
    assert len(set(found)) == 1
    assert len(found[0]) == 64
    decided = client.post(
        reverse("reviews:decide", kwargs={"code": cycle.code}),
        {
            "csrfmiddlewaretoken": found[0],
            "ids": [field[1].pk],
            "round": DecisionRound.SCREENING,
            "outcome": DecisionOutcome.SHORTLISTED,
            "note": "ผ่าน",
            "next": board_url(cycle),
        },
    )
    assert decided.status_code == 302  # not 403: the token of the kept page is valid
    assert Decision.objects.filter(application=field[1], outcome=DecisionOutcome.SHORTLISTED).exists()


@CACHED
def test_the_header_of_a_kept_page_follows_the_viewer(cast, cycle, field):
    client = english(cast.admin)
    client.get(board_url(cycle))
    Notification.objects.create(user=cast.admin, event="test", title="Something happened")
    with_notice = client.get(board_url(cycle))
    cast.admin.full_name = "Renamed Admin"
    cast.admin.save()
    renamed = client.get(board_url(cycle))
    other_admin = UserFactory(role=Role.ADMIN, full_name="Second Admin")
    other = english(other_admin).get(board_url(cycle))

    assert re.search(r'data-testid="unread-count">1<', with_notice.content.decode())
    assert "Renamed Admin" in renamed.content.decode()
    assert "Second Admin" in other.content.decode()
    assert "Renamed Admin" not in other.content.decode()
    assert content(other) == content(renamed)  # the same content, each in its own header


@CACHED
def test_a_page_with_a_message_is_built_and_the_message_shown_once(cast, cycle, field):
    client = english(cast.admin)
    client.get(board_url(cycle))
    client.get(board_url(cycle))  # kept
    client.post(
        reverse("reviews:decide", kwargs={"code": cycle.code}),
        {"ids": [field[1].pk], "round": "", "outcome": "", "next": board_url(cycle)},
    )

    with_message = client.get(board_url(cycle))
    after = client.get(board_url(cycle))

    assert "Choose a round and an outcome" in with_message.content.decode()
    assert "Choose a round and an outcome" not in after.content.decode()


@override_settings(BOARD_CACHE_SECONDS=300, CACHES=UNREACHABLE)
def test_the_board_is_built_when_the_cache_cannot_be_reached(cast, cycle, field, caplog):
    client = english(cast.admin)

    first, second = client.get(board_url(cycle)), client.get(board_url(cycle))

    assert (first.status_code, second.status_code) == (200, 200)
    assert "rows" in second.context  # built again: nothing could be kept
    assert 'data-testid="board-summary"' in second.content.decode()
    assert "the board is built" in caplog.text


@CACHED
def test_each_change_of_what_the_board_shows_is_seen_on_the_next_view(cast, cycle, field):
    client = english(cast.admin)
    seen = [content(client.get(board_url(cycle)))]

    def changed() -> bool:
        now = content(client.get(board_url(cycle)))
        new = now != seen[-1]
        seen.append(now)
        return new

    decide(applications=[field[1]], round=DecisionRound.SCREENING, outcome=DecisionOutcome.SHORTLISTED, note="ผ่าน",
           by=cast.admin)  # fmt: skip
    after_decision = changed()
    queued = request_cycle_rescore(cycle=cycle, reason="test")
    after_queueing = changed()
    execute_run(queued.pk)
    after_run = changed()
    ScoreRun.objects.create(cycle=cycle, framework=cycle.framework, scope="cycle", reason="x", status=RunStatus.FAILED)
    after_failure = changed()
    update_cycle_settings(cycle=cycle, changes={"name_en": "Renamed test cycle"}, by=cast.admin)
    after_rename = changed()
    correct_municipality(
        municipality=field[2].municipality,
        by=cast.admin,
        changes={"full_name_en": "Corrected Town Municipality"},
        reason="แก้",
    )
    after_correction = changed()
    unchanged = changed()

    assert (after_decision, after_queueing, after_run, after_failure) == (True, True, True, True)
    assert (after_rename, after_correction, unchanged) == (True, True, False)
    assert "Renamed test cycle" in seen[-1]  # the English board shows the English names
    assert "Corrected Town Municipality" in seen[-1]
    assert 'data-testid="board-failed"' in seen[-1]


@CACHED
def test_a_reviewers_conflict_and_assignment_change_their_board_only(cast, cycle, field):
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save()
    reviewer, admin = english(cast.reviewer), english(cast.admin)
    ReviewerAssignment.objects.create(application=field[1], reviewer=cast.reviewer, assigned_by=cast.admin)
    before = content(reviewer.get(board_url(cycle)))
    admin_before = content(admin.get(board_url(cycle)))

    ReviewerAssignment.objects.create(application=field[2], reviewer=cast.reviewer, assigned_by=cast.admin)
    assigned = content(reviewer.get(board_url(cycle)))
    declare_conflict(reviewer=cast.reviewer, municipality=field[1].municipality, reason="ญาติ")
    conflicted = content(reviewer.get(board_url(cycle)))

    rows = lambda text: set(re.findall(r'data-application="(\d+)"', text))  # noqa: E731
    assert rows(before) == {str(field[1].pk)}
    assert rows(assigned) == {str(field[1].pk), str(field[2].pk)}
    assert rows(conflicted) == {str(field[2].pk)}
    assert content(admin.get(board_url(cycle))) == admin_before


@CACHED
def test_the_cache_keeps_languages_queries_and_viewers_apart(cast, cycle, field):
    admin = english(cast.admin)
    thai = Client()
    thai.force_login(cast.admin)
    other_reviewer = UserFactory(role=Role.REVIEWER)

    english_page = content(admin.get(board_url(cycle)))
    thai_page = content(thai.get(board_url(cycle)))
    sorted_page = content(admin.get(board_url(cycle, sort="-completeness")))
    reviewer_page = content(english(cast.reviewer).get(board_url(cycle)))
    other_page = content(english(other_reviewer).get(board_url(cycle)))

    assert ("Ranking board" in english_page, "Ranking board" in thai_page) == (True, False)
    assert sorted_page != english_page
    assert ('id="decide-form"' in english_page, 'id="decide-form"' in reviewer_page) == (True, False)
    assert reviewer_page == other_page  # same visibility (no conflict, committee ranking), each from its own entry


@CACHED
def test_a_municipality_renamed_by_a_reload_of_the_reference_data_is_seen(cast, cycle, field):
    client = english(cast.admin)
    client.get(board_url(cycle))
    municipality = Municipality.objects.get(pk=field[3].municipality_id)
    municipality.full_name_en = "New Name Town Municipality"
    municipality.save()

    assert "New Name Town Municipality" in content(client.get(board_url(cycle)))
    assert Application.objects.filter(municipality=municipality).exists()


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def fingerprint_rolled_back(code, user):
    with transaction.atomic():
        row = board_cache.fingerprint(code, user)
        transaction.set_rollback(True)
    return row


@pytest.mark.django_db(transaction=True)
def test_the_fingerprint_is_planned_once_per_connection_and_outlives_a_rollback(cast, cycle, field):
    expected = board_cache.fingerprint(cycle.code, cast.admin)
    for_reviewer = board_cache.fingerprint(cycle.code, cast.reviewer)
    assert {"board_fingerprint", "board_fingerprint_reviewer"} <= prepared_statements()
    connection.close()  # a new connection prepares again ...

    assert fingerprint_rolled_back(cycle.code, cast.admin) == expected  # ... here, in a transaction rolled back
    assert prepared_statements() == {"board_fingerprint"}  # which kept it
    assert board_cache.fingerprint(cycle.code, cast.admin) == expected
    assert board_cache.fingerprint(cycle.code, cast.reviewer) == for_reviewer
    assert board_cache.fingerprint("no-such-cycle", cast.admin) is None
