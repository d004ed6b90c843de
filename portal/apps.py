from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from portal.converters import TextConverter


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import api_schema, signals  # noqa: F401, PLC0415 -- connects receivers, registers the API's schema extensions

        register_converter(TextConverter, "text")  # before any URLconf loads: `<text:code>`
