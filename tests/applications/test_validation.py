from decimal import Decimal

import pytest
from django.utils import translation

from applications.outliers import PeerStats, is_change_outlier, is_peer_outlier, peer_stats
from applications.validation import (
    CheckFailure,
    IndicatorRules,
    InvalidValueError,
    Parsed,
    failed_checks,
    parse_decimal,
    parse_value,
)

pytestmark = pytest.mark.unit

PERCENT = IndicatorRules(code="CA-01", value_type="percent", min_value=Decimal(0), max_value=Decimal(100))
COUNT = IndicatorRules(code="CA-02", value_type="count", min_value=Decimal(0), max_value=Decimal(366))
NUMBER = IndicatorRules(code="CL-01", value_type="number", min_value=Decimal(0), max_value=Decimal(10))
UNBOUNDED = IndicatorRules(code="X-01", value_type="number", min_value=None, max_value=None)
LARGE = IndicatorRules(code="X-02", value_type="count", min_value=Decimal(0), max_value=Decimal(1_500_000))
RUBRIC = IndicatorRules(code="GOV-01", value_type="rubric", min_value=None, max_value=None)
YES_NO = IndicatorRules(code="X-03", value_type="yes_no", min_value=None, max_value=None)
TEXT = IndicatorRules(code="X-04", value_type="text", min_value=None, max_value=None)

AT_MOST = {
    "type": "at_most",
    "indicators": ["CL-04", "CE-01"],
    "limit": None,
    "message_th": "CL-04 มากกว่า CE-01 ไม่ได้",
    "message_en": "CL-04 cannot exceed CE-01.",
}
SUM_AT_MOST = {
    "type": "sum_at_most",
    "indicators": ["A-01", "A-02", "A-03"],
    "limit": "100",
    "message_th": "ผลรวมเกินร้อยละ 100",
    "message_en": "The shares add up to more than 100 %.",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def message_of(rules, raw):
    with pytest.raises(InvalidValueError) as error:
        parse_value(rules, raw)
    return str(error.value)


# ---- parse_decimal / parse_value: numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("๑๒.๕", Decimal("12.5")),
        ("๑,๒๓๔.๕", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("85 %", Decimal(85)),
        ("85%", Decimal(85)),
        ("  7  ", Decimal(7)),
        ("1 000", Decimal(1000)),
        ("-3.25", Decimal("-3.25")),
    ],
)
def test_parse_decimal_reads_thai_digits_commas_spaces_and_percent(raw, expected):
    result = parse_decimal(raw)

    assert result == expected


@pytest.mark.parametrize("raw", ["", "   ", "%", " , "])
def test_parse_decimal_treats_blank_as_no_value(raw):
    result = parse_decimal(raw)

    assert result is None


@pytest.mark.parametrize("raw", ["abc", "12.5.1", "สิบ", "NaN", "Infinity", "-inf", "1/2"])
def test_parse_decimal_refuses_what_is_not_a_finite_number(raw):
    with pytest.raises(InvalidValueError) as error:
        parse_decimal(raw)

    assert str(error.value) == "Enter a number, e.g. 12.5"


@pytest.mark.parametrize(
    ("rules", "raw", "expected"),
    [
        (PERCENT, "85", Parsed(number=Decimal(85))),
        (PERCENT, "๘๕ %", Parsed(number=Decimal(85))),
        (PERCENT, "12.75", Parsed(number=Decimal("12.75"))),
        (COUNT, "๒๔", Parsed(number=Decimal(24))),
        (NUMBER, "0.85", Parsed(number=Decimal("0.85"))),
        (UNBOUNDED, "-1,000,000", Parsed(number=Decimal(-1_000_000))),
    ],
)
def test_parse_value_returns_the_number(rules, raw, expected):
    result = parse_value(rules, raw)

    assert result == expected


