"""Scoring listens to what lower apps announce, and queues runs (after their transaction commits)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from applications.models import Application
from applications.signals import application_reopened, application_submitted
from indicators.models import AwardCycle
from indicators.signals import framework_adopted
from scoring.services import request_application_score, request_cycle_rescore


@receiver(application_submitted)
def score_submitted_application(sender: Any, application_id: int, **kwargs: Any) -> None:
    application = Application.objects.select_related("cycle").filter(pk=application_id).first()
    if application is not None:
        request_application_score(application=application, reason="submitted")


@receiver(application_reopened)
def score_reopened_application(sender: Any, application_id: int, **kwargs: Any) -> None:
    application = Application.objects.select_related("cycle").filter(pk=application_id).first()
    if application is not None:
        request_application_score(application=application, reason="reopened")


@receiver(framework_adopted)
def rescore_cycle_on_new_framework(sender: Any, cycle_id: int, **kwargs: Any) -> None:
    cycle = AwardCycle.objects.filter(pk=cycle_id).first()
    if cycle is not None:
        request_cycle_rescore(cycle=cycle, reason="framework")
