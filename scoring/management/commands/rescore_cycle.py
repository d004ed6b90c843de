from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import AwardCycle
from portal.health import portal_queue_workers
from scoring.services import execute_run, request_cycle_rescore

PING_SECONDS = 2.0


def worker_answers() -> bool:
    """Whether a Celery worker that consumes the portal's queue answers on the broker (never in the embedded mode,
    where tasks run in-process)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    try:
        return portal_queue_workers(timeout=PING_SECONDS) > 0
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Rescore every submitted application of a cycle under its current framework version: queued on the Celery "
        "worker when one answers, here and now with --sync (or when none answers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the cycle's code, e.g. esc-2027")
        parser.add_argument("--sync", action="store_true", help="run in this process, never on the worker")

    def handle(self, *args: Any, code: str, sync: bool, **options: Any) -> None:
        cycle = AwardCycle.objects.filter(code=code).first()
        if cycle is None:
            raise CommandError(f"No cycle has the code {code!r}.")
        if not sync and worker_answers():
            run = request_cycle_rescore(cycle=cycle, reason="command")
            self.stdout.write(
                f"Run {run.pk} queued on the worker ({run.total} applications); follow it on the cycle's score runs "
                "page."
            )
            return
        if not sync:
            self.stdout.write("No worker answered: running here.")
        # Created unqueued and run in this process only: one run, one executor.
        run = request_cycle_rescore(cycle=cycle, reason="command", enqueue=False)
        finished = execute_run(run.pk, on_progress=lambda done, total: self.stdout.write(f"  {done} of {total}"))
        if finished is None:
            raise CommandError(f"Run {run.pk} vanished.")
        self.stdout.write(
            f"Run {finished.pk}: {finished.done} applications scored under {finished.framework} "
            f"({finished.get_status_display()})."
        )
