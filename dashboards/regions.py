"""Thailand's six geographic regions (the National Research Council's 1977 division, used by the Royal Society's
gazetteer) by the provinces' DOPA codes: what the participation map groups its province tiles by."""

from __future__ import annotations

from typing import Final, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


class Region(NamedTuple):
    code: str
    label: Promise
    province_codes: frozenset[str]


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


REGIONS: Final[tuple[Region, ...]] = (
    Region("north", pgettext_lazy("region of Thailand", "North"), _codes("50 51 52 53 54 55 56 57 58")),
    Region(
        "northeast",
        pgettext_lazy("region of Thailand", "Northeast"),
        _codes("30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49"),
    ),
    Region("west", pgettext_lazy("region of Thailand", "West"), _codes("63 70 71 76 77")),
    Region(
        "central",
        pgettext_lazy("region of Thailand", "Central"),
        _codes("10 11 12 13 14 15 16 17 18 19 26 60 61 62 64 65 66 67 72 73 74 75"),
    ),
    Region("east", pgettext_lazy("region of Thailand", "East"), _codes("20 21 22 23 24 25 27")),
    Region("south", pgettext_lazy("region of Thailand", "South"), _codes("80 81 82 83 84 85 86 90 91 92 93 94 95 96")),
)
# A province whose code is in no region (none of the 77 real ones; test data may have them).
OTHER: Final[Region] = Region("other", pgettext_lazy("region of Thailand", "Other"), frozenset())

_BY_PROVINCE: Final[dict[str, Region]] = {code: region for region in REGIONS for code in region.province_codes}


def region_of(province_code: str) -> Region:
    return _BY_PROVINCE.get(province_code, OTHER)
