"""Who may act on applications. Visibility lives in selectors (outside it: 404); these say 403."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from indicators.models import AwardCycle
from indicators.selectors import deadline_for
from portal.enums import MUNICIPAL_ROLES, Role
from portal.models import Municipality, User


def is_before_deadline(cycle: AwardCycle, municipality: Municipality) -> bool:
    deadline = deadline_for(cycle, municipality)
    return deadline is None or timezone.now() <= deadline


def application_deadline(application: Application) -> dt.datetime | None:
    """The deadline that applies to the application's municipality. An application fetched through
    applications_visible_to carries its municipality's extension (annotated: no query); any other is looked up."""
    if hasattr(application, "extended_deadline"):
        return application.extended_deadline or application.cycle.submission_deadline
    return deadline_for(application.cycle, application.municipality)


def is_application_before_deadline(application: Application) -> bool:
    deadline = application_deadline(application)
    return deadline is None or timezone.now() <= deadline


def can_start_application(user: User, cycle: AwardCycle) -> bool:
    if not user.is_authenticated:
        return False
    if user.role not in MUNICIPAL_ROLES:
        return False
    if not cycle.is_open_for_submissions:
        return False
    assert user.municipality is not None  # the user_officer_has_one_municipality constraint
    return is_before_deadline(cycle, user.municipality)


def can_edit_application(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if user.role not in MUNICIPAL_ROLES:
        return False
    if user.municipality_id != application.municipality_id:
        return False
    if application.status != ApplicationStatus.DRAFT:
        return False
    return is_application_before_deadline(application)


def can_submit_application(user: User, application: Application) -> bool:
    if not can_edit_application(user, application):
        return False
    return user.role == Role.SIGNATORY


def can_reopen_application(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if user.role != Role.ADMIN:
        return False
    return application.status == ApplicationStatus.SUBMITTED
