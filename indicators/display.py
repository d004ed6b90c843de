"""An indicator's value as text: the one home of how a value reads, to people and in records.

- `number_text`: a number as tables, packets and reports print it (12, 76.1, 1,234.5).
- `value_text`: a value as a reader sees it in the portal, the packet, the feedback report and the dashboards:
  "Level 3" (with the level's label where the reader needs it), "Yes" / "มี", the number with its unit's symbol
  ("85.5 %", "37.5 µg/m³"), "described" for a text answer where a table has no room for the text.
- `canonical_text`: the plain form that histories and import dry runs store and compare ("3", "yes", "37.5", the
  text itself), the same in every language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from django.utils import translation
from django.utils.translation import pgettext

from indicators.rules.vocabulary import with_unit
from portal.i18n import current_language, language_of
from portal.values import canonical_number

# How a yes/no answer is stored in records (histories, import dry runs).
STORED_YES, STORED_NO = "yes", "no"


class ValueLike(Protocol):
    number: Decimal | None
    flag: bool | None
    level: int | None
    text: str


def number_text(number: Decimal) -> str:
    """12, 76.1 or 1,234.5: no trailing zeros, thousands separated."""
    normalised = number.normalize()
    if normalised == normalised.to_integral_value():
        normalised = normalised.quantize(Decimal(1))
    return f"{normalised:,f}"


def level_labels(indicator: Any, language: str) -> dict[int, str]:
    """A rubric indicator's levels by points, labelled in `language`; empty for any other indicator."""
    levels = indicator.rule.get("levels", []) if indicator.value_type == "rubric" else []
    field = "label_th" if language_of(language) == "th" else "label_en"
    return {level["points"]: level[field] for level in levels}


def value_text(
    indicator: Any,
    *,
    number: Decimal | None = None,
    flag: bool | None = None,
    level: int | None = None,
    text: str = "",
    language: str | None = None,
    with_level_label: bool = False,
    describe_text: bool = False,
) -> str:
    """A value as a reader reads it in `language` (default: the active one); "" when there is none.

    `with_level_label` adds the level's label ("Level 3 · Plan adopted"); `describe_text` writes "described" for a
    text answer (a table cell), which is otherwise left to the page that shows the text itself.
    """
    chosen = language_of(language) if language is not None else current_language()
    if number is not None:
        return with_unit(number_text(number), indicator.unit, chosen)
    if level is None and flag is None and not (describe_text and text.strip()):
        return ""
    with translation.override(chosen):
        if level is not None:
            written = pgettext("rubric", "Level {level}").format(level=level)
            label = level_labels(indicator, chosen).get(level, "") if with_level_label else ""
            return f"{written} · {label}" if label else written
        if flag is not None:
            return pgettext("yes/no answer", "Yes") if flag else pgettext("yes/no answer", "No")
        return pgettext("indicator value", "described")


def stored_value_text(indicator: Any, value: ValueLike | None, **options: Any) -> str:
    """`value_text` of a stored value (an IndicatorValue); "" for none."""
    if value is None:
        return ""
    return value_text(
        indicator, number=value.number, flag=value.flag, level=value.level, text=value.text or "", **options
    )


def canonical_text(
    *, number: Decimal | None = None, flag: bool | None = None, level: int | None = None, text: str = ""
) -> str:
    """A value in the plain form records keep: "3", "yes", "37.5", or the text; "" when there is none."""
    if level is not None:
        return str(level)
    if flag is not None:
        return STORED_YES if flag else STORED_NO
    if number is not None:
        return canonical_number(number)
    return text


def canonical(value: Any) -> str:
    """Any recorded field (a value's part, a profile field) in the same plain form: "" for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return STORED_YES if value else STORED_NO
    if isinstance(value, Decimal):
        return canonical_number(value)
    return str(value)
