"""Run as a program against the embedded settings (SQLite file): migrate, load the demo, then let several officers'
browsers autosave at the same time, each posting a run of values (0.5, 1, … 6) to its own indicator of the demo
draft.

Prints one JSON line: every answer's status and form state, and each indicator's stored value at the end.
The database is the file in DATABASE_URL, which the caller makes and removes.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
from decimal import Decimal

THREADS = 6
SAVES = 12


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
    import django  # the project's modules are imported once the environment is set

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from applications.enums import ApplicationStatus
    from applications.models import Application, IndicatorValue
    from applications.selectors import applicable_indicators
    from indicators.enums import ValueType
    from portal.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    editor = User.objects.get(email="editor@demo.esc.th")
    application = Application.objects.get(municipality=editor.municipality, status=ApplicationStatus.DRAFT)
    codes = [
        indicator.code for indicator in applicable_indicators(application) if indicator.value_type == ValueType.NUMBER
    ][:THREADS]
    connection.close()

    answers: list[dict[str, object]] = []
    lock = threading.Lock()

    def officer(code: str) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        url = reverse("applications:value-save", args=[application.pk, code])
        version = ""
        for number in range(1, SAVES + 1):
            response = client.post(url, {"value": str(Decimal(number) / 2), "version": version}, HTTP_HX_REQUEST="true")
            body = response.content.decode()
            state = re.search(r'data-state="(\w+)"', body)
            found = _version(body)
            version = found or version
            with lock:
                answers.append({"code": code, "status": response.status_code, "state": state and state.group(1)})
        connection.close()

    threads = [threading.Thread(target=officer, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = {
        value.indicator.code: str(value.number) if value.number is not None else None
        for value in IndicatorValue.objects.filter(application=application, indicator__code__in=codes).select_related(
            "indicator"
        )
    }
    print(json.dumps({"codes": codes, "saves": SAVES, "answers": answers, "stored": stored}))  # noqa: T201
    return 0


def _version(body: str) -> str:
    found = re.search(r'name="version"[^>]*value="(\d*)"', body)
    return found.group(1) if found else ""


if __name__ == "__main__":
    sys.exit(main())
