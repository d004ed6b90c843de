"""Scoring listens to what lower apps announce, and queues runs (after their transaction commits)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from applications.enums import ApplicationStatus
from applications.models import Application
from applications.signals import application_reopened, application_submitted, application_values_changed
from indicators.models import AwardCycle
from indicators.signals import SCORE_SETTINGS, cycle_settings_changed, framework_adopted
from portal.models import User
from scoring.services import request_application_score, request_cycle_rescore


def _user(by_id: int | None) -> User | None:
    return None if by_id is None else User.objects.filter(pk=by_id).first()


def _application(application_id: int) -> Application | None:
    return Application.objects.select_related("cycle").filter(pk=application_id).first()


@receiver(application_submitted)
def score_submitted_application(sender: Any, application_id: int, by_id: int | None = None, **kwargs: Any) -> None:
    application = _application(application_id)
    if application is not None:
        request_application_score(application=application, reason="submitted", by=_user(by_id))


@receiver(application_reopened)
def score_reopened_application(sender: Any, application_id: int, by_id: int | None = None, **kwargs: Any) -> None:
    """A reopened application leaves its group's standing until it is submitted again."""
    application = _application(application_id)
    if application is not None:
        request_application_score(application=application, reason="reopened", by=_user(by_id))


@receiver(application_values_changed)
def rescore_amended_application(
    sender: Any, application_id: int, by_id: int | None = None, status: str | None = None, **kwargs: Any
) -> None:
    """A draft's changes only move the live estimate; a submitted application's amendment (answering a
    clarification request) changes its stored scores. A change the sender made in a draft (an autosave) costs no
    query here."""
    if status == ApplicationStatus.DRAFT:
        return
    application = _application(application_id)
    if application is not None and application.status != ApplicationStatus.DRAFT:
        request_application_score(application=application, reason="amended", by=_user(by_id))


@receiver(framework_adopted)
def rescore_cycle_on_new_framework(sender: Any, cycle_id: int, by_id: int | None = None, **kwargs: Any) -> None:
    cycle = AwardCycle.objects.filter(pk=cycle_id).first()
    if cycle is not None:
        request_cycle_rescore(cycle=cycle, reason="framework", by=_user(by_id))


@receiver(cycle_settings_changed)
def rescore_cycle_on_new_settings(
    sender: Any, cycle_id: int, fields: list[str], by_id: int | None = None, **kwargs: Any
) -> None:
    """Tiers, weights, maximum points, tie-breaks, the completeness rule or the size classes changed: every score
    and standing of the cycle is computed again (queued after the settings change commits)."""
    changed = [name for name in fields if name in SCORE_SETTINGS]
    if not changed:
        return
    cycle = AwardCycle.objects.get(pk=cycle_id)
    request_cycle_rescore(cycle=cycle, reason=f"settings: {', '.join(changed)}", by=_user(by_id))
