"""Template tags that pages of lower layers borrow from reviews, so those apps never import it."""

from typing import Any

from django import template

from applications.enums import ApplicationStatus
from applications.models import Application
from scoring.permissions import can_view_rankings

register = template.Library()


@register.inclusion_tag("reviews/_packet_links.html", takes_context=True)
def packet_links(context: dict[str, Any], application: Application) -> dict[str, Any]:
    """Links to the application's nomination packet in Thai and English, for those who may read packets."""
    user = context["user"]
    shown = application.status != ApplicationStatus.DRAFT and can_view_rankings(user)
    return {"application": application, "shown": shown}
