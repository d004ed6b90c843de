"""The active language and the data labels shown in it: the one home for "Thai field or English field".

Data carries its labels in pairs (`name_th` / `name_en`, `full_name_th` / `full_name_en`, ...). Thai mode shows the
Thai one; English mode the English one, and the Thai one only when no English form was ever entered.
"""

from __future__ import annotations

from typing import Any, Literal

from django.utils import translation

Language = Literal["th", "en"]


def language_of(code: str | None) -> Language:
    """The portal's language for a language code: Thai for "th…" (and for none), English for anything else."""
    return "th" if (code or "th").startswith("th") else "en"


def current_language() -> Language:
    """The language of the request (or of the `translation.override` block) being served."""
    return language_of(translation.get_language())


def localized(obj: Any, field: str = "name", language: str | None = None) -> str:
    """`obj.<field>_en` in English and `obj.<field>_th` in Thai; the Thai form when the English one is empty."""
    if obj is None:
        return ""
    chosen = language_of(language) if language is not None else current_language()
    text = getattr(obj, f"{field}_{chosen}", "") or getattr(obj, f"{field}_th", "")
    return str(text or "")


def localized_key(mapping: Any, field: str = "label", language: str | None = None) -> str:
    """The same choice for a stored dictionary (tiers, size bands in a settings record): `mapping["label_en"]`."""
    if not mapping:
        return ""
    chosen = language_of(language) if language is not None else current_language()
    return str(mapping.get(f"{field}_{chosen}") or mapping.get(f"{field}_th") or mapping.get("code", ""))


def asked_language(query: str | None, accept_language: str | None) -> Language | None:
    """The language an API caller asks for: `?lang=th|en` first, else the best Thai or English entry of the
    Accept-Language header; None when neither names one."""
    if query in ("th", "en"):
        return language_of(query)
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate((accept_language or "").split(",")):
        code, _sep, params = entry.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = code.strip().lower()
        if quality > 0 and (code.startswith("th") or code.startswith("en")):
            ranked.append((-quality, position, code))
    return language_of(min(ranked)[2]) if ranked else None
