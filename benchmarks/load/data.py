"""The load run's world: the benchmarks' scored cycle (2,500 applications) moved to committee ranking for the
reviewers' board, and an open cycle where each of 50 officers has a half-filled draft of their own municipality; the
sessions of every account, logged in through the log-in form."""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.urls import reverse

from applications.models import Application, IndicatorValue, ValueChange
from applications.selectors import applicable_indicators
from benchmarks.bench_board import check_group
from benchmarks.data import bench_cycle, draft_applications, open_cycle, sample_value, typed_codes
from benchmarks.harness import BenchmarkError, Server, analyze
from indicators.enums import CyclePhase
from indicators.models import AwardCycle, Indicator
from portal.enums import Role
from portal.models import Municipality, User

HELLO = "/bench/hello/"


@dataclass(frozen=True)
class LoadData:
    password: str
    officers: list[tuple[User, Application, list[str]]]  # the officer, their draft, the codes they type into
    reviewers: list[User]
    board: str  # the board's path, its largest group
    board_applications: int


def build(*, officers: int, reviewers: int) -> LoadData:
    ranked = bench_cycle()
    AwardCycle.objects.filter(pk=ranked.cycle.pk).update(phase=CyclePhase.COMMITTEE_RANKING)
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)  # one hash for every account: hashing 60 passwords would take longer
    reviewer_accounts = User.objects.bulk_create(
        User(email=f"reviewer{n}.load@example.go.th", password=hashed, full_name=f"ผู้ตรวจ {n}", role=Role.REVIEWER)
        for n in range(reviewers)
    )
    cycle = open_cycle("load-open", "ทดสอบภาระงาน", "Load test")
    municipalities = list(Municipality.objects.filter(population__gte=20_000).order_by("code")[:officers])
    editors = User.objects.bulk_create(
        User(
            email=f"editor{n}.load@example.go.th",
            password=hashed,
            full_name=f"ผู้กรอก {n}",
            role=Role.EDITOR,
            municipality=municipality,
        )
        for n, municipality in enumerate(municipalities)
    )
    drafts = draft_applications(cycle, municipalities, editors)
    rng = random.Random(11)  # noqa: S311 -- load data
    indicators = list(applicable_indicators(drafts[0]))
    IndicatorValue.objects.bulk_create(
        sample_value(draft, indicator, rng) for draft in drafts for indicator in indicators[: len(indicators) // 2]
    )
    analyze(Application, IndicatorValue, ValueChange, User, Municipality, Indicator)
    group = ranked.largest_group
    board = reverse("reviews:board", kwargs={"code": ranked.cycle.code}) + "?" + urlencode({"group": group.key})
    return LoadData(
        password=password,
        officers=[(editor, draft, typed_codes(draft)) for editor, draft in zip(editors, drafts, strict=True)],
        reviewers=reviewer_accounts,
        board=board,
        board_applications=group.applications,
    )


def _csrf_token(body: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        raise BenchmarkError("the application form has no CSRF token")
    return token.group(1)


def sessions(server: Server, data: LoadData) -> dict[str, Any]:
    """Every account logged in through the log-in form; each officer's form opened once (its CSRF token), the board
    checked once: the plan the locust users follow."""
    officers = []
    for editor, draft, codes in data.officers:
        cookies = server.log_in(editor.email, data.password)
        form = server.page(reverse("applications:detail", args=[draft.pk]), cookies)
        paths = [reverse("applications:value-save", args=[draft.pk, code]) for code in codes]
        officers.append({"cookies": cookies, "csrf": _csrf_token(form), "paths": paths})
    reviewers = [{"cookies": server.log_in(reviewer.email, data.password)} for reviewer in data.reviewers]
    check_group(server.page(data.board, reviewers[0]["cookies"]), data.board_applications)
    return {
        "officers": officers,
        "reviewers": reviewers,
        "officer_count": len(officers),
        "reviewer_count": len(reviewers),
        "board": data.board,
        "hello": HELLO,
    }
