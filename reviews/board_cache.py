"""The ranking board's content, kept in the cache under a fingerprint of everything it shows.

During a committee meeting the same boards are read again and again while nothing changes. Each request reads one
fingerprint (one query of small aggregates): the cycle as last saved (settings, phase, names), the standings the
runs left (replaced by every run), the runs still waiting or failed, the latest decision and status change, the
latest correction of a municipality, the pending registrations of the admin's menu, and, for a reviewer, their
conflicts and assignments. Any write that changes what the board shows changes the fingerprint, so a cached
content is never served after its data changed; entries also expire after BOARD_CACHE_SECONDS.

The whole page is kept too, per viewer: the header around the content (their name, the admin's pending registrations,
the unread notifications, counted in the same query) is most of the cost of a page served from the cache. A page
holds a marker where the request's CSRF token goes, and no messages: a request with messages to show is built.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import secrets
import weakref
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest

from applications.models import ReviewerAssignment, StatusChange
from indicators.models import AwardCycle
from portal.cache import CACHE_ERRORS
from portal.enums import RegistrationStatus, Role
from portal.models import Municipality, OfficerRegistration, ReviewerConflict, User
from portal.notifications.models import Notification
from reviews.models import Decision
from scoring.enums import RunStatus
from scoring.models import ScoreRun, Standing

CSRF_FIELD = "<!--csrf-->"  # where the decision form's CSRF field goes in a cached content
PENDING_REGISTRATIONS = 10  # the fingerprint's column with the admin menu's count
UNREAD_NOTIFICATIONS = 11  # the fingerprint's column with the viewer's unread notifications (the header's count)
logger = logging.getLogger(__name__)
# New code, new templates: a process started after a deploy never serves what an older one cached.
_PROCESS = secrets.token_hex(4)
# Where the request's CSRF token goes in a kept page: random, so that no text a page shows holds it by chance. Every
# key holds _PROCESS: a page is only read by the process that wrote it, which knows its marker.
TOKEN = f"csrf-{secrets.token_hex(16)}"


# One row of small aggregates (table names filled in from the models, values as parameters).
_FINGERPRINT = """
SELECT c.id, c.updated_at,
       (SELECT coalesce(max(id), 0) FROM {standing} WHERE cycle_id = c.id),
       (SELECT count(*) FROM {standing} WHERE cycle_id = c.id),
       (SELECT coalesce(max(id), 0) FROM {run} WHERE cycle_id = c.id),
       (SELECT count(*) FROM {run} WHERE cycle_id = c.id AND status IN (%s, %s)),
       (SELECT count(*) FROM {run} WHERE cycle_id = c.id AND status = %s),
       (SELECT coalesce(max(id), 0) FROM {decision}),
       (SELECT coalesce(max(id), 0) FROM {status_change}),
       (SELECT max(updated_at) FROM {municipality}),
       (SELECT count(*) FROM {registration} WHERE status = %s),
       (SELECT count(*) FROM {notification} WHERE user_id = %s AND read_at IS NULL){reviewer}
FROM {cycle} c WHERE c.code = %s
"""
_REVIEWER = """,
       (SELECT coalesce(max(id), 0) FROM {conflict} WHERE reviewer_id = %s),
       (SELECT count(*) FROM {conflict} WHERE reviewer_id = %s),
       (SELECT coalesce(max(id), 0) FROM {assignment} WHERE reviewer_id = %s),
       (SELECT count(*) FROM {assignment} WHERE reviewer_id = %s)"""
_TABLES = {
    "standing": Standing,
    "run": ScoreRun,
    "decision": Decision,
    "status_change": StatusChange,
    "municipality": Municipality,
    "registration": OfficerRegistration,
    "cycle": AwardCycle,
    "conflict": ReviewerConflict,
    "assignment": ReviewerAssignment,
    "notification": Notification,
}


def _fingerprint_sql(*, reviewer: bool) -> str:
    tables = {name: connection.ops.quote_name(model._meta.db_table) for name, model in _TABLES.items()}
    return _FINGERPRINT.format(**tables, reviewer=_REVIEWER.format(**tables) if reviewer else "")


def fingerprint(code: str, user: User) -> tuple[Any, ...] | None:
    """Everything the board of cycle `code` shows to `user`, in one row; None when the cycle does not exist."""
    reviewer = user.role != Role.ADMIN
    params: list[Any] = [
        *(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED, RegistrationStatus.AWAITING_APPROVAL),
        user.pk,
    ]
    if reviewer:
        params += [user.pk] * 4
    with connection.cursor() as cursor:
        name = "board_fingerprint_reviewer" if reviewer else "board_fingerprint"
        _execute_prepared(cursor, name, _fingerprint_sql(reviewer=reviewer), [*params, code])
        row = cursor.fetchone()
    return None if row is None else tuple(row)


# The statements each PostgreSQL connection has prepared (a connection's prepared statements end with it).
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _execute_prepared(cursor: CursorWrapper, name: str, sql: str, params: list[Any]) -> None:
    """Runs `sql` as a statement PostgreSQL plans once per connection: planning the fingerprint's eleven sub-queries
    took longer than running them (0.55 ms a view, 0.22 ms prepared). A prepared statement outlives a rolled-back
    transaction. Other databases run `sql` as it is."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = _PREPARED.setdefault(connection.connection, set())
    if name not in prepared:
        number = itertools.count(1)
        cursor.execute(f"PREPARE {name} AS {re.sub('%s', lambda _: f'${next(number)}', sql)}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def key(request: HttpRequest, user: User, row: tuple[Any, ...]) -> str:
    """The cache key of one board page: the fingerprint, the viewer's scope, the language and the query string."""
    scope = "all" if user.role == Role.ADMIN else f"reviewer:{user.pk}"
    language = getattr(request, "LANGUAGE_CODE", "th")
    text = repr((_PROCESS, row, scope, user.role, language, request.get_full_path()))
    return f"board:{hashlib.sha256(text.encode()).hexdigest()}"


def page_key(content_key: str, user: User, row: tuple[Any, ...]) -> str:
    """The cache key of one viewer's whole page: the content's key and what the header shows of them."""
    header = (user.pk, user.full_name, user.email, user.role, user.municipality_id, row[UNREAD_NOTIFICATIONS])
    return f"board-page:{hashlib.sha256(repr((content_key, header)).encode()).hexdigest()}"


def with_token(page: str, token: str) -> str:
    """A kept page with the request's CSRF token where the marker is."""
    return page.replace(TOKEN, token)


def enabled() -> bool:
    return bool(getattr(settings, "BOARD_CACHE_SECONDS", 0))


def get(cache_key: str) -> str | None:
    """What the cache keeps under `cache_key`; None when it has nothing or cannot be reached (the board is built)."""
    try:
        found = cache.get(cache_key)
    except CACHE_ERRORS as error:
        logger.warning("The cache is unreachable, the board is built: %s", error)
        return None
    return found if isinstance(found, str) else None


def put(cache_key: str, content: str) -> None:
    try:
        cache.set(cache_key, content, timeout=settings.BOARD_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        logger.warning("The cache is unreachable, the board was not kept: %s", error)
