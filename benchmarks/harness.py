"""Measuring helpers shared by the benchmarks.

- Figure: one measured figure beside a baseline measured in the same run, their ratio and whether it meets a goal.
- median_of_interleaved: wall time of several actions taking turns (a, b, a, b, ...), median per action.
- Server and throughput: the portal under gunicorn (2 sync workers, production settings) on 127.0.0.1, logged in
  as a user, driven by wrk in turns against a baseline page and a measured page; median requests per second.
"""

from __future__ import annotations

import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_FLOOR, Decimal
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Model

HOST = "127.0.0.1"  # the only address the benchmarks ever send a request to
WORKERS = 2
STARTUP_SECONDS = 60
# wrk counts every response that is not 200 (redirects included) through this script, and every one whose body lacks
# `must_contain` when a benchmark's own script sets it; a benchmark of error pages or of the log-in page is
# worthless. One thread (-t1), so one counter.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body)
  if status ~= 200 or (must_contain ~= nil and not string.find(body, must_contain, 1, true)) then
    not_ok = not_ok + 1
  end
end
function done(summary, latency, requests)
  local count = 0
  for _, thread in ipairs(threads) do count = count + thread:get("not_ok") end
  io.write(string.format("responses other than 200: %d\\n", count))
end
"""


class BenchmarkError(RuntimeError):
    """A measurement that would be meaningless (error pages, redirects, timeouts, a server that did not start)."""


# ---------------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure beside its baseline. Time figures: ratio = baseline seconds ÷ measured seconds. Throughput figures
    (requests_per_second set): ratio = measured req/s ÷ baseline req/s, and seconds are the time per request.

    The ratio is kept exact; `goal_ratio` is the number it must reach (the goal text says it for humans).
    """

    name: str
    seconds: float
    baseline_name: str
    baseline_seconds: float
    goal: str
    goal_ratio: float | None = None
    requests_per_second: float | None = None
    baseline_requests_per_second: float | None = None

    @classmethod
    def throughput(
        cls,
        name: str,
        *,
        requests_per_second: float,
        baseline_name: str,
        baseline_requests_per_second: float,
        goal: str,
        goal_ratio: float | None = None,
    ) -> Figure:
        return cls(
            name,
            1 / requests_per_second,
            baseline_name,
            1 / baseline_requests_per_second,
            goal,
            goal_ratio,
            requests_per_second,
            baseline_requests_per_second,
        )

    @property
    def ratio(self) -> float:
        if self.requests_per_second is not None and self.baseline_requests_per_second:
            return self.requests_per_second / self.baseline_requests_per_second
        return self.baseline_seconds / self.seconds if self.seconds else math.inf

    @property
    def goal_met(self) -> bool | None:
        return None if self.goal_ratio is None else self.ratio >= self.goal_ratio

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "goal_met": self.goal_met}

    def line(self) -> str:
        """One printed line: name, measured, baseline, ratio floored to 3 decimals, goal, met or not."""
        if self.requests_per_second is not None and self.baseline_requests_per_second is not None:
            measured = f"{self.requests_per_second:.1f} req/s"
            baseline = f"{self.baseline_requests_per_second:.1f} req/s"
        else:
            measured, baseline = _duration(self.seconds), _duration(self.baseline_seconds)
        verdict = {None: "no numeric goal", True: "goal met", False: "goal NOT met"}[self.goal_met]
        return (
            f"{self.name:<42} {measured:>12}  baseline {baseline:>12} ({self.baseline_name})  "
            f"ratio {floored(self.ratio)}  goal {self.goal}: {verdict}"
        )


def floored(ratio: float) -> str:
    """The ratio floored (never rounded up) to 3 decimals, so a printed figure never shows a goal reached that the
    exact value misses."""
    if not math.isfinite(ratio):
        return str(ratio)
    return str(Decimal(ratio).quantize(Decimal("0.001"), rounding=ROUND_FLOOR))


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


# ---------------------------------------------------------------------------------------------------------------
# Interleaved rounds
# ---------------------------------------------------------------------------------------------------------------


