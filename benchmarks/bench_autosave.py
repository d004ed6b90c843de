"""The application form as an officer fills it: autosave throughput, and the Excel import of a whole application.

Autosave: an editor logged in through the log-in form (session cookie, CSRF token) posts autosaves of changing values
to one application, rotating over its number indicators, to gunicorn (2 sync workers, production settings, PostgreSQL,
Redis), against the hello-world page behind the same middleware and session on the same server; wrk drives both in
turns (hello, autosave, ...) and the figure is the median of the rounds. The posts carry no version (the form sends
one only to detect another officer's save in between), so no answer is a conflict; every answer must be 200 and say
"saved", or the run fails. Goal: at least 50 % of the hello-world rate.

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
# Each request posts the next value to the next number indicator; the answer must say "saved".
AUTOSAVE_SCRIPT = """
must_contain = 'data-state="saved"'
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


def autosave_figure(application: Application, editor: User, password: str) -> Figure:
    codes = typed_codes(application)
    paths = [reverse("applications:value-save", args=[application.pk, code]) for code in codes]
    with Server() as server:
        cookies = server.log_in(editor.email, password)
        form = server.page(reverse("applications:detail", args=[application.pk]), cookies)
        token = _csrf_token(form)
        status, _response, body = server.request(
            "POST", paths[0], cookies=cookies, form={"value": "42", "csrfmiddlewaretoken": token}
        )
        if status != 200 or 'data-state="saved"' not in body:
            raise BenchmarkError(f"an autosave answered {status} without saving:\n{body[:2000]}\n{server.output()}")
        script = AUTOSAVE_SCRIPT % {"paths": ", ".join(f'"{path}"' for path in paths), "token": token}
        print(f"  autosave to {len(paths)} indicators of application {application.pk}", file=sys.stderr)  # noqa: T201
        samplers = {
            "hello": lambda: wrk(server.url(HELLO), cookies, seconds=SECONDS).requests_per_second,
            "autosave": lambda: wrk(server.url(paths[0]), cookies, seconds=SECONDS, script=script).requests_per_second,
        }
        for sampler in samplers.values():  # warm up: workers import lazily and fill their caches
            wrk(server.url(HELLO), cookies, seconds=3)
            sampler()
        rates = interleaved(ROUNDS, samplers, warm_up=False)
    for name, values in rates.items():
        print(f"    {name}: {' '.join(f'{value:.4g}' for value in values)} req/s", file=sys.stderr)  # noqa: T201
    hello = sorted(rates["hello"])[len(rates["hello"]) // 2]
    autosave = sorted(rates["autosave"])[len(rates["autosave"]) // 2]
    return Figure.throughput(
        "autosave",
        requests_per_second=autosave,
        baseline_name="hello-world view",
        baseline_requests_per_second=hello,
        goal="≥ 0.50× the hello-world rate",
        goal_ratio=0.50,
    )


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
    return [autosave_figure(application, editor, password), import_figure(application, editor)]
