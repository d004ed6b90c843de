"""Use cases that change applications and their values: start, save values and profile, submit, reopen, prefill.

The reads they use live in selectors modules (the outlier warnings and checks across indicators in
applications.selectors_checks, the submission report and receipt digest in applications.selectors_submission). Evidence
files are attached and removed in applications.services_evidence; the municipality's answer to a clarification request
is in applications.services_clarifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import PROFILE_FIELDS, VALUE_FIELDS, ApplicationStatus, Channel
from applications.models import Application, IndicatorValue, StatusChange, ValueChange
from applications.permissions import is_application_before_deadline, is_before_deadline
from applications.selectors import applicable_indicators, previous_application, size_class_for, value_comparison
from applications.selectors_checks import OutlierContext, checks_naming, failure_messages, outlier_warnings
from applications.selectors_submission import receipt_digest, submission_report
from applications.signals import application_reopened, application_submitted, application_values_changed
from applications.validation import IndicatorRules, InvalidValueError, parse_value
from indicators.display import canonical
from indicators.enums import AreaKind, Track
from indicators.models import AwardCycle, Indicator
from portal.audit.enums import AuditAction
from portal.audit.services import record
from portal.enums import Role
from portal.models import Municipality, User
from portal.notifications.services import notify
from portal.selectors import active_officers

TEXT_LIMITS = {"period": 100, "source": 300, "text": 5000, "comment": 2000}


class StaleValueError(Exception):
    """Someone else saved this field after the officer loaded it; the later save is refused."""

    def __init__(self, current: IndicatorValue | Application, field: str) -> None:
        super().__init__(field)
        self.current = current
        self.field = field


def _notify_after_commit(signal: Any, application: Application, by: User, **details: Any) -> None:
    transaction.on_commit(
        partial(signal.send, sender=Application, application_id=application.pk, by_id=by.pk, **details)
    )


@transaction.atomic
def start_application(
    *, cycle: AwardCycle, municipality: Municipality, track: str, category_code: str, by: User
) -> Application:
    """Open a draft for the municipality, with the city profile taken from the municipality's reference data.

    The size class follows from the population; outside every band the application still starts (a warning
    is shown on the form, not a block). Raises ValidationError for a closed cycle, an unknown category, or a
    second application on the same track and category.
    """
    if not cycle.is_open_for_submissions or not is_before_deadline(cycle, municipality):
        raise ValidationError(_("This cycle is not open for applications."), code="closed")
    category_code = category_code if track == Track.CERTIFICATE else ""
    if (
        track == Track.CERTIFICATE
        and not cycle.framework.areas.filter(code=category_code, kind=AreaKind.CATEGORY).exists()
    ):
        raise ValidationError({"category_code": _("Choose one of the cycle's certificate categories.")})
    application = Application(
        cycle=cycle,
        municipality=municipality,
        track=track,
        category_code=category_code,
        population=municipality.population,
        population_year=municipality.population_year,
        households=municipality.households,
        area_km2=municipality.area_km2,
        size_class=size_class_for(cycle, municipality.population),
        created_by=by,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Your municipality already has an application on this track and category."), code="duplicate"
        ) from error
    return application


def indicator_rules(indicator: Indicator, application: Application) -> IndicatorRules:
    return IndicatorRules(
        code=indicator.code,
        value_type=indicator.value_type,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        max_points=application.cycle.max_points,
    )


@dataclass
class SaveResult:
    value: IndicatorValue
    changed: bool
    warnings: list[str] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)


def ensure_editable(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application is submitted and locked."), code="locked")
    if not is_application_before_deadline(application):
        raise ValidationError(
            _("The submission deadline has passed; the application can no longer change."), code="late"
        )


@transaction.atomic
def save_value(
    *,
    application: Application,
    indicator: Indicator,
    by: User,
    changes: dict[str, str],
    expected_version: int | None,
    channel: str = Channel.FORM,
) -> SaveResult:
    """Save the fields an officer changed for one indicator ("value", "period", "source", "comment", "text").

    `expected_version` is the version the officer's page showed; when someone saved in between, StaleValueError
    carries their value and nothing is saved (no lost update). An invalid value raises ValidationError and
    nothing is saved. Warnings (outliers) and failed checks across indicators are returned, not raised.
    """
    ensure_editable(application)
    value, changed = write_value(
        application=application,
        indicator=indicator,
        by=by,
        changes=changes,
        expected_version=expected_version,
        channel=channel,
    )
    checks = checks_naming(application, indicator)
    # One query for what the warnings and the checks compare the value with.
    comparison = value_comparison(
        application, indicator, codes={code for check in checks for code in check["indicators"]}
    )
    context = OutlierContext(previous={indicator.code: comparison.previous}, peers={indicator.pk: comparison.peers})
    return SaveResult(
        value=value,
        changed=changed,
        warnings=outlier_warnings(application, indicator, value, context),
        check_errors=failure_messages(checks, comparison.own),
    )


def write_value(
    *,
    application: Application,
    indicator: Indicator,
    by: User,
    changes: dict[str, str],
    expected_version: int | None,
    channel: str,
) -> tuple[IndicatorValue, bool]:
    """Validate and write one indicator's changed fields, with their history; the caller decides whether the
    application may change (a draft, or an open clarification request). Returns the value and whether it changed."""
    value = (
        IndicatorValue.objects.select_for_update(of=("self",))
        .filter(application=application, indicator=indicator)
        .order_by()
        .first()
    )
    if value is None:
        # Not saved until something is entered: an empty autosave leaves no row behind.
        value = IndicatorValue(application=application, indicator=indicator)
    if expected_version is not None and value.version != expected_version:
        raise StaleValueError(value, next(iter(changes), "value"))
    history, touched = change_value(
        application=application, value=value, indicator=indicator, by=by, changes=changes, channel=channel
    )
    if touched:
        value.save()
        ValueChange.objects.bulk_create(history)
        notify_values_changed(application, by)
    return value, bool(history)


def change_value(
    *,
    application: Application,
    value: IndicatorValue,
    indicator: Indicator,
    by: User,
    changes: dict[str, str],
    channel: str,
) -> tuple[list[ValueChange], bool]:
    """Apply one indicator's changed fields to `value` in memory, by the form's rules, and return the history rows
    of what changed and whether the value must be saved (a change, or a copied value confirmed). A changed value
    gets a new version. Nothing is written: the caller saves, alone (the form) or in bulk (an import). Raises
    ValidationError for an invalid value or a text over its limit."""
    new = {name: getattr(value, name) for name in VALUE_FIELDS}
    if "value" in changes:
        try:
            parsed = parse_value(indicator_rules(indicator, application), changes["value"])
        except InvalidValueError as error:
            raise ValidationError({"value": str(error)}, code="invalid") from error
        new["number"], new["flag"], new["level"] = parsed.number, parsed.flag, parsed.level
    for name in ("text", "period", "source", "comment"):
        if name in changes:
            refuse_null_characters(name, changes[name])
            new[name] = changes[name].strip()
    for name, limit in TEXT_LIMITS.items():
        if len(new[name]) > limit:
            raise ValidationError(
                {name: _("At most {limit} characters (now {length}).").format(limit=limit, length=len(new[name]))},
                code="too_long",
            )
    history = [
        ValueChange(
            application=application,
            indicator=indicator,
            field=name,
            old=canonical(getattr(value, name)),
            new=canonical(new[name]),
            channel=channel,
            changed_by=by,
        )
        for name in VALUE_FIELDS
        if new[name] != getattr(value, name)
    ]
    confirmed_copy = value.is_copied and channel != Channel.PREFILL
    touched = bool(history) or confirmed_copy
    if touched:
        for name in VALUE_FIELDS:
            setattr(value, name, new[name])
        value.is_copied = channel == Channel.PREFILL
        value.version += 1
        value.updated_at, value.updated_by = timezone.now(), by
    return history, touched


def refuse_null_characters(name: str, text: str) -> None:
    """PostgreSQL cannot store a NUL byte in text: refuse it with a message naming the field."""
    if "\x00" in text:
        raise ValidationError(
            {name: _("The text holds a character that cannot be saved (a NUL byte). Type it again.")},
            code="null_characters",
        )


def notify_values_changed(application: Application, by: User) -> None:
    """Tell the listeners, after commit, that values of the application changed (once per write, however many)."""
    _notify_after_commit(application_values_changed, application, by, status=application.status)


@transaction.atomic
def save_profile(
    *, application: Application, by: User, changes: dict[str, Any], expected_version: int | None
) -> Application:
    """Save city-profile fields (population, households, area, reference year, national certificate).

    The size class follows the declared population. Raises StaleValueError or ValidationError as save_value.
    """
    ensure_editable(application)
    current = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and current.profile_version != expected_version:
        raise StaleValueError(current, next(iter(changes), "population"))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown profile field."))
    for name, new in changes.items():
        if isinstance(new, str):
            refuse_null_characters(name, new)
    # The new values are checked before anything compares or logs them: a NaN or a number with a huge exponent is
    # refused with the field's message instead of failing in a comparison or in its text for the history.
    old = {name: getattr(current, name) for name in changes}
    for name, new in changes.items():
        setattr(current, name, new)
    current.clean_fields(exclude=[field.name for field in Application._meta.fields if field.name not in changes])
    history = [
        ValueChange(
            application=current,
            field=name,
            old=canonical(old[name]),
            new=canonical(getattr(current, name)),
            channel=Channel.FORM,
            changed_by=by,
        )
        for name in changes
        if getattr(current, name) != old[name]
    ]
    if history:
        current.full_clean(exclude=["created_by", "submitted_by"])
        current.size_class = size_class_for(current.cycle, current.population)
        current.profile_version += 1
        current.save()
        ValueChange.objects.bulk_create(history)
    return current


@transaction.atomic
def submit_application(*, application: Application, by: User, confirmed_digest: str) -> Application:
    """Lock the application and send the receipt. Submitting twice (double click, replay) submits once.

    `confirmed_digest` is the digest the confirmation page showed: if values changed since, the signatory must
    look again. Raises ValidationError for blocking problems, a passed deadline or a changed application.
    """
    application = (
        Application.objects.select_for_update()
        .select_related("cycle__framework", "municipality")
        .get(pk=application.pk)
    )
    if application.status == ApplicationStatus.SUBMITTED and application.receipt_sha256 == confirmed_digest:
        return application
    ensure_editable(application)
    if by.role != Role.SIGNATORY or by.municipality_id != application.municipality_id:
        raise ValidationError(_("Only the municipality's signatory can submit."), code="not_signatory")
    digest = receipt_digest(application)
    if digest != confirmed_digest:
        raise ValidationError(
            _("The application changed after you opened this page. Check the summary again, then submit."),
            code="changed",
        )
    report = submission_report(application)
    if not report.can_submit:
        raise ValidationError(report.blocking, code="blocking")
    StatusChange.objects.create(
        application=application, from_status=application.status, to_status=ApplicationStatus.SUBMITTED, changed_by=by
    )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at, application.submitted_by, application.receipt_sha256 = timezone.now(), by, digest
    application.save(update_fields=["status", "submitted_at", "submitted_by", "receipt_sha256", "updated_at"])
    notify(
        event="application_receipt",
        to=list(active_officers([application.municipality_id])),
        context={
            "municipality": application.municipality,
            "cycle": application.cycle,
            "application": application,
            "submitted_at": timezone.localtime(application.submitted_at),
            "digest": digest,
            "signatory": by.full_name,
        },
        link=reverse("applications:receipt", args=[application.pk]),
    )
    _notify_after_commit(application_submitted, application, by)
    return application


@transaction.atomic
def reopen_application(*, application: Application, by: User, reason: str) -> Application:
    """Unlock a submitted application (admin, with a logged reason); the municipality is told by e-mail."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening; the municipality receives it.")})
    application = Application.objects.select_for_update().select_related("municipality").get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be reopened."), code="not_submitted")
    StatusChange.objects.create(
        application=application,
        from_status=application.status,
        to_status=ApplicationStatus.DRAFT,
        reason=reason.strip(),
        changed_by=by,
    )
    before = {"status": application.status, "submitted_at": application.submitted_at}
    application.status = ApplicationStatus.DRAFT
    application.submitted_at = None
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    record(
        action=AuditAction.APPLICATION_REOPENED,
        by=by,
        target=application,
        cycle=application.cycle,
        before=before,
        after={"status": application.status, "submitted_at": None},
        note=reason,
    )
    notify(
        event="application_reopened",
        to=list(active_officers([application.municipality_id])),
        context={"municipality": application.municipality, "application": application, "reason": reason.strip()},
        link=reverse("applications:detail", args=[application.pk]),
        by=by,
    )
    _notify_after_commit(application_reopened, application, by)
    return application


