"""Filters of the dashboards: an indicator value with its unit in the reader's language, and a signed change."""

from __future__ import annotations

from decimal import Decimal

from django import template

from applications.models import IndicatorValue
from indicators.display import number_text, stored_value_text
from indicators.models import Indicator
from indicators.rules.vocabulary import UNITS
from portal.i18n import current_language

register = template.Library()


@register.filter
def unit_symbol(indicator: Indicator) -> str:
    """The unit written after a number, in the reader's language ("µg/m³", "วัน" / "days"); empty for levels,
    yes/no, text and plain counts (the value says it)."""
    if indicator.value_type in ("rubric", "yes_no", "text"):
        return ""
    unit = UNITS.get(indicator.unit)
    if unit is None:
        return indicator.unit
    return unit.symbol(current_language())


@register.filter
def value_text(value: IndicatorValue | None) -> str:
    """The value as the reader reads it: "37.5 µg/m³", "Level 3" / "ระดับ 3", "Yes" / "มี"; empty for none."""
    return "" if value is None else stored_value_text(value.indicator, value, describe_text=True)


@register.filter
def signed(change: Decimal | None) -> str:
    """+1.5, −2 (a true minus sign), 0; empty for None."""
    if change is None:
        return ""
    if change > 0:
        return f"+{number_text(change)}"
    if change < 0:
        return f"−{number_text(-change)}"
    return "0"
