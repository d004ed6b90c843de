"""Reads of identity data, scoped to who is asking: outside your scope an object does not exist (404)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.hashers import check_password
from django.db.models import Q, QuerySet

from portal.enums import MUNICIPAL_ROLES, RegistrationStatus, Role
from portal.models import ApiToken, Municipality, OfficerRegistration, ReviewerConflict, User


def municipalities_visible_to(user: User) -> QuerySet[Municipality]:
    """Admins and reviewers see every municipality's reference profile; an officer sees only their own."""
    municipalities = Municipality.objects.select_related("province")
    if not user.is_authenticated:
        return municipalities.none()
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return municipalities
    if user.role in MUNICIPAL_ROLES:
        assert user.municipality_id is not None  # the user_officer_has_one_municipality constraint
        return municipalities.filter(pk=user.municipality_id)
    return municipalities.none()


def municipality_search_condition(query: str) -> Q:
    """A municipality whose Thai or English name, code or province matches what was typed."""
    condition = Q(name_th__contains=query) | Q(full_name_th__contains=query) | Q(name_en__icontains=query)
    return condition | Q(full_name_en__icontains=query) | Q(code=query) | Q(province__name_th__contains=query)


def public_municipalities() -> QuerySet[Municipality]:
    """Every municipality, for public reads of its names and place (public reference data; one query)."""
    return Municipality.objects.select_related("province").only(
        "code",
        "kind",
        "name_th",
        "name_en",
        "full_name_th",
        "full_name_en",
        "district_th",
        "district_en",
        "province__code",
        "province__name_th",
        "province__name_en",
    )


def search_municipalities(query: str, *, limit: int = 12) -> list[Municipality]:
    """Public search by Thai or English name or code, for pickers (names are public reference data)."""
    query = query.strip()
    if len(query) < 1:
        return []
    matches = Municipality.objects.select_related("province").filter(municipality_search_condition(query))
    # Exact and prefix matches first, then dictionary order.
    starts = list(matches.filter(Q(name_th__startswith=query) | Q(code=query))[:limit])
    rest = list(matches.exclude(pk__in=[m.pk for m in starts])[: limit - len(starts)])
    return starts + rest


def registrations_for_admin(status: str | None = None) -> QuerySet[OfficerRegistration]:
    registrations = OfficerRegistration.objects.select_related("municipality__province", "decided_by")
    if status:
        registrations = registrations.filter(status=status)
    return registrations


def registration_for_login(email: str, password: str) -> OfficerRegistration | None:
    """The newest unfinished or refused registration for this address, when the password is the one it chose.

    The sign-in form uses it to say why there is no account yet, without telling anyone else that it exists.
    """
    registration = (
        OfficerRegistration.objects.filter(
            email=email.strip().lower(),
            status__in=[
                RegistrationStatus.UNVERIFIED,
                RegistrationStatus.AWAITING_APPROVAL,
                RegistrationStatus.REJECTED,
            ],
        )
        .order_by("-created_at")
        .first()
    )
    if registration is None or not password or not check_password(password, registration.password_hash):
        return None
    return registration


def pending_registration_count() -> int:
    return OfficerRegistration.objects.filter(status=RegistrationStatus.AWAITING_APPROVAL).count()


def users_for_admin(role: str | None = None) -> QuerySet[User]:
    users = User.objects.select_related("municipality__province").order_by("role", "full_name")
    if role:
        users = users.filter(role=role)
    return users


def conflicts_of(reviewer: User) -> QuerySet[ReviewerConflict]:
    return ReviewerConflict.objects.filter(reviewer=reviewer).select_related("municipality__province", "province")


def all_conflicts() -> QuerySet[ReviewerConflict]:
    """Every declared conflict with its reviewer and target, by reviewer then newest first (one query)."""
    return ReviewerConflict.objects.select_related("reviewer", "municipality__province", "province").order_by(
        "reviewer__full_name", "reviewer_id", "-declared_at"
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (revoked and expired ones too, to show them as such)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(prefix=prefix).first()


def active_officers(municipality_ids: Iterable[int]) -> QuerySet[User]:
    """The active officers (editors and signatories) of the municipalities: who is told about their applications."""
    return User.objects.filter(municipality_id__in=list(municipality_ids), is_active=True).order_by("email")
