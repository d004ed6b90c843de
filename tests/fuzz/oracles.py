"""What the form's posts must answer: the state of the field and its messages, and what a saved field holds,
read from the entry independently of the portal's parser."""

from __future__ import annotations

import html
import re
from decimal import Decimal, InvalidOperation

from applications.models import IndicatorValue
from indicators.models import Indicator

LIMITS = {"period": 100, "source": 300, "text": 5000, "comment": 2000}
STATE = re.compile(r'data-state="(\w+)"')
ALERTS = re.compile(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>', re.S)
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def fragment(response) -> tuple[str, list[str], str]:
    """The state an autosave answer shows ("saved", "invalid", "conflict"), its error messages, and its body."""
    assert response.status_code < 500, response.status_code
    assert response.status_code == 200
    body = response.content.decode()
    state = STATE.search(body)
    assert state is not None, body
    return state.group(1), [html.unescape(text).strip() for text in ALERTS.findall(body)], body


def shown(value: IndicatorValue) -> str:
    """The value as the form shows it again after a reload."""
    if value.number is not None:
        return format(value.number.normalize(), "f")
    if value.level is not None:
        return str(value.level)
    if value.flag is not None:
        return "yes" if value.flag else "no"
    return ""


def as_number(raw: str) -> Decimal | None:
    """The number in an entry, read independently of the portal's parser (digits in any script, 1,234, 85 %)."""
    text = raw.strip().translate(THAI_DIGITS).replace(",", "").replace("%", "").replace(" ", "")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def check_saved(indicator: Indicator, field: str, raw: str, value: IndicatorValue | None) -> None:
    """What a saved field holds follows from the entry and the indicator's rules."""
    if field != "value":
        stored = "" if value is None else getattr(value, field)
        assert stored == raw.strip()
        assert len(stored) <= LIMITS[field]
        assert "\x00" not in stored
        return
    if indicator.value_type == "text":  # a free-text indicator's answer is its text; "value" is not read
        assert value is None or (value.number, value.flag, value.level) == (None, None, None)
        return
    if value is None or shown(value) == "":
        assert not raw.strip() or as_number(raw) is None or indicator.value_type == "yes_no"
        return
    if indicator.value_type == "yes_no":
        assert value.flag is not None
        assert raw.strip()
        return
    number = as_number(raw)
    assert number is not None, f"{raw!r} saved as {shown(value)}"
    assert number.is_finite(), f"{raw!r} saved as {shown(value)}"
    number = number.quantize(Decimal("0.0001"))  # entries are read to four decimal places
    if indicator.value_type == "rubric":
        assert value.level == number
        assert value.level is not None
        assert 0 <= value.level <= 4
        return
    assert value.number == number
    assert value.number is not None
    assert indicator.min_value is not None
    assert indicator.max_value is not None
    assert indicator.min_value <= value.number <= indicator.max_value
    if indicator.value_type == "count":
        assert value.number == value.number.to_integral_value()
