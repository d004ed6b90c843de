"""Personal API tokens: create (the token is returned once, only its hash kept), revoke, and record a use.

A token reads `esc_<prefix>_<secret>`. The prefix (8 hex characters) is public: it is shown in lists and finds the
row; the secret (32 random bytes, URL-safe base64) is never stored, only its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import ApiToken, ApiTokenScope, User

TOKEN_PREFIX = "esc"  # noqa: S105 -- the public mark of our tokens, not a secret
PREFIX_PATTERN = re.compile(r"[0-9a-f]{8}")  # secrets.token_hex(4)
DEFAULT_LIFETIME = dt.timedelta(days=90)
MAX_LIFETIME = dt.timedelta(days=365)
# last_used_at is written at most this often per token, not on every request.
USE_RECORD_INTERVAL = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown to its owner once; never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token string, else None. Only a prefix of our form reaches the lookup (a NUL
    character, which PostgreSQL cannot compare, would end in a server error)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not PREFIX_PATTERN.fullmatch(parts[1]) or not parts[2]:
        return None
    return parts[1], parts[2]


def secret_matches(token: ApiToken, secret: str) -> bool:
    return hmac.compare_digest(token.secret_sha256, hash_secret(secret))


def create_api_token(*, user: User, name: str, scope: str, expires_at: dt.datetime | None = None) -> IssuedToken:
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, e.g. the system that will use it.")
    if scope not in ApiTokenScope.values:
        errors["scope"] = _("Choose read only or read and write.")
    if expires_at <= now:
        errors["expires_at"] = _("The expiry date must be in the future.")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A token can be valid for at most one year.")
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name.strip(),
                    scope=scope,
                    prefix=prefix,
                    secret_sha256=hash_secret(secret),
                    created_at=now,
                    expires_at=expires_at,
                )
        except IntegrityError:  # the prefix is taken (1 in 4 billion): draw another
            continue
        return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")
    raise RuntimeError("Could not draw a free token prefix.")


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def record_token_use(token: ApiToken) -> None:
    """Note the token's last use, writing only when the stored time is older than USE_RECORD_INTERVAL."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORD_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
