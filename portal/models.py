"""Identity: users, their roles, provinces and municipalities."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
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

from portal.enums import MUNICIPAL_ROLES, OFFICER_ROLE_CHOICES, MunicipalityKind, RegistrationStatus, Role
from portal.i18n import localized

# Thai dictionary order. On PostgreSQL the first migration creates this collation as a copy of ICU's
# "th-TH-x-icu"; on SQLite (embedded mode, no ICU) portal.signals registers a collation of the same name
# implemented in Python (portal.thai.thai_sort_key). A plain name, because SQLite does not quote it.
THAI_COLLATION = "thai_icu"
UPLOAD_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")  # what private_upload_path keeps of a file's own extension


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field of the model by name (FieldDoesNotExist for an unknown one): get_field, typed as the field it is for
    any name but a reverse relation's."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} names a relation to {model.__name__}, not one of its fields"
    return field


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
        return localized(self)


class Municipality(TimeStampedModel):
    code = models.CharField(_("local government code"), max_length=8, unique=True)
    dla_code = models.CharField(_("DLA code (2017)"), max_length=7, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=MunicipalityKind)
    name_th = models.CharField(_("name (Thai)"), max_length=150, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("name (English)"), max_length=150)
    full_name_th = models.CharField(_("full name (Thai)"), max_length=200, db_collation=THAI_COLLATION)
    full_name_en = models.CharField(_("full name (English)"), max_length=200, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")
    district_code = models.CharField(_("district code"), max_length=16, blank=True)
    district_th = models.CharField(_("district (Thai)"), max_length=100, blank=True)
    district_en = models.CharField(_("district (English)"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("registered population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population reference year"), null=True, blank=True)
    population_is_estimate = models.BooleanField(_("population is an estimate"), default=False)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        # The ranking board's fingerprint reads the latest change of any municipality on every request.
        indexes = [models.Index(fields=["updated_at"], name="municipality_updated_idx")]

    def __str__(self) -> str:
        return localized(self, "full_name")


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
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(role=Role.SIGNATORY, is_active=True),
                name="user_one_active_signatory_per_municipality",
                violation_error_message=_("This municipality already has an active signatory."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

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


class UnsentTask(models.Model):
    """A task the broker did not take when it was queued (Redis unreachable): kept here, with the id of the request
    that queued it, until beat's `portal.send_unsent_tasks` sends it (portal.queueing)."""

    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    request_id = models.CharField(max_length=128, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    tried_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.kwargs} ({self.attempts} attempts)"


def private_upload_path(instance: models.Model, filename: str) -> str:
    """Uploads live under MEDIA_ROOT (outside the web root) with a random name; the original name is kept apart.

    Only a short, plain extension is kept from the sender's name: a long one would not fit the file field (the storage
    refuses the name, and the upload ends in a 400 page instead of a saved file or a form error)."""
    suffix = Path(filename).suffix.lower()
    if not UPLOAD_SUFFIX.fullmatch(suffix):
        suffix = ""
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class OfficerRegistration(TimeStampedModel):
    """A municipal officer's request for an account, waiting for e-mail verification and an admin's decision."""

    email = models.EmailField(_("official e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="registrations"
    )
    requested_role = models.CharField(_("requested role"), max_length=16, choices=OFFICER_ROLE_CHOICES)
    password_hash = models.CharField(max_length=256)
    authorisation_letter = models.FileField(_("authorisation letter"), upload_to=private_upload_path)
    authorisation_letter_name = models.CharField(max_length=255)
    authorisation_letter_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus, default=RegistrationStatus.UNVERIFIED
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="registration_decisions"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    user = models.OneToOneField("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="registration")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("officer registration")
        verbose_name_plural = _("officer registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status__in=["unverified", "awaiting_approval"]),
                name="officerregistration_one_open_request_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.municipality}) – {self.get_status_display()}"


class Invitation(TimeStampedModel):
    """A signatory's invitation for a colleague to join the municipality as an editor."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="invitations_sent")
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField("User", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"


class ReviewerConflictQuerySet(models.QuerySet["ReviewerConflict"]):
    """The one rule of a conflict's reach, as queries: a conflict covers a municipality when it names it or its
    province (`ReviewerConflict.covers` is the same rule in Python)."""

    def covering(self, municipality: Municipality) -> ReviewerConflictQuerySet:
        return self.filter(Q(municipality_id=municipality.pk) | Q(province_id=municipality.province_id))

    def covered(self, municipality_path: str = "municipality") -> Q:
        """A condition on rows with a municipality (at `municipality_path`) that one of these conflicts covers."""
        return Q(**{f"{municipality_path}__in": self.exclude(municipality=None).values("municipality")}) | Q(
            **{f"{municipality_path}__province__in": self.exclude(province=None).values("province")}
        )


class ReviewerConflict(models.Model):
    """A reviewer's declared conflict of interest: one municipality, or a whole province."""

    reviewer = models.ForeignKey("User", on_delete=models.CASCADE, related_name="conflicts")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, null=True, blank=True
    )
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.CASCADE, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    declared_at = models.DateTimeField(default=timezone.now)

    objects = ReviewerConflictQuerySet.as_manager()

    class Meta:
        ordering = ["reviewer", "declared_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(province__isnull=True))
                | (Q(municipality__isnull=True) & Q(province__isnull=False)),
                name="reviewerconflict_municipality_xor_province",
            ),
            models.UniqueConstraint(fields=["reviewer", "municipality"], name="reviewerconflict_unique_municipality"),
            models.UniqueConstraint(fields=["reviewer", "province"], name="reviewerconflict_unique_province"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer.full_name}: {self.municipality or self.province}"

    def covers(self, municipality_id: int, province_id: int) -> bool:
        """Whether this conflict covers the municipality (`ReviewerConflictQuerySet` is the same rule as queries)."""
        return self.municipality_id == municipality_id or self.province_id == province_id


class MunicipalityCorrection(models.Model):
    """An admin's correction of a municipality's reference data, field by field."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey("User", on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["municipality", "-corrected_at"]

    def __str__(self) -> str:
        return f"{self.municipality.code}.{self.field}: {self.old_value} → {self.new_value}"


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read-write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of its secret is kept; the token itself is shown once, when created.

    The token reads `esc_<prefix>_<secret>`: the prefix finds the row, the secret's hash is compared in constant time.
    """

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=16, choices=ApiTokenScope, default=ApiTokenScope.READ)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (esc_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == ApiTokenScope.READ_WRITE


# The audit log and the notification models live in their own modules; importing them here registers them with the
# portal app.
from portal.audit.models import AuditEntry  # noqa: E402, F401 -- after the models it refers to; re-exported
from portal.notifications.models import (  # noqa: E402, F401 -- after the models they refer to; re-exported
    Mailing,
    MailTemplate,
    Notification,
    ReminderLog,
    SentMail,
)
