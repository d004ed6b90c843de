"""Use cases that change identity data: municipalities, officer registration, invitations, staff, conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal.emails import send_after_commit
from portal.enums import MUNICIPAL_ROLES, RegistrationStatus, Role
from portal.models import (
    Invitation,
    Municipality,
    MunicipalityCorrection,
    OfficerRegistration,
    Province,
    ReviewerConflict,
    User,
)
from portal.municipality_data import MunicipalityRow
from portal.statistics import analyze
from portal.uploads import PDF, sanitise_filename, sha256_of, sniff_type

MUNICIPALITY_FIELDS = (
    "dla_code",
    "kind",
    "name_th",
    "full_name_th",
    "name_en",
    "full_name_en",
    "district_code",
    "district_th",
    "district_en",
    "population",
    "population_year",
    "population_is_estimate",
    "households",
    "area_km2",
)
CORRECTABLE_FIELDS = (
    "name_th",
    "full_name_th",
    "name_en",
    "full_name_en",
    "population",
    "population_year",
    "households",
    "area_km2",
)

LETTER_MAX_BYTES = 10 * 1024 * 1024
VERIFY_SALT = "portal.registration.verify"
INVITE_SALT = "portal.invitation"
VERIFY_MAX_AGE = 3 * 24 * 60 * 60
INVITE_MAX_AGE = 14 * 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def load_municipalities(*, rows: Iterable[MunicipalityRow]) -> LoadReport:
    """Create or update provinces and municipalities from rows; idempotent (a second run changes nothing).

    Bulk reads and writes: a constant number of queries whatever the number of rows.
    """
    rows = list(rows)
    provinces = {province.code: province for province in Province.objects.all()}
    new_provinces = {
        row.province_code: Province(code=row.province_code, name_th=row.province_th, name_en=row.province_en)
        for row in rows
        if row.province_code not in provinces
    }
    Province.objects.bulk_create(new_provinces.values())
    provinces = {province.code: province for province in Province.objects.all()}
    names = {row.province_code: (row.province_th, row.province_en) for row in rows}
    renamed = [p for code, p in provinces.items() if code in names and (p.name_th, p.name_en) != names[code]]
    for province in renamed:
        province.name_th, province.name_en = names[province.code]
    Province.objects.bulk_update(renamed, ["name_th", "name_en"])

    existing = {municipality.code: municipality for municipality in Municipality.objects.all()}
    now = timezone.now()
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    for row in rows:
        values = {field: getattr(row, field) for field in MUNICIPALITY_FIELDS}
        province = provinces[row.province_code]
        current = existing.get(row.code)
        if current is None:
            to_create.append(Municipality(code=row.code, province=province, **values))
            continue
        if current.province_id == province.pk and all(getattr(current, f) == v for f, v in values.items()):
            continue
        for field, value in values.items():
            setattr(current, field, value)
        current.province = province
        current.updated_at = now
        to_update.append(current)
    Municipality.objects.bulk_create(to_create, batch_size=500)
    # updated_at too (bulk_update does not touch auto_now fields): pages that keep a municipality's name in a cache
    # see that it changed.
    Municipality.objects.bulk_update(to_update, [*MUNICIPALITY_FIELDS, "province", "updated_at"], batch_size=500)
    if to_create or to_update or new_provinces:
        analyze(Province)
        analyze(Municipality)
    return LoadReport(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )


@transaction.atomic
def correct_municipality(
    *, municipality: Municipality, by: User, changes: dict[str, Any], reason: str
) -> list[MunicipalityCorrection]:
    """Change reference fields of a municipality; every changed field is logged with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be corrected: {fields}").format(fields=", ".join(sorted(unknown))))
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    corrections = []
    for field, new in changes.items():
        old = getattr(municipality, field)
        if old == new:
            continue
        setattr(municipality, field, new)
        corrections.append(
            MunicipalityCorrection(
                municipality=municipality,
                field=field,
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
                reason=reason.strip(),
                corrected_by=by,
            )
        )
    if corrections:
        if any(correction.field == "population" for correction in corrections):
            municipality.population_is_estimate = False
        municipality.full_clean()
        municipality.save()
        MunicipalityCorrection.objects.bulk_create(corrections)
    return corrections


