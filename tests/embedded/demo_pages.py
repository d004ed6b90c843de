"""Run as a program against the embedded settings (SQLite file, no worker, no Redis): the demo's people visit the
pages they use, in Thai and in English. Prints one JSON line: each visit's status, and how the board's second view
was served.

The database is the file in DATABASE_URL, which the caller makes and removes.
"""

from __future__ import annotations

import io
import json
import re
import sys

LANGUAGES = ("th", "en")


def main() -> int:
    import django  # the project's modules are imported once the environment is set

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from applications.models import Application
    from portal.models import User
    from scoring.models import ApplicationScore

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    cycle = "esc-2027"
    application = Application.objects.filter(cycle__code=cycle).exclude(status="draft").order_by("pk").first()
    assert application is not None
    pk, municipality = application.pk, application.municipality.code

    everyone: list[str | tuple[str, str | int]] = [
        "home",
        "applications:list",
        "indicators:guide-index",
        "reviews:results-list",
    ]
    everyone.append("portal:notification-list")
    pages: dict[str, list[str | tuple[str, str | int]]] = {
        "admin@demo.esc.th": [
            *everyone,
            ("reviews:board", cycle),
            ("reviews:compare", cycle),
            ("reviews:assignments", cycle),
            ("reviews:exports", cycle),
            ("scoring:runs", cycle),
            "indicators:cycle-list",
            ("indicators:cycle-detail", cycle),
            ("dashboards:cycle", cycle),
            ("applications:detail", pk),
            ("applications:history", pk),
            ("scoring:application-scores", pk),
            ("reviews:decision-history", pk),
            "portal:registration-list",
            "portal:user-list",
            "portal:conflict-list",
            "portal:mail-template-list",
            "portal:audit-log",
            ("portal:municipality-detail", municipality),
        ],
        "reviewer@demo.esc.th": [*everyone, "reviews:workspace", ("reviews:board", cycle), ("reviews:sheet", pk)],
        "editor@demo.esc.th": [*everyone, "dashboards:municipality", "applications:clarifications"],
    }
    visits = []
    for email, names in pages.items():
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=email))
        for language in LANGUAGES:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for page in names:
                name, *args = (page,) if isinstance(page, str) else page
                url = reverse(str(name), args=args)
                visits.append({"who": email, "language": language, "url": url, "status": client.get(url).status_code})

    admin = Client(raise_request_exception=False)
    admin.force_login(User.objects.get(email="admin@demo.esc.th"))
    board = reverse("reviews:board", args=[cycle])
    first, second = admin.get(board), admin.get(board)
    kept = {"statuses": [first.status_code, second.status_code], "second_built": second.context is not None}
    # The scores' explanations name values as the officers typed them: no float noise from SQLite ("40.8999…").
    explained = json.dumps(list(ApplicationScore.objects.values_list("indicators", flat=True)), ensure_ascii=False)
    noisy = re.findall(r"\d+\.\d{8,}", explained)
    print(json.dumps({"visits": visits, "board": kept, "noisy_numbers": noisy[:5], "scores": len(explained)}))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
