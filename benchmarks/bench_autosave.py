"""The application form as an officer fills it: autosave throughput, and the Excel import of a whole application.

Autosave: an editor logged in through the log-in form (session cookie, CSRF token) posts autosaves of changing values
to one application, rotating over its number indicators, to gunicorn (2 sync workers, production settings, PostgreSQL,
Redis), against the hello-world page behind the same middleware and session on the same server; wrk drives both in
turns (hello, autosave, ...) and the figure is the median of the rounds. The posts carry no version (the form sends
one only to detect another officer's save in between), so no answer is a conflict; every answer must be 200 and say
"saved", or the run fails. Goal: at least 50 % of the hello-world rate.

In the same turns, two floors of that figure (benchmarks/urls.py): the least any durable save of one value does, the
locked read, the update, the history row and the commit, with nothing the portal adds; once through the ORM, once as
a single SQL statement. They are printed against hello-world, and the autosave against the ORM floor: where the goal
sits against what a write costs on the machine, and what the portal's own work (scope, permission, validation,
warnings, progress counters, the answer's fragment) adds to it. Each floor's first post must add one version to the
value it writes, or the run fails.

Excel import: the time to apply (apply_import) a checked import of the application's completed template, every
indicator changed, against pandas reading the same workbook (pandas.read_excel), in turns; medians. Goal: at most
10 times the read (ratio ≥ 0.1).

Data: an open cycle on the 2024 framework; the application of one municipality with every indicator answered, and
300 other applications of the cycle with values (the peers that outlier warnings compare against).
"""

from __future__ import annotations

import io
import random
import re
import secrets
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse

from applications.imports import apply_import, check_import
from applications.models import Application, ImportRun, IndicatorValue, ValueChange
from applications.selectors import applicable_indicators
from applications.spreadsheets.columns import COLUMNS
from applications.spreadsheets.template import build_template
from benchmarks.data import draft_applications, open_cycle, sample_value, typed_codes
from benchmarks.harness import BenchmarkError, Figure, Server, analyze, interleaved, median_of_interleaved, wrk
from indicators.models import Indicator
from portal.enums import Role
from portal.models import Municipality, User
from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities

ROUNDS = 5
SECONDS = 8  # per wrk run
IMPORT_ROUNDS = 9
PEERS = 300
HELLO = "/bench/hello/"
EDITOR_EMAIL = "editor.autosave@example.go.th"
SAVED = 'data-state="saved"'  # what an autosave's answer says when the value was saved
# Each request posts the next value to the next of `paths` (number indicators, or one floor); the answer must hold
# `must_contain`.
POST_SCRIPT = """
must_contain = '%(must_contain)s'
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["HX-Request"] = "true"
  local body = "value=" .. (counter %% 90 + 5) .. "&csrfmiddlewaretoken=%(token)s"
  return wrk.format("POST", paths[counter %% #paths + 1], headers, body)
end
"""


def _values(application: Application, indicators: list[Indicator], rng: random.Random) -> list[IndicatorValue]:
    return [sample_value(application, indicator, rng) for indicator in indicators]


def build() -> tuple[Application, User, str]:
    if not Municipality.objects.exists():
        load_municipalities(rows=read_municipality_rows())
    cycle = open_cycle("bench-autosave", "ทดสอบการบันทึกอัตโนมัติ", "Bench autosave")
    municipalities = list(Municipality.objects.filter(population__gte=20_000).order_by("code")[: PEERS + 1])
    password = secrets.token_urlsafe(16)
    editor = User.objects.create_user(
        EDITOR_EMAIL, password, full_name="ผู้กรอกข้อมูล", role=Role.EDITOR, municipality=municipalities[0]
    )
    applications = draft_applications(cycle, municipalities, [editor] * len(municipalities))
    rng = random.Random(7)  # noqa: S311 -- benchmark data
    indicators = list(applicable_indicators(applications[0]))
    IndicatorValue.objects.bulk_create(
        [row for application in applications for row in _values(application, indicators, rng)], batch_size=5000
    )
    analyze(Application, IndicatorValue, ValueChange, User, Municipality, Indicator)
    return applications[0], editor, password


