"""Outlier warnings: against the municipality's previous cycle and against peers of its size class.

Robust statistics (median and MAD), so one extreme peer does not hide another. Pure Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

# A value whose robust z-score exceeds this is unusual among peers (Iglewicz & Hoaglin's 3.5).
PEER_Z_LIMIT = Decimal("3.5")
MIN_PEERS = 5
# A change from the previous cycle larger than this share of the old value is worth a comment.
PREVIOUS_CHANGE_LIMIT = Decimal("0.5")
MAD_SCALE = Decimal("1.4826")


@dataclass(frozen=True, slots=True)
class PeerStats:
    median: Decimal
    mad: Decimal
    count: int


def peer_stats(values: Sequence[Decimal]) -> PeerStats | None:
    """Median and scaled MAD of peers' values; None with too few peers to judge."""
    if len(values) < MIN_PEERS:
        return None
    middle = Decimal(median(values))
    mad = Decimal(median([abs(value - middle) for value in values])) * MAD_SCALE
    return PeerStats(median=middle, mad=mad, count=len(values))


def is_peer_outlier(value: Decimal, stats: PeerStats | None) -> bool:
    if stats is None:
        return False
    if stats.mad == 0:
        # Most peers report the same value: only a different one stands out, and only if it differs a lot.
        return abs(value - stats.median) > max(abs(stats.median) * PREVIOUS_CHANGE_LIMIT, Decimal(1))
    return abs(value - stats.median) / stats.mad > PEER_Z_LIMIT


def is_change_outlier(value: Decimal, previous: Decimal | None) -> bool:
    if previous is None:
        return False
    if previous == 0:
        return value != 0 and abs(value) >= 1
    return abs(value - previous) / abs(previous) > PREVIOUS_CHANGE_LIMIT
