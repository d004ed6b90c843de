"""Values every page template needs."""

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.enums import Role
from portal.models import User
from portal.notifications.selectors import UnreadCount
from portal.selectors import pending_registration_count


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return {
        "portal_languages": settings.LANGUAGES,
        "current_role": role,
        # Lazy: counted only when a template shows it (the admin's navigation).
        "pending_registrations": SimpleLazyObject(pending_registration_count) if role == Role.ADMIN else 0,
        # The header's unread notifications: one query, only on pages that show the header.
        "unread_notifications": UnreadCount(cast(User, user)) if role is not None else None,  # a role: signed in
    }
