"""Thai formatting helpers: Buddhist-Era dates and dictionary sort order. Pure Python."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

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


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_FISCAL_YEAR = re.compile(r"^(?:ปีงบประมาณ|ปีงบ\.?|ปี\s*งบประมาณ)\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})$")
_THAI_YEAR = re.compile(r"^(?:ปี\s*)?(?:พ\.?\s*ศ\.?)\s*(\d{4})$|^ปี\s*(\d{4})$")
_THAI_CALENDAR_YEAR = re.compile(r"^ปีปฏิทิน\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4})$")
_THAI_MONTH = "|".join(re.escape(month) for month in (*THAI_MONTHS_FULL, *THAI_MONTHS_ABBR))
_THAI_MONTH_SPAN = re.compile(
    rf"^({_THAI_MONTH})\s*(?:(\d{{4}})\s*)?(?:-|–|ถึง)\s*({_THAI_MONTH})\s*(?:พ\.?\s*ศ\.?)?\s*(\d{{4}})$"
)
_ENGLISH_FISCAL_YEAR = re.compile(r"^(?:fiscal\s+year|FY)\s*(\d{4})$", re.IGNORECASE)


def period_label(text: str, *, language: str) -> str:
    """A data period as the reader's language says it, when it is one of the common forms.

    Thai fiscal years count in the Buddhist Era and are named after the year they end in (ปีงบประมาณ 2568 runs from
    October 2024 to September 2025, "fiscal year 2025"), so in English "ปีงบประมาณ 2568" reads "fiscal year 2025",
    "พ.ศ. 2568" reads "2025" and "ม.ค.-ธ.ค. 2567" reads "Jan – Dec 2024"; in Thai "fiscal year 2025" or "FY2025" reads
    "ปีงบประมาณ 2568". Any other text is what a municipality typed and is returned unchanged.
    """
    stripped = " ".join(text.split()).translate(_THAI_DIGITS)
    if language.startswith("th"):
        match = _ENGLISH_FISCAL_YEAR.match(stripped)
        return f"ปีงบประมาณ {buddhist_year(int(match.group(1)))}" if match else text
    for pattern, english in _ENGLISH_PERIODS:
        if match := pattern.match(stripped):
            return english(match)
    return text


def _common_era(year: str) -> int:
    return int(year) - BUDDHIST_ERA_OFFSET


def _month_span(match: re.Match[str]) -> str:
    first, first_year, last, last_year = match.groups()
    start = _english_month(first) + (f" {_common_era(first_year)}" if first_year else "")
    return f"{start} – {_english_month(last)} {_common_era(last_year)}"


_ENGLISH_PERIODS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_THAI_FISCAL_YEAR, lambda match: f"fiscal year {_common_era(match.group(1))}"),
    (_THAI_YEAR, lambda match: str(_common_era(match.group(1) or match.group(2)))),
    (_THAI_CALENDAR_YEAR, lambda match: f"calendar year {_common_era(match.group(1))}"),
    (_THAI_MONTH_SPAN, _month_span),
)


def _english_month(thai: str) -> str:
    months = THAI_MONTHS_FULL if thai in THAI_MONTHS_FULL else THAI_MONTHS_ABBR
    return EN_MONTHS_ABBR[months.index(thai)]


def has_thai(text: str) -> bool:
    """True when the text holds any Thai character."""
    return any("\u0e00" <= char <= "\u0e7f" for char in text)
