"""API authentication by personal token (`Authorization: Bearer esc_<prefix>_<secret>`) and throttling per token.

The prefix finds the token; the secret's SHA-256 is compared in constant time. A revoked or expired token is refused
with 401 and a message in the caller's language; a read-only token may only use safe methods (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from portal.i18n import current_language
from portal.models import ApiToken, User
from portal.selectors import api_token_by_prefix
from portal.services_tokens import record_token_use, secret_matches, split_token
from portal.thai import format_date

KEYWORD = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        parts = split_token(header[1].decode(errors="replace"))
        token = api_token_by_prefix(parts[0]) if parts else None
        if parts is None or token is None or not secret_matches(token, parts[1]):
            raise exceptions.AuthenticationFailed(_("This API token is not valid."))
        if not getattr(request, "language_asked", False):
            translation.activate(token.user.preferred_language)
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This API token was revoked. Create a new one on your API tokens page.")
            )
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("This API token expired on {date}. Create a new one on your API tokens page.").format(
                    date=format_date(timezone.localdate(token.expires_at), language=current_language())
                )
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is no longer active."))
        if not token.can_write and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This token may only read. Use a read-and-write token to make changes.")
            )
        record_token_use(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class _SettingsRate(SimpleRateThrottle):
    """Read the rate from the settings at each request (DRF reads it once, at import), so tests can change it."""

    scope: str

    def get_rate(self) -> str | None:
        # The stubs type the rates as numbers; DRF reads them as "60/min" strings.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[return-value]


class PortalAnonThrottle(_SettingsRate, AnonRateThrottle):
    pass


class PortalUserThrottle(_SettingsRate, UserRateThrottle):
    """One budget per token, and one for the browser session of each user."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        return super().get_cache_key(request, view)