def _check_letter(letter: UploadedFile) -> None:
    if letter.size is not None and letter.size > LETTER_MAX_BYTES:
        raise ValidationError(
            {"authorisation_letter": _("The letter is larger than 10 MB. Scan it at a lower resolution.")}
        )
    if sniff_type(letter) != PDF:
        raise ValidationError({"authorisation_letter": _("The authorisation letter must be a PDF file.")})


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def _check_email_free(email: str) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this e-mail address already exists. Log in or reset the password.")}
        )


@transaction.atomic
def register_officer(
    *,
    email: str,
    full_name: str,
    position: str,
    phone: str,
    municipality: Municipality,
    requested_role: str,
    password: str,
    authorisation_letter: UploadedFile,
    site_url: str,
) -> OfficerRegistration:
    """Record an officer's request and e-mail a verification link (valid 3 days).

    Raises ValidationError for a used e-mail address, an open request with the same address, a weak
    password, or a letter that is not a PDF of at most 10 MB.
    """
    email = email.strip().lower()
    _check_email_free(email)
    if OfficerRegistration.objects.filter(
        email=email, status__in=[RegistrationStatus.UNVERIFIED, RegistrationStatus.AWAITING_APPROVAL]
    ).exists():
        raise ValidationError({"email": _("A request with this e-mail address is already waiting. Check your e-mail.")})
    if requested_role not in MUNICIPAL_ROLES:
        raise ValidationError({"requested_role": _("Choose editor or signatory.")})
    _validate_new_password(password, User(email=email, full_name=full_name))
    _check_letter(authorisation_letter)
    registration = OfficerRegistration(
        email=email,
        full_name=full_name.strip(),
        position=position.strip(),
        phone=phone.strip(),
        municipality=municipality,
        requested_role=requested_role,
        password_hash=make_password(password),
        authorisation_letter_name=sanitise_filename(authorisation_letter.name or "letter.pdf", file_type=PDF),
        authorisation_letter_sha256=sha256_of(authorisation_letter),
    )
    registration.authorisation_letter.save(authorisation_letter.name or "letter.pdf", authorisation_letter, save=False)
    registration.save()
    token = signing.dumps(registration.pk, salt=VERIFY_SALT)
    send_after_commit(
        template="verify_email",
        to=[email],
        name=registration.full_name,
        link=site_url + reverse("portal:register-verify", args=[token]),
    )
    return registration


@transaction.atomic
def verify_registration_email(*, token: str) -> OfficerRegistration:
    """Mark the request's e-mail as verified and tell the admins it waits for them.

    Raises ValidationError when the link is forged or older than 3 days. Verifying twice is harmless.
    """
    try:
        registration_id = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired. Register again."), code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code="invalid") from error
    registration = OfficerRegistration.objects.select_for_update().filter(pk=registration_id).first()
    if registration is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if registration.status == RegistrationStatus.UNVERIFIED:
        registration.status = RegistrationStatus.AWAITING_APPROVAL
        registration.email_verified_at = timezone.now()
        registration.save(update_fields=["status", "email_verified_at", "updated_at"])
        admins = User.objects.filter(role=Role.ADMIN, is_active=True).values_list("email", flat=True)
        send_after_commit(
            template="registration_waiting",
            to=list(admins),
            name=registration.full_name,
            municipality=registration.municipality,
        )
    return registration


def _open_for_decision(registration: OfficerRegistration) -> OfficerRegistration:
    registration = (
        OfficerRegistration.objects.select_for_update().select_related("municipality").get(pk=registration.pk)
    )
    if registration.status != RegistrationStatus.AWAITING_APPROVAL:
        raise ValidationError(
            _("This request is “{status}” and cannot be decided now.").format(status=registration.get_status_display()),
            code="not_awaiting",
        )
    return registration


@transaction.atomic
def approve_registration(*, registration: OfficerRegistration, by: User, role: str | None = None) -> User:
    """Create the officer's account for the municipality and e-mail them.

    Raises ValidationError when the request is not waiting, or when approving a signatory for a
    municipality that already has an active one.
    """
    registration = _open_for_decision(registration)
    role = role or registration.requested_role
    _check_email_free(registration.email)
    user = User(
        email=registration.email,
        full_name=registration.full_name,
        position=registration.position,
        phone=registration.phone,
        role=role,
        municipality=registration.municipality,
        password=registration.password_hash,
    )
    try:
        user.full_clean(exclude=["password"])
        with transaction.atomic():
            user.save()
    except (ValidationError, IntegrityError) as error:
        if role == Role.SIGNATORY:
            raise ValidationError(
                _("{municipality} already has an active signatory. Approve this officer as an editor instead.").format(
                    municipality=registration.municipality
                ),
                code="signatory_taken",
            ) from error
        raise
    registration.status = RegistrationStatus.APPROVED
    registration.decided_at, registration.decided_by, registration.user = timezone.now(), by, user
    registration.save(update_fields=["status", "decided_at", "decided_by", "user", "updated_at"])
    send_after_commit(
        template="registration_approved",
        to=[user.email],
        name=user.full_name,
        municipality=registration.municipality,
        role=role,
    )
    return user


