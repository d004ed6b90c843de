"""Who may act on identity data. One condition per line; views and the API ask these, never re-derive them."""

from __future__ import annotations

from portal.enums import Role
from portal.models import Municipality, User


def can_manage_users(user: User) -> bool:
    """Approve registrations, create reviewers and admins, see officers' personal data."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_correct_municipality(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_invite_editors(user: User, municipality: Municipality) -> bool:
    if not user.is_authenticated:
        return False
    if user.role != Role.SIGNATORY:
        return False
    return user.municipality_id == municipality.pk


def can_declare_conflicts(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.REVIEWER


def can_view_all_conflicts(user: User) -> bool:
    """Admins see every reviewer's declared conflicts (they assign reviewers around them)."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_manage_mail(user: User) -> bool:
    """Edit mail templates, read the mail log, release or cancel held mailings."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_view_audit_log(user: User) -> bool:
    """Read the audit log of every admin and committee action. Nobody may change it."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN
