"""Template filters for Thai formatting: {{ value|be_date }}, {{ value|be_datetime }}, {{ name|addressed }}."""

import datetime as dt

from django import template
from django.utils import timezone

from portal import i18n, thai
from portal.thai import format_date, format_datetime

register = template.Library()


@register.filter
def be_date(value: dt.date | dt.datetime | None) -> str:
    """'27 พ.ย. 2569' in Thai (Buddhist Era), '27 Nov 2026' in English; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return format_date(value, language=i18n.current_language())


@register.filter
def be_datetime(value: dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_datetime(value, language=i18n.current_language())


@register.filter
def addressed(name: str) -> str:
    """The name as an e-mail's greeting says it, in the active language (portal.thai.addressed)."""
    return thai.addressed(str(name or ""), language=i18n.current_language())


@register.filter
def period(text: str | None) -> str:
    """A data period in the active language: "ปีงบประมาณ 2568" reads "fiscal year 2025" in English
    (portal.thai.period_label); any other text as it was typed."""
    return thai.period_label(str(text or ""), language=i18n.current_language())


@register.filter
def year(value: int | str | None) -> str:
    """A year stored AD, as the reader counts it: 2568 (Buddhist Era) in Thai, 2025 in English; empty for None."""
    if value is None or value == "":
        return ""
    return str(thai.buddhist_year(int(value)) if i18n.current_language() == "th" else int(value))
