"""Standing within a ranking group: rank, order and the tie-break that decided each place.

Pure Python: no Django, no I/O. A score run calls `rank_group` once per group (track × category × size class) and
score kind, and stores what it returns; every page, packet and export reads the stored places.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from indicators.rules.vocabulary import TIE_BREAKS  # the cycle's tie-breaks, applied after the total in its order

SHARED = "shared"  # every key equal: the row shares the rank of the row above
LOWEST = Decimal(-1)  # a missing governance score sorts below any real one


@dataclass(frozen=True, slots=True)
class Entry:
    """One application's current score in a group, as the standing needs it."""

    key: Hashable  # identifies the row (the application id)
    total: Decimal
    completeness: Decimal
    governance: Decimal | None
    eligible: bool  # counts for ranking: complete enough and, for the verified score, fully reviewed
    name_key: str  # dictionary sort key of the municipality's name: the stable order of equal rows


@dataclass(frozen=True, slots=True)
class Place:
    key: Hashable
    rank: int | None  # None: not ranked (listed after the ranked rows)
    position: int  # 1.. across the whole group, ranked rows first
    tie_break: str  # "" | a TIE_BREAKS name that separated this row from the one above | SHARED


def _sort_key(entry: Entry, criteria: Sequence[str]) -> tuple[Decimal, ...]:
    values = {"completeness": entry.completeness, "governance": entry.governance}
    return (entry.total, *(value if (value := values[name]) is not None else LOWEST for name in criteria))


def rank_group(entries: Iterable[Entry], *, tie_breaks: Sequence[str]) -> list[Place]:
    """Rank the eligible entries by total, then the cycle's tie-breaks; equal keys share a rank ("1, 2, 2, 4").

    Within equal keys the municipality's name gives a stable order. The others follow unranked, by completeness
    (highest first), then name. Unknown tie-break names are ignored.
    """
    criteria = [name for name in tie_breaks if name in TIE_BREAKS]
    keyed = [(_sort_key(entry, criteria), entry) for entry in entries]
    ranked = sorted(
        ((key, entry) for key, entry in keyed if entry.eligible),
        key=lambda item: (tuple(-value for value in item[0]), item[1].name_key),
    )
    places: list[Place] = []
    previous: tuple[Decimal, ...] | None = None
    rank = 0
    for position, (key, entry) in enumerate(ranked, start=1):
        tie_break = ""
        if previous is None or key != previous:
            rank = position
        else:
            tie_break = SHARED
        if previous is not None and key[0] == previous[0] and key != previous:
            # Equal totals: name the first tie-break that told the two apart.
            tie_break = next(name for name, a, b in zip(criteria, key[1:], previous[1:], strict=True) if a != b)
        places.append(Place(entry.key, rank, position, tie_break))
        previous = key
    others = sorted(
        (entry for _key, entry in keyed if not entry.eligible), key=lambda entry: (-entry.completeness, entry.name_key)
    )
    places.extend(Place(entry.key, None, position, "") for position, entry in enumerate(others, start=len(places) + 1))
    return places


def group_key(track: str, category: str, size_class_id: int | None) -> str:
    """The stored name of a ranking group: "esc_award||3", "certificate|CA|none" (no size class)."""
    return f"{track}|{category}|{'none' if size_class_id is None else size_class_id}"
