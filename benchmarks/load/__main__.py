"""`make load`: the portal at a working day's peak, as its users meet it.

gunicorn (production settings, 3 sync workers as the Dockerfile runs it), PostgreSQL, Redis and a Celery worker on
127.0.0.1. locust drives, for 60 s, 50 officers each autosaving values of their own municipality's application every
1 to 3 s (the pace of someone typing a figure and moving to the next field) and 10 reviewers reading the ranking
board of a scored cycle (its largest group, 2,500 applications) every 2 to 5 s. Beside it, in the same run and on
the same server, the same 60 sessions at the same pace on the hello-world page (the same middleware, session and
log-in): the baseline. Everyone logs in through the log-in form before the clock starts.

Printed per kind of request: requests, requests per second, median and 95th-percentile latency, errors; errors are
responses other than 200, answers that do not say what they must ("saved", the board's summary) and every traceback
in the server's or the worker's log (the run exits non-zero when there is one). Goals: no error; autosave p95
within 4× the hello-world p95 under the same load.
The run is bounded: at most 70 users, 60 s of load and 30 s of baseline, and every process is stopped at the end.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.harness import Server

OFFICERS = 50
REVIEWERS = 10
LOAD_SECONDS = 60
BASELINE_SECONDS = 30
GUNICORN_WORKERS = 3  # as the Dockerfile and docker-compose.yml run it
P95_GOAL = 4.0  # autosave p95 at most this many times the hello-world p95
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


@dataclass(frozen=True)
class Line:
    """One kind of request in one locust run, from its stats CSV."""

    name: str
    requests: int
    failures: int
    per_second: float
    p50_ms: float
    p95_ms: float

    def text(self) -> str:
        return (
            f"{self.name:<18} {self.requests:>7} requests {self.per_second:>7.1f} req/s  "
            f"p50 {self.p50_ms:>6.0f} ms  p95 {self.p95_ms:>6.0f} ms  errors {self.failures}"
        )


def main() -> int:
    from benchmarks.__main__ import ENVIRONMENT  # noqa: PLC0415 -- the benchmarks' throwaway environment

    os.environ.update(
        ENVIRONMENT,
        DJANGO_SETTINGS_MODULE="benchmarks.load.settings",
        DATABASE_URL=ENVIRONMENT["DATABASE_URL"].rsplit("/", 1)[0] + "/bench_esc_load",
        SECRET_KEY=secrets.token_urlsafe(64),
    )
    with tempfile.TemporaryDirectory(prefix="load-static-") as static_root:
        os.environ["BENCH_STATIC_ROOT"] = static_root
        return run()


def run() -> int:
    import django  # noqa: PLC0415 -- after the environment is complete

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.test.utils import setup_databases, teardown_databases  # noqa: PLC0415

    call_command("collectstatic", interactive=False, verbosity=0)
    state = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        return measure()
    finally:
        teardown_databases(state, verbosity=0)


def measure() -> int:
    from benchmarks.harness import Server  # noqa: PLC0415 -- Django is set up by now
    from benchmarks.load.data import build, sessions  # noqa: PLC0415

    started = time.monotonic()
    progress("building the data (a scored cycle, 50 drafts) …")
    data = build(officers=OFFICERS, reviewers=REVIEWERS)
    with tempfile.TemporaryDirectory(prefix="load-") as directory, Server(workers=GUNICORN_WORKERS) as server:
        work = Path(directory)
        worker = start_worker(work / "worker.log")
        try:
            plan = sessions(server, data)
            (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
            users = len(plan["officers"]) + len(plan["reviewers"])
            progress(f"baseline: {users} sessions on the hello-world page …")
            baseline = locust(server, work, "baseline", ["Visitor"], users=users, seconds=BASELINE_SECONDS)
            progress(f"load: {OFFICERS} officers autosaving, {REVIEWERS} reviewers on the board …")
            load = locust(server, work, "load", ["Officer", "Reviewer"], users=users, seconds=LOAD_SECONDS)
        finally:
            stop(worker)
        tracebacks = server.output().count("Traceback") + (work / "worker.log").read_text(errors="replace").count(
            "Traceback"
        )
    return report(baseline, load, tracebacks, time.monotonic() - started)


def report(baseline: dict[str, Line], load: dict[str, Line], tracebacks: int, elapsed: float) -> int:
    hello = baseline["hello-world view"]
    autosave, board = load["autosave"], load["ranking board"]
    print(  # noqa: T201
        f"make load: {OFFICERS} officers and {REVIEWERS} reviewers for {LOAD_SECONDS} s on gunicorn "
        f"({GUNICORN_WORKERS} workers), PostgreSQL, Redis, one Celery worker"
    )
    for line in (hello, autosave, board):
        print("  " + line.text())  # noqa: T201
    errors = hello.failures + autosave.failures + board.failures + tracebacks
    ratio = autosave.p95_ms / hello.p95_ms if hello.p95_ms else float("inf")
    print(f"  tracebacks in the server's and the worker's logs: {tracebacks}")  # noqa: T201
    print(f"  errors: {errors} (goal 0): {'goal met' if errors == 0 else 'goal NOT met'}")  # noqa: T201
    print(  # noqa: T201
        f"  autosave p95 ÷ hello-world p95: {ratio:.3f} (goal ≤ {P95_GOAL:g}): "
        f"{'goal met' if ratio <= P95_GOAL else 'goal NOT met'}"
    )
    print(f"  ({elapsed:.0f} s in all)")  # noqa: T201
    return 0 if errors == 0 else 1


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)  # noqa: T201 -- the run's progress


def locust(server: Server, work: Path, name: str, classes: list[str], *, users: int, seconds: int) -> dict[str, Line]:
    """Run locust headless with the given user classes; its stats per request name."""
    prefix = work / name
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *classes,
        "--headless", "--host", server.url("").rstrip("/"),
        "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--stop-timeout", "10",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603 -- a fixed command line aimed at 127.0.0.1
        command,
        env={**os.environ, "LOAD_PLAN": str(work / "plan.json")},
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    stats = prefix.with_name(f"{name}_stats.csv")
    if not stats.exists():
        output = done.stdout[-3000:] + done.stderr[-3000:]
        raise RuntimeError(f"locust wrote no statistics ({done.returncode}):\n{output}")
    return {line.name: line for line in read_stats(stats)}


def read_stats(path: Path) -> list[Line]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Line(
            name=row["Name"],
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            per_second=float(row["Requests/s"]),
            p50_ms=float(row["50%"]),
            p95_ms=float(row["95%"]),
        )
        for row in rows
        if row["Name"] != "Aggregated"
    ]


def start_worker(log_path: Path) -> subprocess.Popen[bytes]:
    """A Celery worker (prefork, 2 processes) on the portal's queue, in a process group of its own."""
    from django.conf import settings  # noqa: PLC0415

    from benchmarks.harness import server_environment  # noqa: PLC0415

    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "--pool", "prefork", "--concurrency", "2", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
        "--loglevel", "warning", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 -- a fixed command line
            command,
            cwd=settings.BASE_DIR,
            env=server_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