def interleaved(
    rounds: int,
    samplers: Mapping[str, Callable[[], float]],
    *,
    max_seconds: float | None = None,
    warm_up: bool = True,
) -> dict[str, list[float]]:
    """The samples of each sampler over `rounds` rounds, taking turns (a, b, a, b, ...), after one warm-up round that is
    not counted (unless the caller warmed up otherwise). A slow spell of a shared machine then falls on every sampler
    alike.

    With `max_seconds`, no new round starts once that much time has passed (at least one round is counted).
    """
    if warm_up:
        for sampler in samplers.values():
            sampler()
    started = time.monotonic()
    samples: dict[str, list[float]] = {name: [] for name in samplers}
    for _ in range(rounds):
        for name, sampler in samplers.items():
            samples[name].append(sampler())
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            break
    return samples


def _timed(action: Callable[[], object], setup: Callable[[], object] | None = None) -> Callable[[], float]:
    def sample() -> float:
        if setup is not None:
            setup()
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    return sample


def median_of_interleaved(
    rounds: int,
    actions: Mapping[str, Callable[[], object]],
    *,
    setups: Mapping[str, Callable[[], object]] | None = None,
    max_seconds: float | None = None,
) -> dict[str, float]:
    """Median wall time of each action over interleaved rounds, after an uncounted warm-up round (see interleaved).

    `setups` run, untimed, before each run of the action of the same name.
    """
    setups = setups or {}
    samplers = {name: _timed(action, setups.get(name)) for name, action in actions.items()}
    samples = interleaved(rounds, samplers, max_seconds=max_seconds)
    return _medians(samples, "s")


def _medians(samples: Mapping[str, list[float]], unit: str) -> dict[str, float]:
    """The median of each sampler's rounds; every round is shown on stderr, to judge the spread."""
    for name, values in samples.items():
        shown = " ".join(f"{value:.4g}" for value in values)
        print(f"    {name}: {shown} {unit}", file=sys.stderr)  # noqa: T201 -- the benchmark's progress
    return {name: statistics.median(values) for name, values in samples.items()}


def analyze(*models: type[Model]) -> None:
    """Give the planner statistics of the models' tables after a bulk load or a score run (autovacuum may be off:
    then nothing else does, and plans on fresh tables can be several times slower)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# ---------------------------------------------------------------------------------------------------------------
# Requests per second (gunicorn and wrk)
# ---------------------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_environment() -> dict[str, str]:
    """The environment of this process with DATABASE_URL naming the database the benchmark built (setup_databases
    renamed it in settings), so the server reads the same rows."""
    database = settings.DATABASES["default"]
    login = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else "")
    url = f"postgres://{login}@{database['HOST']}:{database['PORT']}/{quote(database['NAME'])}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}


class Server:
    """gunicorn serving portal.wsgi with 2 sync workers on 127.0.0.1 at a free port, as a process group of its own
    that is always stopped on leaving the `with` block (SIGTERM, then SIGKILL)."""

    def __init__(self, *, workers: int = WORKERS, environment: dict[str, str] | None = None) -> None:
        self.workers = workers
        self.environment = environment or {}
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in __exit__

    def __enter__(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            # No control socket: its default path is shared by every gunicorn of the user.
            "--no-control-socket",
        ]
        self.process = subprocess.Popen(  # noqa: S603 -- a fixed command line
            command,
            cwd=Path(settings.BASE_DIR),
            env={**server_environment(), **self.environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchmarkError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                status, _headers, _body = self.request("GET", "/accounts/login/")
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchmarkError(f"gunicorn answered the log-in page with {status}:\n{self.output()}")
        raise BenchmarkError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{self.output()}")

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        self.log.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def request(
        self, method: str, path: str, *, cookies: Mapping[str, str] | None = None, form: Mapping[str, str] | None = None
    ) -> tuple[int, HTTPResponse, str]:
        """One request without following redirects: status, response (for its headers), body text."""
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        http = HTTPConnection(HOST, self.port, timeout=60)
        try:
            http.request(method, path, body=body, headers=headers)
            response = http.getresponse()
            return response.status, response, response.read().decode(errors="replace")
        finally:
            http.close()

    def log_in(self, email: str, password: str) -> dict[str, str]:
        """Log in through the log-in form like a browser (CSRF cookie and token, then POST); the session and CSRF
        cookies to send with every request."""
        status, response, body = self.request("GET", "/accounts/login/")
        cookies = _cookies(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None or "csrftoken" not in cookies:
            raise BenchmarkError(f"the log-in page gave no CSRF token (status {status})")
        form = {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)}
        status, response, _body = self.request("POST", "/accounts/login/", cookies=cookies, form=form)
        cookies.update(_cookies(response))
        if status != 302 or "sessionid" not in cookies:
            raise BenchmarkError(f"logging in as {email} failed (status {status}, no session cookie)")
        return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}

    def page(self, path: str, cookies: Mapping[str, str]) -> str:
        """The page's body, after checking it answers 200 to this user (not a redirect to the log-in page)."""
        status, response, body = self.request("GET", path, cookies=cookies)
        if status != 200:
            location = response.getheader("Location", "")
            raise BenchmarkError(
                f"GET {path} answered {status} {location}; a benchmark of it would be worthless. "
                f"The server's log ends:\n{self.output()}"
            )
        return body


