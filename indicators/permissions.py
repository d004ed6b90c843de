"""Who may act on cycles and frameworks. Visibility: admins see all; the guide is public (selectors)."""

from portal.models import User


def can_manage_cycles(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_portal_admin