def _csrf_token(body: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        raise BenchmarkError("the application form has no CSRF token")
    return token.group(1)


def _post_script(paths: list[str], token: str, must_contain: str) -> str:
    return POST_SCRIPT % {
        "paths": ", ".join(f'"{path}"' for path in paths),
        "token": token,
        "must_contain": must_contain,
    }


def autosave_figures(application: Application, editor: User, password: str) -> list[Figure]:
    """Autosave and the two durable-write floors (benchmarks/urls.py) against hello-world, in turns on one server."""
    codes = typed_codes(application)
    paths = [reverse("applications:value-save", args=[application.pk, code]) for code in codes]
    floor_value = IndicatorValue.objects.get(application=application, indicator__code=codes[0])
    floors = {name: reverse(f"bench-{name}-write", args=[floor_value.pk]) for name in ("orm", "statement")}
    with Server() as server:
        cookies = server.log_in(editor.email, password)
        form = server.page(reverse("applications:detail", args=[application.pk]), cookies)
        token = _csrf_token(form)
        for path, must_say in [(paths[0], SAVED), *[(floor, "saved") for floor in floors.values()]]:
            before = IndicatorValue.objects.filter(pk=floor_value.pk).values_list("version", flat=True).get()
            status, _response, body = server.request(
                "POST", path, cookies=cookies, form={"value": "42", "csrfmiddlewaretoken": token}
            )
            after = IndicatorValue.objects.filter(pk=floor_value.pk).values_list("version", flat=True).get()
            if status != 200 or must_say not in body or after != before + 1:
                raise BenchmarkError(f"{path} answered {status} without saving:\n{body[:2000]}\n{server.output()}")
        print(f"  autosave to {len(paths)} indicators of application {application.pk}", file=sys.stderr)  # noqa: T201

        def posting(targets: list[str], must_contain: str) -> Callable[[], float]:
            script = _post_script(targets, token, must_contain)
            return lambda: wrk(server.url(targets[0]), cookies, seconds=SECONDS, script=script).requests_per_second

        samplers = {
            "hello": lambda: wrk(server.url(HELLO), cookies, seconds=SECONDS).requests_per_second,
            "autosave": posting(paths, SAVED),
            **{name: posting([path], "saved") for name, path in floors.items()},
        }
        for sampler in samplers.values():  # warm up: workers import lazily and fill their caches
            wrk(server.url(HELLO), cookies, seconds=3)
            sampler()
        rates = interleaved(ROUNDS, samplers, warm_up=False)
    for name, values in rates.items():
        print(f"    {name}: {' '.join(f'{value:.4g}' for value in values)} req/s", file=sys.stderr)  # noqa: T201
    median = {name: sorted(values)[len(values) // 2] for name, values in rates.items()}
    return [
        Figure.throughput(
            "autosave",
            requests_per_second=median["autosave"],
            baseline_name="hello-world view",
            baseline_requests_per_second=median["hello"],
            goal="≥ 0.50× the hello-world rate",
            goal_ratio=0.50,
        ),
        Figure.throughput(
            "durable write floor, ORM",
            requests_per_second=median["orm"],
            baseline_name="hello-world view",
            baseline_requests_per_second=median["hello"],
            goal="information: the least an autosave through the ORM must do",
        ),
        Figure.throughput(
            "durable write floor, one SQL statement",
            requests_per_second=median["statement"],
            baseline_name="hello-world view",
            baseline_requests_per_second=median["hello"],
            goal="information: the same write in one round trip",
        ),
        Figure.throughput(
            "autosave against the ORM floor",
            requests_per_second=median["autosave"],
            baseline_name="durable write floor, ORM",
            baseline_requests_per_second=median["orm"],
            goal="information",
        ),
    ]


def _completed_workbook(application: Application, shift: int) -> bytes:
    """The application's template with every indicator filled in (values differ by `shift`, so that each import
    changes every row)."""
    from openpyxl import load_workbook  # noqa: PLC0415 -- slow import, only here

    workbook = load_workbook(io.BytesIO(build_template(application, language="th")))
    sheet = workbook.worksheets[0]
    indicators = {indicator.code: indicator for indicator in applicable_indicators(application)}
    value, description, period = (COLUMNS.index(key) + 1 for key in ("value", "description", "period"))
    for row in range(2, sheet.max_row + 1):
        indicator = indicators[str(sheet.cell(row=row, column=1).value)]
        if indicator.value_type == "rubric":
            sheet.cell(row=row, column=value, value=(shift + row) % 5)
            sheet.cell(row=row, column=description, value=f"ดำเนินการครอบคลุม {shift + row} ชุมชน")
        elif indicator.value_type == "yes_no":
            sheet.cell(row=row, column=value, value="มี" if (shift + row) % 2 else "ไม่มี")
        elif indicator.value_type == "text":
            sheet.cell(row=row, column=value, value=f"โครงการที่ {shift + row}")
        else:
            low = indicator.min_value if indicator.min_value is not None else Decimal(0)
            high = indicator.max_value if indicator.max_value is not None else low + 100
            number = low + (high - low) * Decimal((shift + row) % 9 + 1) / 10
            sheet.cell(row=row, column=value, value=int(number) if indicator.value_type == "count" else float(number))
        sheet.cell(row=row, column=period, value=f"ปีงบประมาณ {2560 + shift % 9}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_figure(application: Application, editor: User) -> Figure:
    import pandas as pd
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    workbooks = [_completed_workbook(application, shift) for shift in (0, 1)]
    state: dict[str, ImportRun] = {}
    turn = iter(range(10_000))

    def check() -> None:
        data = workbooks[next(turn) % 2]  # alternate, so that every import changes every row
        run = check_import(application=application, file=SimpleUploadedFile("ค่า.xlsx", data), by=editor)
        if run.errors or not run.changes:
            raise BenchmarkError(f"the completed workbook did not check cleanly: {run.errors[:3]}")
        state["run"] = run

    def apply() -> None:
        applied = apply_import(run=state["run"], by=editor)
        if applied.applied_at is None:
            raise BenchmarkError("the import was not applied")

    def read() -> None:
        pd.read_excel(io.BytesIO(workbooks[0]))

    with tempfile.TemporaryDirectory(prefix="bench-media-") as media, override_settings(MEDIA_ROOT=media):
        times = median_of_interleaved(IMPORT_ROUNDS, {"read": read, "apply": apply}, setups={"apply": check})
    rows = len(state["run"].changes)
    print(f"  Excel import: {rows} changes per apply", file=sys.stderr)  # noqa: T201
    return Figure(
        "Excel import",
        times["apply"],
        "pandas.read_excel",
        times["read"],
        "≤ 10× the read (ratio ≥ 0.1)",
        0.1,
    )


def run() -> list[Figure]:
    application, editor, password = build()
    return [*autosave_figures(application, editor, password), import_figure(application, editor)]
