from decimal import Decimal as D  # noqa: N817 -- short for hand-computed tables

import pytest

from reviews.aggregation import combine, normalise

pytestmark = pytest.mark.unit


def test_combine_gives_mean_median_spread_and_flags_disagreement():
    combined = combine([D(1), D(2), D(4)], threshold=D("1.0"))

    assert (combined.mean, combined.median, combined.spread, combined.count) == (D("2.33"), D("2.00"), D("1.25"), 3)
    assert combined.disagreement is True


def test_combine_of_agreeing_reviewers_is_not_a_disagreement():
    combined = combine([D(3), D(3), D(4)], threshold=D("1.0"))

    assert (combined.mean, combined.spread, combined.disagreement) == (D("3.33"), D("0.47"), False)


def test_combine_of_one_reviewer_has_no_spread_and_of_none_is_none():
    assert combine([D(2)], threshold=D(1)).spread == D("0.00")
    assert combine([], threshold=D(1)) is None


def test_normalise_evens_out_a_strict_and_a_lenient_reviewer():
    # Reviewer 1 is strict (1, 2), reviewer 2 lenient (3, 4): after normalisation both rank the same pair alike.
    scores = [(1, "a", D(1)), (1, "b", D(2)), (2, "a", D(3)), (2, "b", D(4))]

    result = normalise(scores, max_points=4)

    assert result[(1, "a")] == result[(2, "a")]
    assert result[(1, "b")] == result[(2, "b")]
    assert result[(1, "a")] < result[(1, "b")]


def test_normalise_keeps_points_of_a_reviewer_without_spread_and_clamps_to_the_scale():
    scores = [(1, "a", D(2)), (1, "b", D(2)), (2, "a", D(0)), (2, "b", D(4))]

    result = normalise(scores, max_points=4)

    assert (result[(1, "a")], result[(1, "b")]) == (D(2), D(2))
    assert all(D(0) <= value <= D(4) for value in result.values())
