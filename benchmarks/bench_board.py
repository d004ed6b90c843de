"""The ranking board as a committee member meets it: requests per second of its first page for the largest group of
2,500 scored applications, served by gunicorn (2 sync workers, production settings, PostgreSQL, Redis) to a
logged-in admin, against a hello-world page behind the same middleware and session on the same server.

wrk drives both from a second process on 127.0.0.1, in turns (hello, board, hello, board, ...); the figure is the
median of the rounds. Goal: the board serves at least 40 % of the hello-world rate. The board's content is kept in the
cache under a fingerprint of what it shows (reviews.board_cache), so repeated views (a committee reading the same
board) cost one small query; a second figure shows the first view after a change, with the cache off.
"""

from __future__ import annotations

import re
import sys
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.data import bench_cycle
from benchmarks.harness import BenchmarkError, Figure, Server, throughput

ROUNDS = 5
UNCACHED_ROUNDS = 3
SECONDS = 8  # per wrk run
HELLO = "/bench/hello/"


def check_group(body: str, applications: int) -> None:
    """The page must show the group asked for: its summary counts ranked and unranked rows of that group."""
    summary = re.search(r'data-testid="board-summary"[^>]*>(.*?)</p>', body, re.DOTALL)
    numbers = [int(text.replace(",", "")) for text in re.findall(r"\d[\d,]*", summary.group(1))] if summary else []
    if sum(numbers[:2]) != applications:
        raise BenchmarkError(
            f"the board did not show the group of {applications:,} applications it was asked for "
            f"(summary: {summary.group(1).strip() if summary else 'none'}); did the group key change?"
        )


def run() -> list[Figure]:
    data = bench_cycle()
    group = data.largest_group
    board = reverse("reviews:board", kwargs={"code": data.cycle.code}) + "?" + urlencode({"group": group.key})
    with Server() as server:
        cookies = server.log_in(data.admin.email, data.admin_password)
        check_group(server.page(board, cookies), group.applications)
        print(f"  board of {group.applications:,} applications ({group.key}): {board}", file=sys.stderr)  # noqa: T201
        rates = throughput(server, cookies, {"hello": HELLO, "board": board}, rounds=ROUNDS, seconds=SECONDS)
    # The first view after a change builds the page: the same board with its cache off, for information.
    with Server(environment={"BOARD_CACHE_SECONDS": "0"}) as server:
        cookies = server.log_in(data.admin.email, data.admin_password)
        check_group(server.page(board, cookies), group.applications)
        built = throughput(server, cookies, {"hello": HELLO, "board": board}, rounds=UNCACHED_ROUNDS, seconds=SECONDS)
    return [
        Figure.throughput(
            f"ranking board, {data.applications:,} applications",
            requests_per_second=rates["board"],
            baseline_name="hello-world view",
            baseline_requests_per_second=rates["hello"],
            goal="≥ 0.40× the hello-world rate",
            goal_ratio=0.40,
        ),
        Figure.throughput(
            f"ranking board, {data.applications:,} applications, every view built (no cache)",
            requests_per_second=built["board"],
            baseline_name="hello-world view",
            baseline_requests_per_second=built["hello"],
            goal="information: the first view after a change",
        ),
    ]
