"""Every URL of the portal, for every role: who gets the page, who is refused (403), who is told it does not
exist (404), and who is sent to log in. A URL that appears without a row here fails the suite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, ImportStatus
from applications.models import (
    Application,
    ClarificationRequest,
    Evidence,
    ImportRun,
    IndicatorValue,
    ReviewerAssignment,
)
from applications.services import start_application
from indicators.enums import CyclePhase
from portal.enums import RegistrationStatus, Role
from portal.models import Mailing, Notification, OfficerRegistration, ReviewerConflict, SentMail
from portal.services_tokens import create_api_token
from reviews.models import ExportRun, SiteVisit, SiteVisitPhoto
from scoring.models import ScoreRun
from tests.conftest import CAST_ROLES, Cast, make_cast, rolled_back
from tests.factories.indicators import make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LOGIN = "login"  # expected: redirect to the log-in page
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MINIMAL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class World:
    cast: Cast
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """Expected status per role, in CAST_ROLES order: anonymous, editor_a, editor_b, signatory_a, reviewer, admin."""

    statuses: tuple[int | str, ...]
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    content_type: str | None = None


def everyone(status: int) -> tuple[int, ...]:
    return (status,) * len(CAST_ROLES)


def logged_in(status: int) -> tuple[int | str, ...]:
    return (LOGIN, *([status] * (len(CAST_ROLES) - 1)))


ADMIN_ONLY_PAGE = (LOGIN, 403, 403, 403, 403, 200)
# A draft of municipality A: its officers and admins read it; reviewers see no drafts; B's officer gets 404.
APPLICATION_READ = (LOGIN, 200, 404, 200, 404, 200)
APPLICATION_EDIT = (LOGIN, 200, 404, 200, 404, 403)
# A submitted application of A assigned to the reviewer: the reviewer acts (a plain POST redirects back to the
# sheet; htmx gets the row); admins read; officers are refused.
REVIEW_READ = (LOGIN, 403, 404, 403, 200, 200)
REVIEW_POST = (LOGIN, 403, 404, 403, 302, 403)
ADMIN_ONLY_ACTION = (LOGIN, 403, 403, 403, 403, 302)

MATRIX: dict[str, Row] = {
    # Shell and accounts
    "portal:api-tokens": Row(logged_in(200)),
    "portal:api-token-revoke": Row(
        (LOGIN, 302, 404, 404, 404, 404), kwargs=lambda w: {"pk": w.objects["token"].pk}, method="post"
    ),
    "home": Row(logged_in(200)),
    "healthz": Row(everyone(503)),  # no Celery worker answers in this test
    "set-language": Row(everyone(302), method="post", data=lambda w: {"language": "en"}),
    "login": Row((200, 302, 302, 302, 302, 302)),
    "logout": Row(everyone(302), method="post"),
    "password_reset": Row(everyone(200)),
    "password_reset_done": Row(everyone(200)),
    "password_reset_confirm": Row(everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": Row(everyone(200)),
    "password_change": Row(logged_in(200)),
    "password_change_done": Row(logged_in(200)),
    # Registration, invitations, municipalities
    "portal:register": Row(everyone(200)),
    "portal:register-sent": Row(everyone(200)),
    "portal:register-verify": Row(everyone(400), kwargs=lambda w: {"token": "forged"}),
    "portal:invitation-accept": Row(everyone(400), kwargs=lambda w: {"token": "forged"}),
    "portal:municipality-search": Row(everyone(200)),
    "portal:municipality-list": Row((LOGIN, 403, 403, 403, 200, 200)),
    "portal:municipality-detail": Row(
        (LOGIN, 200, 404, 200, 200, 200), kwargs=lambda w: {"code": w.cast.municipality_a.code}
    ),
    "portal:municipality-correct": Row(
        (LOGIN, 403, 404, 403, 403, 200), kwargs=lambda w: {"code": w.cast.municipality_a.code}
    ),
    "portal:invite-editor": Row(
        (LOGIN, 403, 404, 302, 403, 403),
        kwargs=lambda w: {"code": w.cast.municipality_a.code},
        method="post",
        data=lambda w: {"email": "new.editor@example.go.th"},
    ),
    # People administration
    "portal:registration-list": Row(ADMIN_ONLY_PAGE),
    "portal:registration-detail": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["registration"].pk}),
    "portal:registration-letter": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["registration"].pk}),
    "portal:registration-decide": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"pk": w.objects["registration"].pk, "decision": "approve"},
        method="post",
        data=lambda w: {"role": Role.EDITOR},
    ),
    "portal:user-list": Row(ADMIN_ONLY_PAGE),
    "portal:staff-user-create": Row(ADMIN_ONLY_PAGE),
    "portal:user-active": Row(
        ADMIN_ONLY_ACTION, kwargs=lambda w: {"pk": w.cast.editor_b.pk}, method="post", data=lambda w: {"active": "0"}
    ),
    "portal:audit-log": Row(ADMIN_ONLY_PAGE),  # read only: the log has no edit or delete URL
    "portal:conflict-list": Row((LOGIN, 403, 403, 403, 200, 200)),  # admins: every reviewer's, read only
    "portal:conflict-withdraw": Row(
        (LOGIN, 403, 403, 403, 302, 403), kwargs=lambda w: {"pk": w.objects["conflict"].pk}, method="post"
    ),
    # Notifications (each user their own) and e-mail administration (admins)
    "portal:notification-list": Row(logged_in(200)),
    "portal:notification-read-all": Row(logged_in(302), method="post"),
    "portal:notification-open": Row(
        (LOGIN, 302, 404, 404, 404, 404), kwargs=lambda w: {"pk": w.objects["notification"].pk}, method="post"
    ),
    "portal:mail-template-list": Row(ADMIN_ONLY_PAGE),
    "portal:mail-template-edit": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"event": "application_receipt"}),
    "portal:mail-template-preview": Row(
        (LOGIN, 403, 403, 403, 403, 200), kwargs=lambda w: {"event": "application_receipt"}, method="post"
    ),
    "portal:mail-template-reset": Row(
        ADMIN_ONLY_ACTION, kwargs=lambda w: {"event": "application_receipt"}, method="post"
    ),
    "portal:sent-mail-list": Row(ADMIN_ONLY_PAGE),
    "portal:mailing-list": Row(ADMIN_ONLY_PAGE),
    "portal:mailing-detail": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["mailing"].pk}),
    "portal:mailing-decide": Row(
        ADMIN_ONLY_ACTION, kwargs=lambda w: {"pk": w.objects["mailing"].pk, "decision": "cancel"}, method="post"
    ),
    # Indicator guide (public) and cycle administration (admins)
    "indicators:guide-index": Row(everyone(200)),
    "indicators:guide-cycle": Row(everyone(200), kwargs=lambda w: {"cycle_code": w.objects["cycle"].code}),
    "indicators:cycle-list": Row(ADMIN_ONLY_PAGE),
    "indicators:cycle-create": Row(ADMIN_ONLY_PAGE),
    "indicators:cycle-detail": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:cycle-update": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:size-classes": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:cycle-clone": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:cycle-phase": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {"to_phase": CyclePhase.SUBMISSION_CLOSED},
    ),
    "indicators:cycle-publish": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:cycle-publish POST": Row(
        ADMIN_ONLY_ACTION, kwargs=lambda w: {"code": w.objects["cycle"].code}, method="post"
    ),
    "indicators:extension-create": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "indicators:framework-new-version": Row(
        ADMIN_ONLY_ACTION, kwargs=lambda w: {"code": w.objects["cycle"].code}, method="post"
    ),
    "indicators:framework-adopt": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"code": w.objects["cycle"].code, "pk": w.objects["cycle"].framework_id},
        method="post",
    ),
    "indicators:framework-detail": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["cycle"].framework_id}),
    "indicators:indicator-update": Row(
        ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["cycle"].framework.indicators.first().pk}
    ),
    # Applications: a draft of municipality A, and a submitted one of A for the receipt and reopening
    "applications:list": Row(logged_in(200)),
    "applications:start": Row(
        (LOGIN, 302, 302, 302, 403, 403),
        kwargs=lambda w: {"cycle_code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {"track": "esc_award"},
    ),
    "applications:detail": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "applications:profile-save": Row(
        APPLICATION_EDIT,
        kwargs=lambda w: {"pk": w.objects["draft"].pk},
        method="post",
        data=lambda w: {"field": "households", "value": "20000"},
    ),
    "applications:value-save": Row(
        APPLICATION_EDIT,
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-01"},
        method="post",
        data=lambda w: {"value": "88"},
    ),
    "applications:value-confirm": Row(
        (LOGIN, 302, 404, 302, 404, 403), kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-01"}, method="post"
    ),
    "applications:evidence-upload": Row(
        APPLICATION_EDIT, kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-01"}, method="post"
    ),
    "applications:evidence-file": Row(
        APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk, "evidence_id": w.objects["evidence"].pk}
    ),
    "applications:evidence-delete": Row(
        APPLICATION_EDIT,
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "evidence_id": w.objects["evidence"].pk},
        method="post",
    ),
    "applications:prefill": Row(
        (LOGIN, 302, 404, 302, 404, 403), kwargs=lambda w: {"pk": w.objects["draft"].pk}, method="post"
    ),
    "applications:submit": Row((LOGIN, 403, 404, 200, 404, 403), kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    # Reviewers see an application only when assigned (or once the committee ranks); none is assigned here.
    "applications:receipt": Row((LOGIN, 200, 404, 200, 404, 200), kwargs=lambda w: {"pk": w.objects["submitted"].pk}),
    "applications:reopen": Row(
        (LOGIN, 403, 404, 403, 404, 302),
        kwargs=lambda w: {"pk": w.objects["submitted"].pk},
        method="post",
        data=lambda w: {"reason": "แก้ไขข้อมูล CA-02"},
    ),
    "applications:api-detail-moved": Row(everyone(308), kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "applications:api-value-moved": Row(
        everyone(308),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-02"},
        method="put",
        data=lambda w: {"value": "12"},
        content_type="application/json",
    ),
    # API v1: the schema, its documentation and the public reads are open to all
    "api:schema": Row(everyone(200)),
    "api:docs": Row(everyone(200)),
    "api:cycle-list": Row(everyone(200)),
    "api:cycle-detail": Row(everyone(200), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "api:cycle-framework": Row(everyone(200), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "api:municipality-list": Row(everyone(200)),
    "api:not-found": Row(everyone(404), kwargs=lambda w: {"rest": "nowhere/"}),
    # Any method on a path the API does not have: 404 in the error format, for everyone, before any credential check.
    **{
        f"api:not-found {method.upper()}": Row(
            everyone(404),
            kwargs=lambda w: {"rest": "nowhere/"},
            method=method,
            data=lambda w: {"value": "12"},
            content_type="application/json",
        )
        for method in ("post", "put", "patch", "delete")
    },
    # API v1: anonymous callers get 401 (a "Bearer" challenge), not the log-in page
    "api:application-detail": Row((401, 200, 404, 200, 404, 200), kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "api:application-value": Row(
        (401, 200, 404, 200, 404, 403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-02"},
        method="put",
        data=lambda w: {"value": "12"},
        content_type="application/json",
    ),
    # API v1, the officers' endpoints (anonymous: 401; another municipality: 404)
    "api:application-list": Row(
        (401, 400, 201, 400, 403, 403),  # A already has every track and category: 400 duplicate; B starts one
        method="post",
        data=lambda w: {"cycle": w.objects["cycle"].code, "track": "esc_award"},
        content_type="application/json",
    ),
    "api:application-evidence": Row(
        (401, 201, 404, 201, 404, 403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-01"},
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("aqi.pdf", MINIMAL_PDF)},
    ),
    # The other method of the same URL: "<url name> <METHOD>".
    "api:application-list GET": Row((401, 200, 200, 200, 200, 200)),
    "api:application-evidence GET": Row(
        (401, 200, 404, 200, 404, 200), kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "CA-01"}
    ),
    "api:application-receipt": Row((401, 403, 404, 200, 404, 403), kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "api:application-submit": Row(
        (401, 403, 404, 400, 404, 403),  # the signatory's draft still has blocking problems
        kwargs=lambda w: {"pk": w.objects["draft"].pk},
        method="post",
        data=lambda w: {"digest": "0" * 64},
        content_type="application/json",
    ),
    "api:clarification-list": Row((401, 200, 200, 200, 403, 403)),
    "api:clarification-answer": Row(
        (401, 200, 404, 200, 404, 403),
        kwargs=lambda w: {"pk": w.objects["question"].pk},
        method="post",
        data=lambda w: {"answer": "แนบรายงานแล้ว"},
    ),
    "applications:clarifications": Row((LOGIN, 200, 200, 200, 403, 403)),
    "applications:clarification-answer": Row(
        (LOGIN, 200, 404, 200, 404, 403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "request_id": w.objects["question"].pk},
    ),
    # Scores
    "scoring:application-scores": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "scoring:estimate": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "scoring:ranking": Row((LOGIN, 403, 403, 403, 301, 301), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    # The feedback report of A's application in a cycle whose results are published (assigned to the reviewer, who
    # sees the application but is not the report's reader).
    "scoring:feedback": Row(
        (LOGIN, 200, 404, 200, 403, 200), kwargs=lambda w: {"pk": w.objects["feedback_application"].pk}
    ),
    "scoring:feedback-pdf": Row(
        (LOGIN, 200, 404, 200, 403, 200),
        kwargs=lambda w: {"pk": w.objects["feedback_application"].pk, "language": "th"},
    ),
    "scoring:runs": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "scoring:run-progress": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["run"].pk}),
    # API v1 for reviewers and admins: 401 without credentials; the predicate (403), then the scope (404)
    "api:review-assignments": Row((401, 403, 403, 403, 200, 403)),
    "api:review-verdict": Row(
        (401, 403, 404, 403, 200, 403),
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "code": "CW-01"},
        method="post",
        data=lambda w: {"status": "verified"},
        content_type="application/json",
    ),
    "api:review-rubric": Row(
        (401, 403, 404, 403, 200, 403),
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "code": "GOV-01"},
        method="put",
        data=lambda w: {"points": 3, "comment": ""},
        content_type="application/json",
    ),
    "api:review-clarifications": Row((401, 403, 404, 403, 200, 403), kwargs=lambda w: {"pk": w.objects["reviewed"].pk}),
    "api:review-clarification-close": Row(
        (401, 403, 404, 403, 200, 403),
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "request_id": w.objects["review_question"].pk},
        method="post",
    ),
    "api:cycle-standings": Row((401, 403, 403, 403, 200, 200), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "api:cycle-runs": Row((401, 403, 403, 403, 200, 200), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "api:cycle-runs POST": Row(
        (401, 403, 403, 403, 403, 202), kwargs=lambda w: {"code": w.objects["cycle"].code}, method="post"
    ),
    "api:application-assignments": Row(
        (401, 403, 403, 403, 403, 201),
        kwargs=lambda w: {"pk": w.objects["submitted"].pk},
        method="post",
        data=lambda w: {"reviewers": [w.cast.reviewer.pk]},
        content_type="application/json",
    ),
    "api:cycle-decisions": Row(
        (401, 403, 403, 403, 403, 201),
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {
            "ids": [w.objects["reviewed"].pk],
            "round": "screening",
            "outcome": "shortlisted",
            "note": "ผ่าน",
        },
        content_type="application/json",
    ),
    "api:cycle-phase": Row(
        (401, 403, 403, 403, 403, 200),
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {"to_phase": CyclePhase.SUBMISSION_CLOSED},
        content_type="application/json",
    ),
    # The admins' cycle writes: public reads of the same URLs, but a write needs credentials (401) and an admin (403)
    "api:cycle-list POST": Row(
        (401, 403, 403, 403, 403, 201),
        method="post",
        data=lambda w: {
            "code": "esc-matrix-new",
            "name_th": "รอบใหม่",
            "name_en": "New cycle",
            "esc_award_edition": 9,
            "certificate_edition": 8,
            "reference_year": 2027,
            "framework": w.objects["cycle"].framework_id,
        },
        content_type="application/json",
    ),
    "api:cycle-detail PATCH": Row(
        (401, 403, 403, 403, 403, 200),
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="patch",
        data=lambda w: {"max_points": 5, "reason": "ทดสอบ"},
        content_type="application/json",
    ),
    "api:cycle-extensions": Row(
        (401, 403, 403, 403, 403, 201),
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {
            "municipality": w.cast.municipality_b.code,
            "deadline": (timezone.now() + dt.timedelta(days=60)).isoformat(),
            "reason": "น้ำท่วม",
        },
        content_type="application/json",
    ),
    # Review workflow: "reviewed" and "reviewed2" are submitted applications of A assigned to the reviewer
    "reviews:workspace": Row((LOGIN, 403, 403, 403, 200, 403)),
    "reviews:sheet": Row(REVIEW_READ, kwargs=lambda w: {"pk": w.objects["reviewed"].pk}),
    "reviews:site-visit-photo": Row(
        REVIEW_READ, kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "photo_id": w.objects["photo"].pk}
    ),
    "reviews:value-review": Row(
        REVIEW_POST,
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "code": "CW-01"},
        method="post",
        data=lambda w: {"status": "verified"},
    ),
    "reviews:rubric-score": Row(
        REVIEW_POST,
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "code": "GOV-01"},
        method="post",
        data=lambda w: {"points": "3"},
    ),
    "reviews:site-visit": Row(
        REVIEW_POST,
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk},
        method="post",
        data=lambda w: {"visited_on": "2027-05-01", "notes": "ตรวจพื้นที่บ่อบำบัด"},
    ),
    "reviews:complete": Row(REVIEW_POST, kwargs=lambda w: {"pk": w.objects["reviewed"].pk}, method="post"),
    "reviews:clarification-close": Row(
        REVIEW_POST,
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "request_id": w.objects["review_question"].pk},
        method="post",
    ),
    "reviews:assignments": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:assign": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"pk": w.objects["submitted"].pk},
        method="post",
        data=lambda w: {"reviewer": w.cast.reviewer.pk},
    ),
    "reviews:unassign": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "reviewer_id": w.cast.reviewer.pk},
        method="post",
    ),
    "reviews:board": Row((LOGIN, 403, 403, 403, 200, 200), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:compare": Row(
        (LOGIN, 403, 403, 403, 200, 200),
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        data=lambda w: {"ids": f"{w.objects['reviewed'].pk},{w.objects['reviewed2'].pk}"},
    ),
    "reviews:decide": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {
            "ids": [w.objects["reviewed"].pk],
            "round": "screening",
            "outcome": "shortlisted",
            "note": "ผ่าน",
        },
    ),
    "reviews:decision-history": Row(
        (LOGIN, 200, 404, 200, 200, 200), kwargs=lambda w: {"pk": w.objects["reviewed"].pk}
    ),
    # Packets and exports
    "reviews:packet": Row(REVIEW_READ, kwargs=lambda w: {"pk": w.objects["reviewed"].pk, "language": "th"}),
    "reviews:exports": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:export-progress": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["export"].pk}),
    "reviews:export-download": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"pk": w.objects["export"].pk}),
    "reviews:export-excel": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:export-csv": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    # Dashboards: the cycle's for admins (the bare address goes to the newest cycle's), the municipality's for its
    # officers (no municipality in the address: each officer sees their own)
    "dashboards:cycle-latest": Row((LOGIN, 403, 403, 403, 403, 302)),
    "dashboards:cycle": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "dashboards:municipality": Row((LOGIN, 200, 200, 200, 403, 403)),
    # The ASEAN stage (admins) and the published results with their open data (everyone; an unpublished cycle: 404)
    "reviews:asean-outcomes": Row(ADMIN_ONLY_PAGE, kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:asean-outcomes POST": Row(
        ADMIN_ONLY_ACTION,
        kwargs=lambda w: {"code": w.objects["cycle"].code},
        method="post",
        data=lambda w: {"a1-application": "0", "a1-outcome": "bogus"},
    ),
    "reviews:results-list": Row(everyone(200)),
    "reviews:results-cycle": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "reviews:results-cycle GET": Row(everyone(404), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:data-dictionary": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "reviews:open-data-csv": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "reviews:open-data-csv GET": Row(everyone(404), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "reviews:open-data-json": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "reviews:data-dictionary-csv": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "reviews:data-dictionary-json": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "api:cycle-results": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "api:cycle-results GET": Row(everyone(404), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "api:cycle-open-data": Row(everyone(200), kwargs=lambda w: {"code": w.objects["published"].code}),
    "api:cycle-open-data GET": Row(everyone(404), kwargs=lambda w: {"code": w.objects["cycle"].code}),
    "applications:history": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "applications:excel-template": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "applications:excel-import": Row(APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk}),
    "applications:excel-import-run": Row(
        APPLICATION_READ, kwargs=lambda w: {"pk": w.objects["draft"].pk, "run_id": w.objects["import_run"].pk}
    ),
    "applications:excel-import-apply": Row(
        (LOGIN, 302, 404, 302, 404, 403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "run_id": w.objects["import_run"].pk},
        method="post",
    ),
}


def url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def unnamed_patterns(patterns: list[Any]) -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += unnamed_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and not pattern.name:
            found.append(str(pattern.pattern))
    return found


@pytest.mark.unit
def test_every_url_has_a_row_in_the_permission_matrix():
    resolver = get_resolver()

    named = {name.split(" ")[0] for name in MATRIX}  # "<url name> <METHOD>" rows test another method of a URL
    assert sorted(url_names(resolver.url_patterns) - named) == []
    assert sorted(named - url_names(resolver.url_patterns)) == []
    assert unnamed_patterns(resolver.url_patterns) == []


API_METHODS = ("get", "post", "put", "patch", "delete")  # HEAD and OPTIONS follow from these in DRF


def api_methods(patterns: list[Any], namespace: str = "") -> set[tuple[str, str]]:
    """(url name, METHOD) for every handler the views under the `api` namespace implement."""
    found: set[tuple[str, str]] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= api_methods(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace.startswith("api:"):
            # as_view() gives its function a view_class; the stubs type the callback as a plain callable.
            view_class = pattern.callback.view_class  # type: ignore[attr-defined]
            found |= {
                (f"{namespace}{pattern.name}", method.upper()) for method in API_METHODS if hasattr(view_class, method)
            }
    return found


@pytest.mark.unit
def test_every_method_of_every_api_url_has_a_row_in_the_permission_matrix():
    implemented = api_methods(get_resolver().url_patterns)

    rows = {(name.split(" ")[0], row.method.upper()) for name, row in MATRIX.items()}
    second_methods = {name: row.method.upper() for name, row in MATRIX.items() if " " in name}
    assert sorted(implemented - rows) == []
    assert sorted(pair for pair in rows if pair[0].startswith("api:") and pair not in implemented) == []
    assert {name: name.split(" ")[1] for name in second_methods} == second_methods


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world is built once per module (it holds four cycles with their frameworks and five stored files) and
    rolled back after the module's last test; each test changes it only inside its own savepoint."""
    with django_db_blocker.unblock(), rolled_back():
        yield build_world(make_cast())