@transaction.atomic
def reject_registration(*, registration: OfficerRegistration, by: User, reason: str) -> OfficerRegistration:
    """Refuse the request with a reason the officer receives by e-mail."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection; the officer receives it.")})
    registration = _open_for_decision(registration)
    registration.status = RegistrationStatus.REJECTED
    registration.decided_at, registration.decided_by = timezone.now(), by
    registration.decision_reason = reason.strip()
    registration.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    send_after_commit(
        template="registration_rejected",
        to=[registration.email],
        name=registration.full_name,
        municipality=registration.municipality,
        reason=registration.decision_reason,
    )
    return registration


@transaction.atomic
def invite_editor(*, municipality: Municipality, email: str, by: User, site_url: str) -> Invitation:
    """E-mail a link (valid 14 days) with which a colleague creates an editor account for the municipality."""
    email = email.strip().lower()
    _check_email_free(email)
    invitation = Invitation.objects.create(municipality=municipality, email=email, invited_by=by)
    token = signing.dumps(invitation.pk, salt=INVITE_SALT)
    send_after_commit(
        template="invitation",
        to=[email],
        language=by.preferred_language,
        inviter=by.full_name,
        municipality=municipality,
        link=site_url + reverse("portal:invitation-accept", args=[token]),
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link; ValidationError when forged, expired or already used."""
    try:
        invitation_id = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("This invitation has expired. Ask for a new one."), code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from error
    invitation = Invitation.objects.select_related("municipality").filter(pk=invitation_id).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already used. Log in instead."), code="used")
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, full_name: str, position: str, phone: str, password: str) -> User:
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already used. Log in instead."), code="used")
    _check_email_free(invitation.email)
    user = User(
        email=invitation.email,
        full_name=full_name.strip(),
        position=position.strip(),
        phone=phone.strip(),
        role=Role.EDITOR,
        municipality=invitation.municipality,
    )
    _validate_new_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    invitation.accepted_at, invitation.user = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "user", "updated_at"])
    return user


@transaction.atomic
def create_staff_user(*, email: str, full_name: str, role: str, by: User, site_url: str) -> User:
    """Create a reviewer or admin account and e-mail them a link to choose their password."""
    if role not in (Role.REVIEWER, Role.ADMIN):
        raise ValidationError({"role": _("Staff accounts are reviewers or admins.")})
    email = email.strip().lower()
    _check_email_free(email)
    user = User(email=email, full_name=full_name.strip(), role=role)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    send_after_commit(
        template="staff_welcome",
        to=[email],
        name=user.full_name,
        role=role,
        inviter=by.full_name,
        link=site_url + reverse("password_reset_confirm", args=[uid, token]),
    )
    return user


@transaction.atomic
def set_user_active(*, user: User, active: bool, by: User) -> User:
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    try:
        with transaction.atomic():
            user.save(update_fields=["is_active"])
    except IntegrityError as error:
        raise ValidationError(_("This municipality already has an active signatory.")) from error
    return user


@transaction.atomic
def declare_conflict(
    *,
    reviewer: User,
    reason: str,
    municipality: Municipality | None = None,
    province: Province | None = None,
) -> ReviewerConflict:
    """Record that a reviewer must not judge a municipality, or any municipality of a province."""
    if (municipality is None) == (province is None):
        raise ValidationError(_("Choose a municipality or a province."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say briefly why, e.g. “former employee”.")})
    conflict, _created = ReviewerConflict.objects.get_or_create(
        reviewer=reviewer, municipality=municipality, province=province, defaults={"reason": reason.strip()}
    )
    return conflict


@transaction.atomic
def withdraw_conflict(*, conflict: ReviewerConflict) -> None:
    conflict.delete()
