"""Values as stored records keep them: decimals as canonical text, and any value made JSON-safe.

The one home of both: the framework loader writes canonical numbers into rules, and every history (a cycle's
settings changes, the audit log) stores its before and after values through ``json_safe``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone


def canonical_number(number: Decimal) -> str:
    """Return the canonical text of ``number``: plain notation, no trailing zeros ("100", "37.5", "0.01")."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def stored_decimal(value: object) -> Decimal | None:
    """A number a record keeps as text or a number (a score's JSON: areas, indicators) as a Decimal; None when it is
    missing."""
    return None if value is None or value == "" else Decimal(str(value))


def json_safe(value: Any) -> Any:
    """A value as JSON: decimals as canonical text ("0.8"), moments in Bangkok time and days as ISO text; lists,
    tuples and mappings item by item."""
    if isinstance(value, Decimal):
        return canonical_number(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    return value