def _cookies(response: HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    requests: int


def wrk(url: str, cookies: Mapping[str, str], *, seconds: int, connections: int = 4, script: str = "") -> WrkResult:
    """Requests per second wrk reaches against one URL (one thread, `connections` connections, `seconds` long).

    `script` is Lua appended to the counting script: it may define `request` (to POST, or vary the path) and set
    `must_contain`, text every response body must hold to count as a success.
    Fails loudly on any response other than 200, on socket errors and timeouts, and on a run with no request done.
    """
    if not url.startswith(f"http://{HOST}:"):
        raise BenchmarkError(f"wrk is only ever aimed at {HOST}, not {url}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(WRK_SCRIPT + script)
        lua.flush()
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            lua.name,
            "-H",
            "Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()),
            url,
        ]
        try:
            done = subprocess.run(  # noqa: S603 -- a fixed command line aimed at 127.0.0.1
                command, capture_output=True, text=True, timeout=seconds + 60, check=False
            )
        except FileNotFoundError as error:
            raise BenchmarkError("wrk is not installed (scripts/bench_packages.sh installs it)") from error
    output = done.stdout + done.stderr
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    not_ok = re.search(r"responses other than 200: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if done.returncode != 0 or rate is None or total is None or not_ok is None:
        raise BenchmarkError(f"wrk failed ({done.returncode}):\n{output}")
    if int(not_ok.group(1)) or non_2xx is not None:
        raise BenchmarkError(f"wrk saw responses other than 200 from {url} (worthless to measure):\n{output}")
    if errors is not None and any(int(count) for count in errors.groups()):
        raise BenchmarkError(f"wrk saw socket errors or timeouts against {url}:\n{output}")
    if int(total.group(1)) == 0:
        raise BenchmarkError(f"wrk completed no request against {url}:\n{output}")
    return WrkResult(float(rate.group(1)), int(total.group(1)))


def throughput(
    server: Server,
    cookies: Mapping[str, str],
    paths: Mapping[str, str],
    *,
    rounds: int,
    seconds: int,
    warm_up_seconds: int = 3,
) -> dict[str, float]:
    """Median requests per second of each path, wrk taking turns between them (baseline, measured, baseline,
    ...) for `rounds` rounds, after each path was checked to answer 200 and warmed up by a shorter, uncounted run
    (workers import lazily and fill their template caches on first use)."""
    for path in paths.values():
        server.page(path, cookies)
        wrk(server.url(path), cookies, seconds=warm_up_seconds)
    samplers = {
        name: (lambda path=path: wrk(server.url(path), cookies, seconds=seconds).requests_per_second)
        for name, path in paths.items()
    }
    return _medians(interleaved(rounds, samplers, warm_up=False), "req/s")