@pytest.mark.parametrize("rules", [PERCENT, COUNT, NUMBER, RUBRIC, YES_NO])
@pytest.mark.parametrize("raw", ["", "  "])
def test_parse_value_of_blank_is_nothing(rules, raw):
    result = parse_value(rules, raw)

    assert result == Parsed(number=None, flag=None, level=None)


@pytest.mark.parametrize("rules", [PERCENT, COUNT, NUMBER])
def test_parse_value_refuses_text(rules):
    message = message_of(rules, "ประมาณ 12")

    assert message == "Enter a number, e.g. 12.5"


@pytest.mark.parametrize("raw", ["12.5", "0.1", "๑.๕"])
def test_parse_value_of_count_needs_a_whole_number(raw):
    message = message_of(COUNT, raw)

    assert message == "Enter a whole number."


def test_parse_value_of_count_accepts_a_whole_number_written_with_decimals():
    result = parse_value(COUNT, "24.0")

    assert result == Parsed(number=Decimal(24))


@pytest.mark.parametrize(
    ("rules", "raw", "expected"),
    [
        (PERCENT, "0", Decimal(0)),
        (PERCENT, "100", Decimal(100)),
        (PERCENT, "100.0000", Decimal(100)),
        (COUNT, "0", Decimal(0)),
        (COUNT, "366", Decimal(366)),
        (NUMBER, "10", Decimal(10)),
    ],
)
def test_parse_value_accepts_both_edges_of_the_range(rules, raw, expected):
    result = parse_value(rules, raw)

    assert result == Parsed(number=expected)


@pytest.mark.parametrize(
    ("rules", "raw", "message"),
    [
        (PERCENT, "-0.01", "The value must be from 0 to 100."),
        (PERCENT, "100.01", "The value must be from 0 to 100."),
        (PERCENT, "101 %", "The value must be from 0 to 100."),
        (COUNT, "367", "The value must be from 0 to 366."),
        (COUNT, "-1", "The value must be from 0 to 366."),
        (NUMBER, "10.5", "The value must be from 0 to 10."),
        (LARGE, "1,500,001", "The value must be from 0 to 1,500,000."),
    ],
)
def test_parse_value_refuses_a_value_outside_the_range_and_names_it(rules, raw, message):
    result = message_of(rules, raw)

    assert result == message


def test_parse_value_range_with_one_open_end_says_so():
    rules = IndicatorRules(code="X-05", value_type="number", min_value=Decimal(5), max_value=None)

    message = message_of(rules, "4")

    assert message == "The value must be from 5 to …."


# ---- parse_value: rubric ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "level"), [("0", 0), ("1", 1), ("๒", 2), ("3.0", 3), (" 4 ", 4)])
def test_parse_value_of_rubric_accepts_levels_zero_to_four(raw, level):
    result = parse_value(RUBRIC, raw)

    assert result == Parsed(level=level)


@pytest.mark.parametrize("raw", ["5", "-1", "2.5", "๕"])
def test_parse_value_of_rubric_refuses_other_levels(raw):
    message = message_of(RUBRIC, raw)

    assert message == "Choose a level from 0 to 4."


def test_parse_value_of_rubric_follows_the_cycle_top_level():
    rules = IndicatorRules(code="GOV-01", value_type="rubric", min_value=None, max_value=None, max_points=5)

    result = parse_value(rules, "5")

    assert (result, message_of(rules, "6")) == (Parsed(level=5), "Choose a level from 0 to 5.")


def test_parse_value_of_rubric_refuses_a_word():
    message = message_of(RUBRIC, "ดี")

    assert message == "Enter a number, e.g. 12.5"


# ---- parse_value: yes / no and text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("yes", True),
        ("Yes", True),
        (" YES ", True),
        ("y", True),
        ("true", True),
        ("1", True),
        ("มี", True),
        ("ใช่", True),
        ("no", False),
        ("No", False),
        ("n", False),
        ("false", False),
        ("0", False),
        ("ไม่มี", False),
        ("ไม่ใช่", False),
    ],
)
def test_parse_value_of_yes_no_reads_thai_and_english(raw, flag):
    result = parse_value(YES_NO, raw)

    assert result == Parsed(flag=flag)


