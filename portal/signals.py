"""Receivers wired in PortalConfig.ready()."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpRequest

from portal.models import THAI_COLLATION
from portal.thai import thai_sort_key


def _thai_collate(left: str, right: str) -> int:
    left_key, right_key = thai_sort_key(left), thai_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


@receiver(connection_created)
def register_sqlite_thai_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite has no ICU: give it a collation under the PostgreSQL name so models work on both."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(THAI_COLLATION, _thai_collate)


@receiver(user_logged_in)
def remember_language_on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """The language chosen before logging in wins; otherwise the user's saved choice applies."""
    chosen = getattr(request, "LANGUAGE_CODE", None)
    if chosen and request.COOKIES.get("django_language") and chosen != user.preferred_language:
        user.preferred_language = chosen
        user.save(update_fields=["preferred_language"])