@transaction.atomic
def prefill_from_previous(*, application: Application, by: User) -> int:
    """Copy the municipality's values from its previous-cycle application into empty fields, marked as copied.

    Returns how many values were copied. A copied value blocks submission until the officer confirms or changes it.
    """
    ensure_editable(application)
    previous = previous_application(application)
    if previous is None:
        raise ValidationError(_("There is no application of your municipality in the previous cycle."), code="none")
    old_values = {value.indicator.code: value for value in previous.values.select_related("indicator")}
    existing = {value.indicator_id: value for value in application.values.all()}
    copied = 0
    for indicator in applicable_indicators(application):
        old = old_values.get(indicator.code)
        current = existing.get(indicator.pk)
        if old is None or not old.is_answered or (current is not None and current.is_answered):
            continue
        # Only empty fields are filled: nothing the officer already typed is overwritten.
        changes = {
            name: getattr(old, name)
            for name in ("period", "source", "text")
            if getattr(old, name) and not (current is not None and getattr(current, name))
        }
        if old.number is not None or old.flag is not None or old.level is not None:
            changes["value"] = old.display
        save_value(
            application=application,
            indicator=indicator,
            by=by,
            changes=changes,
            expected_version=None,
            channel=Channel.PREFILL,
        )
        copied += 1
    return copied


@transaction.atomic
def confirm_copied_value(*, value: IndicatorValue, by: User) -> IndicatorValue:
    ensure_editable(value.application)
    if value.is_copied:
        value.is_copied = False
        value.version += 1
        value.updated_at, value.updated_by = timezone.now(), by
        value.save(update_fields=["is_copied", "version", "updated_at", "updated_by"])
    return value