@pytest.mark.parametrize("raw", ["maybe", "ไม่แน่ใจ", "2"])
def test_parse_value_of_yes_no_refuses_anything_else(raw):
    message = message_of(YES_NO, raw)

    assert message == "Choose yes or no."


@pytest.mark.parametrize("raw", ["", "anything at all", "123"])
def test_parse_value_of_text_indicator_stores_no_typed_value(raw):
    result = parse_value(TEXT, raw)

    assert result == Parsed()


def test_parse_value_message_is_translated_when_thai_is_active():
    with translation.override("th"):
        expected = translation.gettext("The value must be from {low} to {high}.").format(low="0", high="100")

        message = message_of(PERCENT, "150")

    assert message == expected


# ---- failed_checks ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cl04", "ce01", "failed"),
    [
        (Decimal(61), Decimal(60), True),
        (Decimal("60.01"), Decimal(60), True),
        (Decimal(60), Decimal(60), False),
        (Decimal(10), Decimal(60), False),
    ],
)
def test_failed_checks_at_most(cl04, ce01, failed):
    numbers = {"CL-04": cl04, "CE-01": ce01}

    result = failed_checks([AT_MOST], numbers, language="en")

    assert result == ([CheckFailure(("CL-04", "CE-01"), "CL-04 cannot exceed CE-01.")] if failed else [])


@pytest.mark.parametrize(
    ("values", "failed"),
    [
        ((Decimal(50), Decimal(30), Decimal("20.01")), True),
        ((Decimal(50), Decimal(30), Decimal(20)), False),
        ((Decimal(0), Decimal(0), Decimal(0)), False),
    ],
)
def test_failed_checks_sum_at_most(values, failed):
    numbers = dict(zip(("A-01", "A-02", "A-03"), values, strict=True))

    result = failed_checks([SUM_AT_MOST], numbers, language="en")

    expected = [CheckFailure(("A-01", "A-02", "A-03"), "The shares add up to more than 100 %.")]
    assert result == (expected if failed else [])


@pytest.mark.parametrize(
    ("check", "numbers"),
    [
        (AT_MOST, {"CL-04": Decimal(90)}),
        (AT_MOST, {"CL-04": Decimal(90), "CE-01": None}),
        (AT_MOST, {"CE-01": Decimal(10)}),
        (SUM_AT_MOST, {"A-01": Decimal(90), "A-02": Decimal(90)}),
        (SUM_AT_MOST, {"A-01": Decimal(90), "A-02": Decimal(90), "A-03": None}),
        (SUM_AT_MOST, {}),
    ],
)
def test_failed_checks_skips_a_check_with_a_missing_value(check, numbers):
    result = failed_checks([check], numbers, language="en")

    assert result == []


@pytest.mark.parametrize(
    ("language", "message"),
    [("th", "CL-04 มากกว่า CE-01 ไม่ได้"), ("th-th", "CL-04 มากกว่า CE-01 ไม่ได้"), ("en", "CL-04 cannot exceed CE-01.")],
)
def test_failed_checks_speaks_the_language_asked_for(language, message):
    numbers = {"CL-04": Decimal(70), "CE-01": Decimal(60)}

    result = failed_checks([AT_MOST], numbers, language=language)

    assert [failure.message for failure in result] == [message]


def test_failed_checks_reports_every_broken_check_in_order():
    numbers = {"CL-04": Decimal(70), "CE-01": Decimal(60), "A-01": Decimal(60), "A-02": Decimal(60), "A-03": Decimal(1)}

    result = failed_checks([AT_MOST, SUM_AT_MOST], numbers, language="en")

    assert [failure.indicators for failure in result] == [("CL-04", "CE-01"), ("A-01", "A-02", "A-03")]


