"""Reading values out of parsed YAML and collecting every problem found, one sentence each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from indicators.rules.vocabulary import URL_PATTERN

# ---------------------------------------------------------------------------------------------------------------
# Small value readers. Each returns None when the value is unusable; the caller words the error, because only
# the caller knows which indicator and key the value belongs to.
# ---------------------------------------------------------------------------------------------------------------


# Numbers of a framework are written out in full (rules, messages): beyond these bounds (1e999999999, 1e-99999999)
# one would take a billion digits, so it is not read as a number.
LARGEST_NUMBER = Decimal("1e15")
FINEST_EXPONENT = -10


def to_decimal(value: object) -> Decimal | None:
    """Read a finite Decimal from an int, Decimal, float or numeric string; None otherwise (bool is not a number,
    and neither is one of 1e15 or more, or with more than 10 decimal places)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | str):
        # str() of a float gives its shortest round-trip repr, so 0.1 becomes Decimal("0.1"), not the binary value.
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite() or number.copy_abs() >= LARGEST_NUMBER:  # copy_abs is exact: abs() would round
        return None
    if number.is_zero():
        return Decimal(0)  # 0E-999999999 is 0
    exponent = number.normalize().as_tuple().exponent
    return number if isinstance(exponent, int) and exponent >= FINEST_EXPONENT else None


def to_whole(value: object) -> int | None:
    """Read a whole number from an int, an integral Decimal or a digit string; None otherwise."""
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


# ---------------------------------------------------------------------------------------------------------------
# Problem collection
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Checker:
    """Collects problems about one named thing (indicator, area or top-level key) and reads its fields."""

    where: str
    errors: list[str]

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def keys(self, data: Mapping[str, Any], allowed: Sequence[str], *, section: str = "") -> None:
        """Report every key of ``data`` that is not in ``allowed`` (typos such as "weigth" would else be lost)."""
        for key in data:
            if key in allowed:
                continue
            if section:
                self.fail(
                    _("{code}: unknown key “{key}” in {section}").format(code=self.where, key=key, section=section)
                )
            else:
                self.fail(_("{code}: unknown key “{key}”").format(code=self.where, key=key))

    def missing(self, key: str) -> None:
        self.fail(_("{code}: missing required key “{key}”").format(code=self.where, key=key))

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
        """Read a non-empty text; a missing optional key gives ""."""
        if data.get(key) is None:
            if required:
                self.missing(key)
            return ""
        value = data[key]
        if not is_text(value):
            self.fail(_("{code}: “{key}” must be non-empty text").format(code=self.where, key=key))
            return ""
        return str(value).strip()

    def number(self, data: Mapping[str, Any], key: str) -> Decimal | None:
        """Read a required number."""
        if data.get(key) is None:
            self.missing(key)
            return None
        number = to_decimal(data[key])
        if number is None:
            self.fail(
                _("{code}: “{key}” must be a number (got “{value}”)").format(code=self.where, key=key, value=data[key])
            )
        return number

    def whole(
        self, data: Mapping[str, Any], key: str, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        """Read a whole number in low..high; a missing key gives ``default`` (an error when there is no default)."""
        if data.get(key) is None:
            if default is None:
                self.missing(key)
            return default
        number = to_whole(data[key])
        if number is None or not low <= number <= high:
            self.fail(
                _("{code}: “{key}” must be a whole number from {low} to {high} (got “{value}”)").format(
                    code=self.where, key=key, low=low, high=high, value=data[key]
                )
            )
            return None
        return number

    def mapping(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any] | None:
        if data.get(key) is None:
            if required:
                self.missing(key)
            return None
        value = data[key]
        if not isinstance(value, Mapping):
            self.fail(_("{code}: “{key}” must be a mapping of keys and values").format(code=self.where, key=key))
            return None
        return value

    def sequence(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> list[Any] | None:
        if data.get(key) is None:
            if required:
                self.missing(key)
            return None
        value = data[key]
        if not isinstance(value, list):
            self.fail(_("{code}: “{key}” must be a list").format(code=self.where, key=key))
            return None
        return value

    def texts(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """Read an optional list of non-empty texts."""
        items = self.sequence(data, key, required=False) or []
        if not all(is_text(item) for item in items):
            self.fail(_("{code}: every item of “{key}” must be non-empty text").format(code=self.where, key=key))
            return ()
        return tuple(str(item).strip() for item in items)

    def urls(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        """Read an optional list of web addresses."""
        urls = self.texts(data, key)
        for url in urls:
            if not URL_PATTERN.match(url):
                self.fail(
                    _("{code}: source “{url}” is not a web address (it must start with http:// or https://)").format(
                        code=self.where, url=url
                    )
                )
        return urls


@dataclass(slots=True)
class RuleCheck(Checker):
    """A checker that also knows what the rule will score."""

    value_type: str = "number"
    max_points: int = 4
    value_range: tuple[Decimal, Decimal] | None = None

    def points(self, level: Mapping[str, Any], position: int) -> int | None:
        raw = level.get("points")
        points = to_whole(raw)
        if points is None or not 0 <= points <= self.max_points:
            self.fail(
                _(
                    "{code}: points of level {position} must be a whole number from 0 to {max_points} (got “{value}”)"
                ).format(code=self.where, position=position, max_points=self.max_points, value=raw)
            )
            return None
        return points
