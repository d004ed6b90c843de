"""Small template helpers shared by every app."""

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ scores|get_item:code }}: a dictionary's value by a variable key (empty when absent)."""
    if not hasattr(mapping, "get"):
        return ""
    return mapping.get(key, "")


@register.filter
def plain_number(value: Any) -> str:
    """A decimal as typed, without trailing zeros, with thousands separators: 40.216, 12.75, 1,250 (empty for None)."""
    if value is None or value == "":
        return ""
    return format(Decimal(value).normalize(), ",f")
