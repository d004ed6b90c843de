"""Who may act in the review workflow. Visibility of applications: applications.selectors (404 outside it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from applications.models import Application
from portal.enums import Role
from portal.models import User


def can_manage_assignments(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_use_review_workspace(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.REVIEWER


def can_review_application(user: User, application: Application) -> bool:
    """Verify values, score rubrics, ask questions, record site visits: an assigned reviewer."""
    if not user.is_authenticated:
        return False
    if user.role != Role.REVIEWER:
        return False
    return application.assignments.filter(reviewer=user).exists()


def unassigned_refusal(user: User) -> Exception:
    """What someone who may see an application but is not assigned to it gets from a reviewer's page or endpoint: a
    reviewer (who sees it only for the committee's ranking) a 404, as for any application outside their scope;
    anyone else a 403."""
    return Http404() if user.role == Role.REVIEWER else PermissionDenied()


def can_read_every_review_sheet(user: User) -> bool:
    """Read any application's review sheet (and its site-visit photos) without acting on it: admins."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_decide(user: User) -> bool:
    """Shortlist and nominate: admins (for the national committee)."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_view_comparisons(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role in (Role.ADMIN, Role.REVIEWER)
