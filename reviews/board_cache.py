"""The ranking board's content, kept in the cache under a fingerprint of everything it shows.

During a committee meeting the same boards are read again and again while nothing changes. Each request reads one
fingerprint (one query of small aggregates): the cycle as last saved (settings, phase, names), the standings the
runs left (replaced by every run), the runs still waiting or failed, the latest decision and status change, the
latest correction of a municipality, the pending registrations of the admin's menu, and, for a reviewer, their
conflicts and assignments. Any write that changes what the board shows changes the fingerprint, so a cached
content is never served after its data changed; entries also expire after BOARD_CACHE_SECONDS.

The content holds no CSRF token (the decision form's field is filled in per request) and no messages.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

from applications.models import ReviewerAssignment, StatusChange
from indicators.models import AwardCycle
from portal.enums import RegistrationStatus, Role
from portal.models import Municipality, OfficerRegistration, ReviewerConflict, User
from reviews.models import Decision
from scoring.enums import RunStatus
from scoring.models import ScoreRun, Standing

CSRF_FIELD = "<!--csrf-->"  # where the decision form's CSRF field goes in a cached content
PENDING_REGISTRATIONS = 10  # the fingerprint's column with the admin menu's count
# New code, new templates: a process started after a deploy never serves what an older one cached.
_PROCESS = secrets.token_hex(4)


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
       (SELECT count(*) FROM {registration} WHERE status = %s){reviewer}
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
}


def _fingerprint_sql(*, reviewer: bool) -> str:
    tables = {name: connection.ops.quote_name(model._meta.db_table) for name, model in _TABLES.items()}
    return _FINGERPRINT.format(**tables, reviewer=_REVIEWER.format(**tables) if reviewer else "")


def fingerprint(code: str, user: User) -> tuple[Any, ...] | None:
    """Everything the board of cycle `code` shows to `user`, in one row; None when the cycle does not exist."""
    reviewer = user.role != Role.ADMIN
    params: list[Any] = [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED, RegistrationStatus.AWAITING_APPROVAL]
    if reviewer:
        params += [user.pk] * 4
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(reviewer=reviewer), [*params, code])
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def key(request: HttpRequest, user: User, row: tuple[Any, ...]) -> str:
    """The cache key of one board page: the fingerprint, the viewer's scope, the language and the query string."""
    scope = "all" if user.role == Role.ADMIN else f"reviewer:{user.pk}"
    language = getattr(request, "LANGUAGE_CODE", "th")
    text = repr((_PROCESS, row, scope, user.role, language, request.get_full_path()))
    return f"board:{hashlib.sha256(text.encode()).hexdigest()}"


def enabled() -> bool:
    return bool(getattr(settings, "BOARD_CACHE_SECONDS", 0))


def get(cache_key: str) -> str | None:
    found = cache.get(cache_key)
    return found if isinstance(found, str) else None


def put(cache_key: str, content: str) -> None:
    cache.set(cache_key, content, timeout=settings.BOARD_CACHE_SECONDS)
