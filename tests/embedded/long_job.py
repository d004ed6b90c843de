"""Run as a program against the embedded settings (SQLite file, no worker): an admin asks for the ZIP of the open
demo cycle's packets. Prints one JSON line: the export's state when the page answered, and once the job ended.

The database is the file in DATABASE_URL, which the caller makes and removes.
"""

from __future__ import annotations

import io
import json
import sys
import threading
import time


def main() -> int:
    import django  # the project's modules are imported once the environment is set

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from portal.models import User
    from reviews.models import ExportRun

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email="admin@demo.esc.th"))

    started = time.monotonic()
    response = client.post(reverse("reviews:exports", args=["esc-2027"]))
    answered = time.monotonic() - started
    run = ExportRun.objects.get()
    at_answer = {"status": response.status_code, "run": run.status, "done": run.done, "total": run.total}
    page = client.get(reverse("reviews:export-progress", args=[run.pk]))
    at_answer["progress_page"] = page.status_code

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.startswith("task "):
            thread.join(timeout=600)
    ended = time.monotonic() - started
    connection.close()
    run.refresh_from_db()
    at_end = {"run": run.status, "done": run.done, "total": run.total, "file": bool(run.file)}
    print(json.dumps({"at_answer": at_answer, "at_end": at_end, "answered_s": answered, "ended_s": ended}))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
