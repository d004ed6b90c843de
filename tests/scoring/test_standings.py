"""The standing of one group, computed once per score run: rank, order and the tie-break that decided each place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.standings import SHARED, Entry, Place, group_key, rank_group

pytestmark = pytest.mark.unit

D = Decimal
TIE_BREAKS = ["completeness", "governance"]


def entry(key, total, completeness="0.900", governance="40", *, eligible=True, name=None):
    return Entry(
        key=key,
        total=D(total),
        completeness=D(completeness),
        governance=None if governance is None else D(governance),
        eligible=eligible,
        name_key=name or key,
    )


def test_rank_group_orders_by_total_then_the_tie_breaks_and_shares_equal_ranks():
    entries = [
        entry("ฉ", "50.00", "0.850", "10"),
        entry("ง", "60.00", "0.900", "20"),
        entry("ข", "60.00", "1.000", "30"),
        entry("ก", "70.00", "0.900", "40"),
        entry("จ", "60.00", "0.900", "20"),
        entry("ค", "60.00", "0.900", "80"),
    ]

    places = rank_group(entries, tie_breaks=TIE_BREAKS)

    assert places == [
        Place("ก", 1, 1, ""),
        Place("ข", 2, 2, ""),  # the first of a total: nothing to break against above it
        Place("ค", 3, 3, "completeness"),  # same total as ข, behind on completeness
        Place("ง", 4, 4, "governance"),  # same total and completeness as ค, behind on governance
        Place("จ", 4, 5, SHARED),  # equal on every key: the rank is shared, the name orders them
        Place("ฉ", 6, 6, ""),
    ]


def test_rank_group_lists_the_ineligible_after_the_ranked_by_completeness_then_name():
    entries = [
        entry("ข", "90.00", "0.500", eligible=False),
        entry("ก", "40.00"),
        entry("ค", "95.00", "0.700", eligible=False),
        entry("ง", "10.00", "0.700", eligible=False),
    ]

    places = rank_group(entries, tie_breaks=TIE_BREAKS)

    assert places == [Place("ก", 1, 1, ""), Place("ค", None, 2, ""), Place("ง", None, 3, ""), Place("ข", None, 4, "")]


def test_rank_group_follows_the_cycles_order_of_tie_breaks():
    entries = [entry("ก", "60.00", "1.000", "10"), entry("ข", "60.00", "0.900", "90")]

    by_governance = rank_group(entries, tie_breaks=["governance", "completeness"])
    by_total_only = rank_group(entries, tie_breaks=[])

    assert by_governance == [Place("ข", 1, 1, ""), Place("ก", 2, 2, "governance")]
    assert by_total_only == [Place("ก", 1, 1, ""), Place("ข", 1, 2, SHARED)]


def test_rank_group_ignores_unknown_tie_breaks_and_puts_a_missing_governance_last():
    entries = [entry("ก", "60.00", governance=None), entry("ข", "60.00", governance="0")]

    places = rank_group(entries, tie_breaks=["trend", "governance"])

    assert places == [Place("ข", 1, 1, ""), Place("ก", 2, 2, "governance")]


def test_rank_group_of_nothing_is_empty():
    assert rank_group([], tie_breaks=TIE_BREAKS) == []


@pytest.mark.parametrize(
    ("track", "category", "size", "key"),
    [("esc_award", "", 3, "esc_award||3"), ("certificate", "CA", None, "certificate|CA|none")],
)
def test_group_key_names_track_category_and_size_class(track, category, size, key):
    assert group_key(track, category, size) == key
