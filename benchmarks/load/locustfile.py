"""The users of the load run (locust): officers autosaving values of their own application, reviewers reading the
ranking board, and, for the baseline, visitors of the hello-world page with the same pacing.

What to do comes from the JSON file named by LOAD_PLAN (written by benchmarks.load): each account's session (logged
in through the log-in form before the run, so that the measured minute holds no log-in), the CSRF token of the
officer's form page, the autosave paths of its application, the board's path. A response that is not 200 or lacks
what it must say counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: PTH123, SIM115
OFFICERS = itertools.cycle(PLAN["officers"])
REVIEWERS = itertools.cycle(PLAN["reviewers"])


class PortalUser(HttpUser):
    abstract = True
    account: dict[str, Any]

    def use(self, account: dict[str, Any]) -> None:
        """Carry the account's session and CSRF cookies, as its browser does."""
        self.account = account
        for name, value in account["cookies"].items():
            self.client.cookies.set(name, value)


class Officer(PortalUser):
    """Types a value, moves to the next field (the autosave), every 1 to 3 seconds."""

    fixed_count = PLAN["officer_count"]
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.use(next(OFFICERS))
        self.turn = itertools.count()

    @task
    def autosave(self) -> None:
        turn = next(self.turn)
        path = self.account["paths"][turn % len(self.account["paths"])]
        data = {"value": str(turn % 90 + 5), "csrfmiddlewaretoken": self.account["csrf"]}
        headers = {"HX-Request": "true"}
        with self.client.post(path, data, headers=headers, name="autosave", catch_response=True) as response:
            if response.status_code != 200 or 'data-state="saved"' not in response.text:
                response.failure(f"not saved ({response.status_code})")


class Reviewer(PortalUser):
    """Reads the ranking board, every 2 to 5 seconds."""

    fixed_count = PLAN["reviewer_count"]
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.use(next(REVIEWERS))

    @task
    def board(self) -> None:
        with self.client.get(PLAN["board"], name="ranking board", catch_response=True) as response:
            if response.status_code != 200 or 'data-testid="board-summary"' not in response.text:
                response.failure(f"no board ({response.status_code})")


class Visitor(PortalUser):
    """The baseline: the hello-world page behind the same middleware and session, at the officers' pace."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.use(next(OFFICERS))

    @task
    def hello(self) -> None:
        with self.client.get(PLAN["hello"], name="hello-world view", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
