"""indicators.display: the one home of how an indicator's value reads, to people and in records."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from indicators.display import canonical, canonical_text, number_text, stored_value_text, value_text
from indicators.models import Indicator

pytestmark = pytest.mark.unit

RUBRIC = Indicator(
    code="R1",
    unit="",
    value_type="rubric",
    rule={"levels": [{"points": 3, "label_th": "มีแผนแล้ว", "label_en": "Plan adopted"}]},
)
PERCENT = Indicator(code="P1", unit="percent", value_type="percent", rule={})


@pytest.mark.parametrize(
    ("number", "text"),
    [(Decimal("12.00"), "12"), (Decimal("76.10"), "76.1"), (Decimal("1234.5"), "1,234.5"), (Decimal("1E+2"), "100")],
)
def test_number_text_drops_trailing_zeros_and_separates_thousands(number, text):
    assert number_text(number) == text


@pytest.mark.parametrize(
    ("language", "level", "yes", "number"),
    [("th", "ระดับ 3", "มี", "85.5 %"), ("en", "Level 3", "Yes", "85.5 %")],
)
def test_value_text_reads_in_the_asked_language_whatever_the_active_one(language, level, yes, number):
    with translation.override("en" if language == "th" else "th"):
        assert value_text(RUBRIC, level=3, language=language) == level
        assert value_text(PERCENT, flag=True, language=language) == yes
        assert value_text(PERCENT, number=Decimal("85.50"), language=language) == number


def test_value_text_adds_the_level_label_and_describes_text_only_when_asked():
    with translation.override("en"):
        assert value_text(RUBRIC, level=3, with_level_label=True) == "Level 3 · Plan adopted"
        assert value_text(RUBRIC, level=2, with_level_label=True) == "Level 2"  # a level without a label
        assert value_text(RUBRIC, text="a plan") == ""
        assert value_text(RUBRIC, text="a plan", describe_text=True) == "described"
        assert value_text(RUBRIC, text="  ", describe_text=True) == ""


def test_stored_value_text_reads_a_stored_value_and_none_as_empty():
    value = SimpleNamespace(number=None, flag=False, level=None, text="")
    assert stored_value_text(PERCENT, value, language="en") == "No"
    assert stored_value_text(PERCENT, None, language="en") == ""


def test_canonical_forms_are_the_same_in_every_language():
    with translation.override("th"):
        assert canonical_text(level=3) == "3"
        assert canonical_text(flag=True) == "yes"
        assert canonical_text(number=Decimal("37.50")) == "37.5"
        assert canonical_text(text="free text") == "free text"
        assert (canonical(None), canonical(False), canonical(Decimal("100.0")), canonical(2566)) == (
            "",
            "no",
            "100",
            "2566",
        )
