"""Template tags the shell's pages borrow from applications, so the portal app never imports it."""

from typing import Any

from django import template

from applications.selectors import open_calls_for

register = template.Library()


@register.inclusion_tag("applications/_open_calls.html", takes_context=True)
def open_calls(context: dict[str, Any]) -> dict[str, Any]:
    """The officer's open cycles: deadline (with the municipality's extension) and a start or continue button."""
    return {"calls": open_calls_for(context["user"]), "user": context["user"]}
