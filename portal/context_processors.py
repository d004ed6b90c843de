"""Values every page template needs."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "portal_languages": settings.LANGUAGES,
        "current_role": getattr(user, "role", None) if user is not None and user.is_authenticated else None,
    }
