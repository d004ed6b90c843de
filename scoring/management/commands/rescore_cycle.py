from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import AwardCycle
from scoring.services import execute_run, request_cycle_rescore


class Command(BaseCommand):
    help = "Rescore every submitted application of a cycle under its current framework version, here and now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the cycle's code, e.g. esc-2027")

    def handle(self, *args: Any, code: str, **options: Any) -> None:
        cycle = AwardCycle.objects.filter(code=code).first()
        if cycle is None:
            raise CommandError(f"No cycle has the code {code!r}.")
        # Created here and run in this process; the queued copy finds it done and returns at once.
        run = request_cycle_rescore(cycle=cycle, reason="command")
        run = execute_run(run.pk, on_progress=lambda done, total: self.stdout.write(f"  {done} of {total}"))
        self.stdout.write(
            f"Run {run.pk}: {run.done} applications scored under {run.framework} ({run.get_status_display()})."
        )
