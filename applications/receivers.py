"""Applications listen to what indicators announce: a cycle's size-class bands changed, its results published."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from applications.models import Application
from applications.notifications import notify_results_published
from applications.selectors import size_class_for
from indicators.models import AwardCycle
from indicators.signals import cycle_settings_changed, results_published


@receiver(cycle_settings_changed)
def rederive_size_classes(sender: Any, cycle_id: int, fields: list[str], **kwargs: Any) -> None:
    """Each application of the cycle competes in the band its declared population now falls in. Runs inside the
    settings change's transaction; the rescore that scoring queues for the same change re-ranks the groups."""
    if "size_classes" not in fields:
        return
    cycle = AwardCycle.objects.prefetch_related("size_classes").get(pk=cycle_id)
    changed = []
    for application in Application.objects.filter(cycle=cycle).only("pk", "population", "size_class_id"):
        size = size_class_for(cycle, application.population)
        size_id = size.pk if size is not None else None
        if size_id != application.size_class_id:
            application.size_class_id = size_id
            changed.append(application)
    Application.objects.bulk_update(changed, ["size_class"], batch_size=500)


@receiver(results_published)
def announce_results(sender: Any, cycle: AwardCycle, **kwargs: Any) -> None:
    """Sent after the publication commits: the mailing to the municipalities that took part waits in the outbox for
    an admin to release it."""
    notify_results_published(cycle)
