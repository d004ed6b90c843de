"""Parsing and checking of entered values. Pure functions over plain data; messages are translatable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# What IndicatorValue.number can hold: 12 digits before the point, 4 after.
LARGEST = Decimal("1e12")
PLACES = Decimal("0.0001")
YES = {"yes", "y", "true", "1", "มี", "ใช่"}
NO = {"no", "n", "false", "0", "ไม่มี", "ไม่ใช่"}


@dataclass(frozen=True, slots=True)
class IndicatorRules:
    """What validation needs to know of an indicator (built from the ORM row by the caller)."""

    code: str
    value_type: str
    min_value: Decimal | None
    max_value: Decimal | None
    max_points: int = 4


@dataclass(frozen=True, slots=True)
class Parsed:
    number: Decimal | None = None
    flag: bool | None = None
    level: int | None = None


class InvalidValueError(ValueError):
    """The entered text is not a valid value for the indicator; str(error) is the message for the user."""


def parse_decimal(raw: str) -> Decimal | None:
    """'1,234.5', '๑๒.๕', '85 %' → Decimal; '' → None; raises InvalidValueError for anything else."""
    text = raw.strip().translate(THAI_DIGITS).replace(",", "").replace("%", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise InvalidValueError(_("Enter a number, e.g. 12.5")) from error
    if not number.is_finite():
        raise InvalidValueError(_("Enter a number, e.g. 12.5"))
    if number.copy_abs() >= LARGEST:  # copy_abs is exact: abs() rounds, and overflows on 1e999999999
        raise InvalidValueError(_("The number is too large."))
    return number.quantize(PLACES).normalize() if number != number.quantize(PLACES) else number


def _parse_yes_no(raw: str) -> Parsed:
    text = raw.strip().lower()
    if not text:
        return Parsed()
    if text in YES:
        return Parsed(flag=True)
    if text in NO:
        return Parsed(flag=False)
    raise InvalidValueError(_("Choose yes or no."))


def _parse_level(rules: IndicatorRules, raw: str) -> Parsed:
    number = parse_decimal(raw)
    if number is None:
        return Parsed()
    if number != number.to_integral_value() or not 0 <= number <= rules.max_points:
        raise InvalidValueError(_("Choose a level from 0 to {max_points}.").format(max_points=rules.max_points))
    return Parsed(level=int(number))


def parse_value(rules: IndicatorRules, raw: str) -> Parsed:
    """Turn the text an officer typed into a typed value, or raise InvalidValueError with a message for them."""
    if rules.value_type == "text":
        return Parsed()
    if rules.value_type == "yes_no":
        return _parse_yes_no(raw)
    if rules.value_type == "rubric":
        return _parse_level(rules, raw)
    number = parse_decimal(raw)
    if number is None:
        return Parsed()
    if rules.value_type == "count" and number != number.to_integral_value():
        raise InvalidValueError(_("Enter a whole number."))
    low, high = rules.min_value, rules.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidValueError(_("The value must be from {low} to {high}.").format(low=_plain(low), high=_plain(high)))
    return Parsed(number=number)


def _plain(number: Decimal | None) -> str:
    if number is None:
        return "…"
    text = format(number.normalize(), "f")
    return f"{Decimal(text):,}" if abs(number) >= 10_000 else text


@dataclass(frozen=True, slots=True)
class CheckFailure:
    indicators: tuple[str, ...]
    message: str


def failed_checks(
    checks: Sequence[Mapping[str, Any]], numbers: Mapping[str, Decimal | None], *, language: str
) -> list[CheckFailure]:
    """The framework's checks across indicators that the given numbers break (checks with a missing value wait)."""
    failures = []
    for check in checks:
        codes = tuple(check["indicators"])
        found = [numbers.get(code) for code in codes]
        values = [value for value in found if value is not None]
        if len(values) < len(found):
            continue
        if check["type"] == "at_most":
            broken = values[0] > values[1]
        else:
            broken = sum(values, Decimal(0)) > Decimal(check["limit"])
        if broken:
            message = check["message_th"] if language.startswith("th") else check["message_en"]
            failures.append(CheckFailure(codes, message))
    return failures
