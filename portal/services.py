"""Use cases that change who may do what: officer registration, invitations, staff accounts, reviewers' conflicts.

The municipalities' reference data has its own module, portal.services_municipalities."""

from __future__ import annotations

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

from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.enums import MUNICIPAL_ROLES, RegistrationStatus, Role
from portal.i18n import localized
from portal.models import (
    Invitation,
    Municipality,
    OfficerRegistration,
    Province,
    ReviewerConflict,
    User,
)
from portal.notifications.rendering import Addressed
from portal.notifications.services import notify
from portal.uploads import PDF, sanitise_filename, sha256_of, sniff_type

LETTER_MAX_BYTES = 10 * 1024 * 1024
VERIFY_SALT = "portal.registration.verify"
INVITE_SALT = "portal.invitation"
VERIFY_MAX_AGE = 3 * 24 * 60 * 60
INVITE_MAX_AGE = 14 * 24 * 60 * 60


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
    registration.authorisation_letter.save(registration.authorisation_letter_name, authorisation_letter, save=False)
    registration.save()
    token = signing.dumps(registration.pk, salt=VERIFY_SALT)
    notify(
        event="verify_email",
        to=[email],
        context={
            "name": Addressed(registration.full_name),
            "link": site_url + reverse("portal:register-verify", args=[token]),
        },
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
        notify(
            event="registration_waiting",
            to=list(admins),
            context={"name": registration.full_name, "municipality": registration.municipality},
            link=reverse("portal:registration-detail", args=[registration.pk]),
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


def _registration_label(registration: OfficerRegistration) -> str:
    return f"{registration.full_name} <{registration.email}> · {localized(registration.municipality, 'full_name')}"


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
    record(
        action=AuditAction.REGISTRATION_APPROVED,
        by=by,
        target=registration,
        label=lambda: _registration_label(registration),
        before={"status": RegistrationStatus.AWAITING_APPROVAL, "requested_role": registration.requested_role},
        after={"status": registration.status, "role": role},
    )
    notify(
        event="registration_approved",
        to=[user],
        context={"name": Addressed(user.full_name), "municipality": registration.municipality},
        link=reverse("home"),
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
    record(
        action=AuditAction.REGISTRATION_REJECTED,
        by=by,
        target=registration,
        label=lambda: _registration_label(registration),
        before={"status": RegistrationStatus.AWAITING_APPROVAL},
        after={"status": registration.status},
        note=registration.decision_reason,
    )
    notify(
        event="registration_rejected",
        to=[registration.email],
        context={
            "name": Addressed(registration.full_name),
            "municipality": registration.municipality,
            "reason": registration.decision_reason,
        },
    )
    return registration


@transaction.atomic
def invite_editor(*, municipality: Municipality, email: str, by: User, site_url: str) -> Invitation:
    """E-mail a link (valid 14 days) with which a colleague creates an editor account for the municipality."""
    email = email.strip().lower()
    _check_email_free(email)
    invitation = Invitation.objects.create(municipality=municipality, email=email, invited_by=by)
    token = signing.dumps(invitation.pk, salt=INVITE_SALT)
    notify(
        event="invitation",
        to=[email],
        language=by.preferred_language,
        context={
            "inviter": by.full_name,
            "municipality": municipality,
            "link": site_url + reverse("portal:invitation-accept", args=[token]),
        },
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
    record(
        action=AuditAction.STAFF_ACCOUNT_CREATED,
        by=by,
        target=user,
        after={"email": user.email, "full_name": user.full_name, "role": user.role},
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    notify(
        event="staff_welcome",
        to=[email],
        context={
            "name": Addressed(user.full_name),
            "inviter": by.full_name,
            "link": site_url + reverse("password_reset_confirm", args=[uid, token]),
        },
    )
    return user


@transaction.atomic
def set_user_active(*, user: User, active: bool, by: User) -> User:
    """Let an account log in again, or stop it; recorded in the audit log when it changes anything."""
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    was_active = User.objects.filter(pk=user.pk).values_list("is_active", flat=True).get()
    user.is_active = active
    try:
        with transaction.atomic():
            user.save(update_fields=["is_active"])
    except IntegrityError as error:
        raise ValidationError(_("This municipality already has an active signatory.")) from error
    if was_active != active:
        record(
            action=AuditAction.ACCOUNT_ACTIVATED if active else AuditAction.ACCOUNT_DEACTIVATED,
            by=by,
            target=user,
            before={"is_active": was_active},
            after={"is_active": active},
        )
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