@pytest.fixture
def world(shared_world, db) -> World:
    return shared_world


def build_world(cast: Cast) -> World:
    registration = OfficerRegistration(
        email="applicant@example.go.th",
        full_name="ผู้สมัคร ทดสอบ",
        position="นักวิชาการสิ่งแวดล้อม",
        phone="073 000 000",
        municipality=cast.municipality_b,
        requested_role=Role.EDITOR,
        password_hash="!",
        authorisation_letter_name="letter.pdf",
        authorisation_letter_sha256="0" * 64,
        status=RegistrationStatus.AWAITING_APPROVAL,
    )
    registration.authorisation_letter.save("letter.pdf", ContentFile(MINIMAL_PDF), save=False)
    registration.save()
    conflict = ReviewerConflict.objects.create(
        reviewer=cast.reviewer, municipality=cast.municipality_b, reason="เคยทำงานที่นี่"
    )
    cycle = make_cycle(
        code="esc-matrix", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    draft = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    indicator = cycle.framework.indicators.get(code="CA-01")
    IndicatorValue.objects.create(application=draft, indicator=indicator, number=88, is_copied=True)
    evidence = Evidence(
        application=draft,
        indicator=indicator,
        name="aqi.pdf",
        file_type="pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=cast.editor_a,
    )
    evidence.file.save("aqi.pdf", ContentFile(MINIMAL_PDF), save=False)
    evidence.save()
    submitted = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code="CA", by=cast.editor_a
    )
    Application.objects.filter(pk=submitted.pk).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now(), receipt_sha256="f" * 64
    )
    reviewed, reviewed2 = (
        start_application(
            cycle=cycle, municipality=cast.municipality_a, track="certificate", category_code=code, by=cast.editor_a
        )
        for code in ("CW", "CL")
    )
    Application.objects.filter(pk__in=[reviewed.pk, reviewed2.pk]).update(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now(), receipt_sha256="e" * 64
    )
    for application in (reviewed, reviewed2):
        ReviewerAssignment.objects.create(application=application, reviewer=cast.reviewer, assigned_by=cast.admin)
    visit = SiteVisit.objects.create(
        application=reviewed, visited_on=dt.date(2027, 5, 1), notes="ตรวจพื้นที่", recorded_by=cast.reviewer
    )
    photo = SiteVisitPhoto(visit=visit, name="site.png", file_type="png", sha256="0" * 64)
    photo.file.save("site.png", ContentFile(MINIMAL_PNG), save=False)
    photo.save()
    review_question = ClarificationRequest.objects.create(
        application=reviewed,
        indicator=cycle.framework.indicators.get(code="CW-01"),
        question="?",
        asked_by=cast.reviewer,
    )
    export = ExportRun(cycle=cycle, status=ExportRun.Status.DONE, total=1, done=1, requested_by=cast.admin)
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=False)
    export.save()
    question = ClarificationRequest.objects.create(
        application=draft, indicator=indicator, question="?", asked_by=cast.reviewer
    )
    token = create_api_token(user=cast.editor_a, name="ระบบจังหวัด", scope="read").token
    notification = Notification.objects.create(user=cast.editor_a, event="invitation", title="ทดสอบ", link="/")
    mailing = Mailing.objects.create(event="results_published", created_by=cast.admin)
    SentMail.objects.create(
        event="results_published",
        recipient=cast.editor_a.email,
        language="th",
        subject="ผล",
        body="ผล",
        status="held",
        mailing=mailing,
    )
    run = ScoreRun.objects.create(cycle=cycle, framework=cycle.framework, scope="cycle", reason="matrix")
    import_run = ImportRun.objects.create(
        application=draft, name="values.xlsx", sha256="0" * 64, status=ImportStatus.CHECKED, created_by=cast.editor_a
    )
    published = make_cycle(
        code="esc-published", phase=CyclePhase.NATIONAL_DECISION, results_published_at=timezone.now()
    )
    feedback_cycle = make_cycle(code="esc-matrix-published", phase=CyclePhase.ARCHIVED)
    feedback_cycle.results_published_at = timezone.now()
    feedback_cycle.save()
    feedback_application = Application.objects.create(
        cycle=feedback_cycle,
        municipality=cast.municipality_a,
        track="esc_award",
        status=ApplicationStatus.NOT_SHORTLISTED,
        submitted_at=timezone.now(),
        created_by=cast.editor_a,
    )
    ReviewerAssignment.objects.create(application=feedback_application, reviewer=cast.reviewer, assigned_by=cast.admin)
    return World(
        cast=cast,
        objects={
            "published": published,
            "feedback_application": feedback_application,
            "registration": registration,
            "conflict": conflict,
            "cycle": cycle,
            "draft": draft,
            "submitted": submitted,
            "evidence": evidence,
            "import_run": import_run,
            "question": question,
            "export": export,
            "reviewed": reviewed,
            "reviewed2": reviewed2,
            "photo": photo,
            "review_question": review_question,
            "run": run,
            "token": token,
            "notification": notification,
            "mailing": mailing,
        },
    )


def read_to_the_end(response: HttpResponseBase) -> None:
    """Read a streamed file (the letter) to its end, as a server would: the test client then closes it. (Closing it by
    hand would send request_finished, whose handler closes the database connection, and with it the transaction
    that holds the module's world.)"""
    if isinstance(response, StreamingHttpResponse):  # what `streaming` means
        response.getvalue()  # b"".join(streaming_content)


@pytest.mark.parametrize("role", CAST_ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name, role):
    row = MATRIX[name]
    user = world.cast.by_name(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name.split(" ")[0], kwargs=row.kwargs(world))  # "<url name> <METHOD>": another method

    extra = {"content_type": row.content_type} if row.content_type else {}
    response = getattr(client, row.method)(url, row.data(world), **extra)
    read_to_the_end(response)

    expected = row.statuses[CAST_ROLES.index(role)]
    if expected == LOGIN:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))
    else:
        assert response.status_code == expected
