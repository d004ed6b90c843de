"""Path converters every app's URLconf may use (registered in PortalConfig.ready, before any URLconf loads)."""

from __future__ import annotations

from django.urls.converters import StringConverter


class TextConverter(StringConverter):
    """Django's `str` (anything but a slash) without the NUL character: PostgreSQL cannot compare a string holding
    one, so a lookup by it would end in a server error instead of a 404. Use `<text:code>` for codes and tokens."""

    regex = "[^/\x00]+"
