"""Small template helpers shared by every app."""

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal import i18n
from portal.thai import has_thai

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


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """{{ cycle|localized }}, {{ municipality|localized:"full_name" }}: the data label in the active language
    (portal.i18n.localized)."""
    return i18n.localized(obj, field)


@register.filter
def localized_key(mapping: Any, field: str = "label") -> str:
    """{{ tier|localized_key }}: a stored dictionary's label in the active language (portal.i18n.localized_key)."""
    return i18n.localized_key(mapping, field)


@register.filter
def original(text: Any, layout: str = "inline") -> SafeString:
    """Text a person typed, as they typed it. Thai text shown in English is marked as the original: lang="th" and a
    small "original text" label, so that readers and screen readers know it was not translated.

    {{ value.comment|original }} for a line, {{ note|original:"lines" }} with its line breaks, {{ visit.notes|original:
    "block" }} as paragraphs.
    """
    text = "" if text is None else str(text)
    block = layout == "block"
    if block:
        body = linebreaks_filter(text, autoescape=True)
    elif layout == "lines":
        body = linebreaksbr(text, autoescape=True)
    else:
        body = conditional_escape(text)
    if not text or i18n.current_language() == "th" or not has_thai(text):
        return mark_safe(body)  # noqa: S308 -- escaped above
    tag = "div" if block else "span"
    return format_html(
        '<{tag} class="original-text" lang="th">{body}</{tag}><span class="original-label">{label}</span>',
        tag=tag,
        body=mark_safe(body),  # noqa: S308 -- escaped above
        label=_("original text"),
    )


@register.filter
def typed(text: Any, layout: str = "inline") -> SafeString:
    """Text a person typed, on a web page: Thai text shown on an English page is marked lang="th", so that screen
    readers speak it as Thai (WCAG 3.1.2, language of parts). {{ value.source|typed }}; {{ note|typed:"lines" }}
    keeps its line breaks. (PDFs use |original, which also labels it.)"""
    text = "" if text is None else str(text)
    body = linebreaksbr(text, autoescape=True) if layout == "lines" else conditional_escape(text)
    if not text or i18n.current_language() == "th" or not has_thai(text):
        return mark_safe(body)  # noqa: S308 -- escaped above
    return format_html('<span lang="th">{}</span>', body)
