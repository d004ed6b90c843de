"""Thai formatting helpers: Buddhist-Era dates and dictionary sort order. Pure Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
THAI_MONTHS_FULL = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
EN_MONTHS_ABBR = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
LEADING_VOWELS = frozenset("เแโใไ")


def format_date(value: dt.date, *, language: str, full_month: bool = False) -> str:
    """Return '27 พ.ย. 2569' in Thai (Buddhist Era) or '27 Nov 2026' in any other language."""
    if language.startswith("th"):
        months = THAI_MONTHS_FULL if full_month else THAI_MONTHS_ABBR
        return f"{value.day} {months[value.month - 1]} {value.year + BUDDHIST_ERA_OFFSET}"
    return f"{value.day} {EN_MONTHS_ABBR[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime, *, language: str) -> str:
    """Return '27 พ.ย. 2569 14:32' (the caller passes an aware value already in local time)."""
    return f"{format_date(value.date(), language=language)} {value:%H:%M}"


def buddhist_year(year: int) -> int:
    return year + BUDDHIST_ERA_OFFSET


def thai_sort_key(text: str) -> str:
    """Key for Thai dictionary order: a leading vowel (เ แ โ ใ ไ) sorts after the consonant it precedes.

    Matches ICU's th collation on primary letters, which is what the embedded SQLite mode needs.
    """
    chars = list(text)
    index = 0
    while index < len(chars) - 1:
        if chars[index] in LEADING_VOWELS:
            chars[index], chars[index + 1] = chars[index + 1], chars[index]
            index += 2
        else:
            index += 1
    return "".join(chars)


def thai_sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=thai_sort_key)


# Titles a Thai name may already begin with (ordinary, academic, professional, military and police ranks).
# A name that starts with one is addressed as it is; any other gets the polite "คุณ".
THAI_TITLES = (
    "นาย",
    "นาง",
    "น.ส.",
    "ดร.",
    "ศ.",
    "รศ.",
    "ผศ.",
    "นพ.",
    "พญ.",
    "ว่าที่",
    "พล.",
    "พ.ต.",
    "พ.ท.",
    "พ.อ.",
    "ร.ต.",
    "ร.ท.",
    "ร.อ.",
    "จ.ส.",
    "ด.ต.",
    "คุณ",
)


def addressed(name: str, *, language: str) -> str:
    """How an e-mail greets `name`: in Thai "คุณ" before a name that has no title of its own ("คุณสมชาย ใจดี",
    but "นายสมชาย ใจดี", never "คุณนายสมชาย"); in English the name as it is."""
    name = name.strip()
    if language != "th" or not name or name.startswith(THAI_TITLES) or not _starts_in_thai(name):
        return name
    return f"คุณ{name}"


def _starts_in_thai(text: str) -> bool:
    return "\u0e00" <= text[0] <= "\u0e7f"
