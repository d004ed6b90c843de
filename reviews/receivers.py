"""Reviews listen to what indicators announce: a cycle's reviewer normalisation or disagreement threshold changed."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from indicators.models import AwardCycle
from indicators.signals import cycle_settings_changed
from portal.models import User
from reviews.services import refresh_cycle_verified_values

REVIEW_SETTINGS = ("normalise_reviewers", "disagreement_threshold", "max_points")


@receiver(cycle_settings_changed)
def refresh_reviewers_points(
    sender: Any, cycle_id: int, fields: list[str], by_id: int | None = None, **kwargs: Any
) -> None:
    """Reviewers' combined rubric points depend on normalisation (on or off), the disagreement threshold and the
    points scale: every application with reviewers' work gets its verified inputs again, inside the settings
    change's transaction (the cycle rescore scoring queues for the same change then uses them)."""
    if not set(fields) & set(REVIEW_SETTINGS):
        return
    cycle = AwardCycle.objects.select_related("framework").get(pk=cycle_id)
    by = None if by_id is None else User.objects.filter(pk=by_id).first()
    refresh_cycle_verified_values(cycle=cycle, by=by, reason="settings: reviewers")
