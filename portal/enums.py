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


class RegistrationStatus(models.TextChoices):
    UNVERIFIED = "unverified", pgettext_lazy("registration status", "E-mail not yet verified")
    AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy("registration status", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("registration status", "Approved")
    REJECTED = "rejected", pgettext_lazy("registration status", "Rejected")


OFFICER_ROLE_CHOICES = [(Role.EDITOR.value, Role.EDITOR.label), (Role.SIGNATORY.value, Role.SIGNATORY.label)]
