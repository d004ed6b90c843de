"""Identity: users, their roles, provinces and municipalities."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import MUNICIPAL_ROLES, MunicipalityKind, Role

# Thai dictionary order. On PostgreSQL the first migration creates this collation as a copy of ICU's
# "th-TH-x-icu"; on SQLite (embedded mode, no ICU) portal.signals registers a collation of the same name
# implemented in Python (portal.thai.thai_sort_key). A plain name, because SQLite does not quote it.
THAI_COLLATION = "thai_icu"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Province(models.Model):
    code = models.CharField(_("DOPA code"), max_length=2, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_th


class Municipality(TimeStampedModel):
    code = models.CharField(_("local government code"), max_length=8, unique=True)
    dla_code = models.CharField(_("DLA code (2017)"), max_length=7, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=MunicipalityKind)
    name_th = models.CharField(_("name (Thai)"), max_length=150, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=150)
    full_name_th = models.CharField(_("full name (Thai)"), max_length=200, db_collation=THAI_COLLATION)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")
    district_code = models.CharField(_("district code"), max_length=16, blank=True)
    district_th = models.CharField(_("district (Thai)"), max_length=100, blank=True)
    district_en = models.CharField(_("district (English)"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("registered population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population reference year"), null=True, blank=True)
    population_is_estimate = models.BooleanField(_("population is an estimate"), default=False)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.full_name_th


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    Municipal officers (editor, signatory) act for exactly one municipality; reviewers and admins for none.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="officers",
        null=True,
        blank=True,
    )
    preferred_language = models.CharField(_("language"), max_length=8, default="th")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=MUNICIPAL_ROLES) & Q(municipality__isnull=False))
                | (~Q(role__in=MUNICIPAL_ROLES) & Q(municipality__isnull=True)),
                name="user_officer_has_one_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_officer(self) -> bool:
        return self.role in MUNICIPAL_ROLES

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the heartbeat task (written by portal.tasks)."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    beats = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
