from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from applications.enums import ApplicationStatus
from applications.models import Application
from reviews.packets import LANGUAGES, render_packet_pdf
from scoring.feedback import render_feedback_pdf

DEMO_CYCLE = "esc-2027"


class Command(BaseCommand):
    help = (
        "Write the sample nomination packets docs/samples/packet-th.pdf and packet-en.pdf, and the sample feedback "
        "reports feedback-th.pdf and feedback-en.pdf, from a shortlisted application of the demo data (run "
        "manage.py seed_demo first; this command loads nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", default=DEMO_CYCLE, help=f"the cycle's code (default {DEMO_CYCLE})")
        parser.add_argument("--application", type=int, help="the application's id (default: a shortlisted one)")
        parser.add_argument(
            "--out", type=Path, default=Path(settings.BASE_DIR) / "docs" / "samples", help="folder to write to"
        )

    def handle(self, *args: Any, cycle: str, application: int | None, out: Path, **options: Any) -> None:
        chosen = self._application(cycle, application)
        out.mkdir(parents=True, exist_ok=True)
        for language in LANGUAGES:
            path = out / f"packet-{language}.pdf"
            path.write_bytes(render_packet_pdf(chosen, language=language))
            self.stdout.write(f"{path} ({path.stat().st_size // 1024} KB): {chosen}")
        # The municipality's feedback report on the same application, as it reads it once results are published
        # (the sample is written whatever the demo cycle's publication: it shows the document, not the gate).
        for language in LANGUAGES:
            path = out / f"feedback-{language}.pdf"
            path.write_bytes(render_feedback_pdf(chosen, language=language))
            self.stdout.write(f"{path} ({path.stat().st_size // 1024} KB): {chosen}")

    def _application(self, cycle: str, pk: int | None) -> Application:
        applications = Application.objects.filter(cycle__code=cycle).select_related(
            "cycle__framework", "municipality__province", "size_class"
        )
        if pk is not None:
            found = applications.filter(pk=pk).first()
            if found is None:
                raise CommandError(f"Cycle {cycle!r} has no application {pk}.")
            return found
        # The ESC Award track first (every area in one packet), then by municipality code: the same sample each time.
        found = (
            applications.filter(status=ApplicationStatus.SHORTLISTED).order_by("-track", "municipality__code").first()
        )
        if found is None:
            raise CommandError(
                f"Cycle {cycle!r} has no shortlisted application. Load the demo data first: manage.py seed_demo."
            )
        return found