# ---- outliers: peers ------------------------------------------------------------------------------------------


def decimals(*values):
    return [Decimal(str(value)) for value in values]


def test_peer_stats_needs_at_least_five_peers():
    result = peer_stats(decimals(10, 11, 12, 13))

    assert result is None


def test_peer_stats_gives_median_scaled_mad_and_count():
    result = peer_stats(decimals(10, 11, 12, 13, 14))

    assert result == PeerStats(median=Decimal(12), mad=Decimal("1.4826"), count=5)


def test_peer_stats_median_of_an_even_number_of_peers():
    result = peer_stats(decimals(1, 2, 3, 4, 5, 6))

    assert result == PeerStats(median=Decimal("3.5"), mad=Decimal("1.5") * Decimal("1.4826"), count=6)


def test_peer_stats_is_robust_to_one_extreme_peer():
    result = peer_stats(decimals(10, 11, 12, 13, 10_000))

    assert result == PeerStats(median=Decimal(12), mad=Decimal("1.4826"), count=5)


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        # z = |value − 12| / 1.4826; the limit 3.5 is 5.1891 away from the median, itself not flagged.
        (Decimal("17.1891"), False),
        (Decimal("17.1892"), True),
        (Decimal("6.8109"), False),
        (Decimal("6.8108"), True),
        (Decimal(12), False),
        (Decimal(100), True),
    ],
)
def test_is_peer_outlier_flags_a_robust_z_above_three_and_a_half(value, flagged):
    stats = peer_stats(decimals(10, 11, 12, 13, 14))

    result = is_peer_outlier(value, stats)

    assert result is flagged


def test_is_peer_outlier_without_enough_peers_flags_nothing():
    stats = peer_stats(decimals(10, 11, 12, 13))

    result = is_peer_outlier(Decimal(1_000_000), stats)

    assert result is False


@pytest.mark.parametrize(
    ("value", "flagged"),
    [(Decimal(50), False), (Decimal(75), False), (Decimal(25), False), (Decimal("75.01"), True), (Decimal(24), True)],
)
def test_is_peer_outlier_with_mad_zero_flags_only_a_large_difference(value, flagged):
    stats = peer_stats(decimals(50, 50, 50, 50, 60))

    result = is_peer_outlier(value, stats)

    assert (stats.mad, result) == (Decimal(0), flagged)


@pytest.mark.parametrize(("value", "flagged"), [(Decimal(0), False), (Decimal(1), False), (Decimal("1.5"), True)])
def test_is_peer_outlier_with_mad_zero_around_zero_needs_a_difference_above_one(value, flagged):
    stats = peer_stats(decimals(0, 0, 0, 0, 0))

    result = is_peer_outlier(value, stats)

    assert result is flagged


# ---- outliers: previous cycle ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "previous", "flagged"),
    [
        (Decimal(150), Decimal(100), False),
        (Decimal("150.01"), Decimal(100), True),
        (Decimal(50), Decimal(100), False),
        (Decimal("49.99"), Decimal(100), True),
        (Decimal(100), Decimal(100), False),
        (Decimal(-16), Decimal(-10), True),
        (Decimal(-14), Decimal(-10), False),
    ],
)
def test_is_change_outlier_flags_a_change_of_more_than_half(value, previous, flagged):
    result = is_change_outlier(value, previous)

    assert result is flagged


def test_is_change_outlier_without_a_previous_value_flags_nothing():
    result = is_change_outlier(Decimal(1_000), None)

    assert result is False


@pytest.mark.parametrize(
    ("value", "flagged"), [(Decimal(0), False), (Decimal("0.5"), False), (Decimal(1), True), (Decimal(-3), True)]
)
def test_is_change_outlier_from_a_previous_zero_flags_a_value_of_one_or_more(value, flagged):
    result = is_change_outlier(value, Decimal(0))

    assert result is flagged
