"""Choices used across the portal's identity layer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    EDITOR = "editor", pgettext_lazy("role", "Municipal editor")
    SIGNATORY = "signatory", pgettext_lazy("role", "Municipal signatory")
    REVIEWER = "reviewer", pgettext_lazy("role", "Reviewer")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")


MUNICIPAL_ROLES = (Role.EDITOR, Role.SIGNATORY)


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("City municipality (Thesaban Nakhon)")
    TOWN = "town", _("Town municipality (Thesaban Mueang)")
    SUBDISTRICT = "subdistrict", _("Subdistrict municipality (Thesaban Tambon)")
    BANGKOK = "bangkok", _("Bangkok Metropolitan Administration")
    PATTAYA = "pattaya", _("Pattaya City")
