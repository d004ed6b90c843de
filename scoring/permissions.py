"""Who may see rankings and run rescoring."""

from portal.enums import Role
from portal.models import User


def can_view_rankings(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role in (Role.ADMIN, Role.REVIEWER)


def can_rescore(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN
