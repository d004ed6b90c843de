"""Small template helpers shared by every app."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ scores|get_item:code }}: a dictionary's value by a variable key (empty when absent)."""
    if not hasattr(mapping, "get"):
        return ""
    return mapping.get(key, "")
