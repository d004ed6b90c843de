"""The Excel file's format, shared by the template writer and the upload reader: the columns and their headers, the
sheet names, the yes/no words, the hidden identity sheet, and how names and numbers are written.

Column headers, yes/no words and the hidden identity sheet are the *file format*, so they are constants in both
languages rather than translated strings: a template downloaded in English reads back while the portal speaks Thai,
and the other way round. Messages for people are translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from portal.i18n import current_language, language_of

COLUMNS: tuple[str, ...] = ("code", "name", "unit", "allowed", "value", "description", "period", "source", "comment")
HEADERS: Mapping[str, Mapping[str, str]] = {
    "th": {
        "code": "รหัส",
        "name": "ตัวชี้วัด",
        "unit": "หน่วย",
        "allowed": "ค่าที่ยอมรับ",
        "value": "ค่า",
        "description": "คำอธิบายสิ่งที่ดำเนินการ",
        "period": "ช่วงเวลาของข้อมูล",
        "source": "แหล่งข้อมูล",
        "comment": "หมายเหตุ",
    },
    "en": {
        "code": "Code",
        "name": "Indicator",
        "unit": "Unit",
        "allowed": "Allowed values",
        "value": "Value",
        "description": "Description of what was done",
        "period": "Period of the data",
        "source": "Source",
        "comment": "Comment",
    },
}
# The columns an upload must keep; name, unit and allowed values are there to help the officer and are not read.
READ_COLUMNS: tuple[str, ...] = ("code", "value", "period", "source", "comment")
# Read when present: a rubric indicator's description of what was done (files of the first format lack it).
OPTIONAL_COLUMNS: tuple[str, ...] = ("description",)
YES_WORDS: Mapping[str, str] = {"th": "มี", "en": "yes"}
NO_WORDS: Mapping[str, str] = {"th": "ไม่มี", "en": "no"}
DATA_SHEETS: Mapping[str, str] = {"th": "ตัวชี้วัด", "en": "Indicators"}
HELP_SHEETS: Mapping[str, str] = {"th": "คำอธิบาย", "en": "Instructions"}
IDENTITY_SHEET = "_portal"
FORMAT_VERSION = "1"


def indicator_name(name_th: str, name_en: str, language: str | None = None) -> str:
    """An indicator's name in `language` (default: the active language)."""
    return name_th if (language_of(language) if language else current_language()) == "th" else name_en


def column_label(key: str, language: str | None = None) -> str:
    """The header of column `key` in `language` (default: the active language), as the template writes it."""
    return HEADERS[language_of(language) if language else current_language()].get(key, key)


def plain_number(number: Decimal) -> str:
    """A number as the file writes it: plain digits, no exponent, no trailing zeros."""
    return format(number.normalize(), "f")
