"""Who may open which dashboard."""

from portal.enums import MUNICIPAL_ROLES, Role
from portal.models import User


def can_view_cycle_dashboard(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def can_view_municipality_dashboard(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role not in MUNICIPAL_ROLES:
        return False
    return user.municipality_id is not None
