"""Use cases that change applications: start, save values and profile, evidence, submit, reopen, prefill."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.enums import PROFILE_FIELDS, ApplicationStatus, Channel, ClarificationStatus
from applications.models import (
    Application,
    ClarificationRequest,
    Evidence,
    IndicatorValue,
    StatusChange,
    ValueChange,
)
from applications.outliers import is_change_outlier, is_peer_outlier, peer_stats
from applications.permissions import is_application_before_deadline, is_before_deadline
from applications.selectors import (
    applicable_indicators,
    application_sections,
    numbers_by_code,
    previous_application,
    size_class_for,
    value_comparison,
)
from applications.signals import application_reopened, application_submitted, application_values_changed
from applications.validation import IndicatorRules, InvalidValueError, failed_checks, parse_value
from indicators.enums import AreaKind, Track
from indicators.models import AwardCycle, Indicator
from portal.emails import send_after_commit
from portal.enums import Role
from portal.i18n import localized
from portal.models import Municipality, User
from portal.uploads import JPEG, PDF, PNG, XLSX, sanitise_filename, sha256_of, sniff_type

EVIDENCE_TYPES = (PDF, JPEG, PNG, XLSX)
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
VALUE_FIELDS = ("number", "flag", "level", "text", "period", "source", "comment")
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


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


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
    value, changed = _write_value(
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
        check_errors=_failure_messages(checks, comparison.own),
    )


def _write_value(
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
            old=_as_text(getattr(value, name)),
            new=_as_text(new[name]),
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


def notify_values_changed(application: Application, by: User) -> None:
    """Tell the listeners, after commit, that values of the application changed (once per write, however many)."""
    _notify_after_commit(application_values_changed, application, by, status=application.status)


@dataclass(frozen=True)
class OutlierContext:
    """What outlier warnings compare against, for every indicator of one application at once."""

    previous: dict[str, Decimal | None]  # indicator code → the previous cycle's value
    peers: dict[int, list[Decimal]]  # indicator id → values of the size class's other applications


def outlier_context(application: Application) -> OutlierContext:
    """Load the previous cycle's values and the peers' values in bulk (three queries), so that a page listing
    every indicator does not query per row."""
    previous = previous_application(application)
    previous_values = dict(previous.values.values_list("indicator__code", "number")) if previous is not None else {}
    peers: dict[int, list[Decimal]] = defaultdict(list)
    if application.size_class_id is not None:
        for indicator_id, number in (
            IndicatorValue.objects.filter(
                application__cycle_id=application.cycle_id,
                application__size_class_id=application.size_class_id,
                number__isnull=False,
            )
            .exclude(application_id=application.pk)
            .values_list("indicator_id", "number")
        ):
            peers[indicator_id].append(number)
    return OutlierContext(previous=previous_values, peers=peers)


def outlier_warnings(
    application: Application, indicator: Indicator, value: IndicatorValue, context: OutlierContext | None = None
) -> list[str]:
    """Warnings that ask for an explanatory comment; they never block. Pass `context` when warning on many rows."""
    if value.number is None:
        return []
    warnings = []
    if context is not None:
        old = context.previous.get(indicator.code)
        peer_values = context.peers.get(indicator.pk, [])
    else:
        comparison = value_comparison(application, indicator, codes=())
        old, peer_values = comparison.previous, comparison.peers
    if is_change_outlier(value.number, old):
        warnings.append(
            _("Very different from your previous cycle ({old}). Please explain in the comment.").format(
                old=_as_text(old)
            )
        )
    stats = peer_stats(peer_values)
    if is_peer_outlier(value.number, stats):
        warnings.append(
            _(
                "Unusual among municipalities of your size class (median {median}). Please check the unit and "
                "explain in the comment."
            ).format(median=_as_text(stats.median.quantize(Decimal("0.01"))))
        )
    return warnings


def checks_naming(application: Application, indicator: Indicator | None = None) -> list[dict[str, Any]]:
    """The framework's checks across indicators (only those naming `indicator`, if given)."""
    checks = application.cycle.framework.checks
    if indicator is not None:
        checks = [check for check in checks if indicator.code in check["indicators"]]
    return list(checks)


def _failure_messages(checks: list[dict[str, Any]], numbers: dict[str, Decimal | None]) -> list[str]:
    if not checks:
        return []
    failures = failed_checks(checks, numbers, language=translation.get_language() or "th")
    return [failure.message for failure in failures]


def check_errors(application: Application, indicator: Indicator | None = None) -> list[str]:
    """Messages of the framework's checks across indicators that fail (only those naming `indicator`, if given)."""
    checks = checks_naming(application, indicator)
    if not checks:
        return []
    return _failure_messages(checks, numbers_by_code(application))


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
    history = []
    for name, new in changes.items():
        old = getattr(current, name)
        if old != new:
            history.append(
                ValueChange(
                    application=current,
                    field=name,
                    old=_as_text(old),
                    new=_as_text(new),
                    channel=Channel.FORM,
                    changed_by=by,
                )
            )
            setattr(current, name, new)
    if history:
        current.full_clean(exclude=["created_by", "submitted_by"])
        current.size_class = size_class_for(current.cycle, current.population)
        current.profile_version += 1
        current.save()
        ValueChange.objects.bulk_create(history)
    return current


@transaction.atomic
def upload_evidence(
    *, application: Application, indicator: Indicator, file: UploadedFile, by: User, channel: str = Channel.FORM
) -> Evidence:
    """Attach a PDF, JPEG, PNG or XLSX (type read from the content) of at most 20 MB to one indicator."""
    ensure_editable(application)
    return _store_evidence(application=application, indicator=indicator, file=file, by=by, channel=channel)


def _store_evidence(
    *, application: Application, indicator: Indicator, file: UploadedFile, by: User, channel: str = Channel.FORM
) -> Evidence:
    if file.size is not None and file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    file_type = sniff_type(file)
    if file_type not in EVIDENCE_TYPES:
        raise ValidationError(
            _("Only PDF, JPEG, PNG or Excel (XLSX) files are accepted; this file is something else."),
            code="wrong_type",
        )
    evidence = Evidence(
        application=application,
        indicator=indicator,
        name=sanitise_filename(file.name or "evidence", file_type=file_type),
        file_type=file_type,
        size=file.size or 0,
        sha256=sha256_of(file),
        uploaded_by=by,
    )
    evidence.file.save(file.name or "evidence", file, save=False)
    evidence.save()
    ValueChange.objects.create(
        application=application,
        indicator=indicator,
        field="evidence",
        new=f"{evidence.name} ({evidence.sha256[:12]})",
        channel=channel,
        changed_by=by,
    )
    return evidence


@transaction.atomic
def delete_evidence(*, evidence: Evidence, by: User) -> None:
    ensure_editable(evidence.application)
    ValueChange.objects.create(
        application=evidence.application,
        indicator=evidence.indicator,
        field="evidence",
        old=f"{evidence.name} ({evidence.sha256[:12]})",
        channel=Channel.FORM,
        changed_by=by,
    )
    evidence.file.delete(save=False)
    evidence.delete()


@dataclass
class SubmissionReport:
    """What the confirmation page shows: problems that block, things that are missing, warnings."""

    blocking: list[str]
    missing: list[str]
    warnings: list[str]
    answered: int
    applicable: int

    @property
    def can_submit(self) -> bool:
        return not self.blocking


def submission_report(application: Application) -> SubmissionReport:
    sections = application_sections(application)
    blocking, missing, warnings = [], [], []
    for label, value in (
        (_("registered population"), application.population),
        (_("population reference year"), application.population_year),
        (_("households"), application.households),
        (_("municipal area"), application.area_km2),
    ):
        if value is None:
            blocking.append(_("City profile: {field} is missing.").format(field=label))
    if application.population is not None and application.size_class is None:
        warnings.append(_("The population is outside every size class of this cycle."))
    for section in sections:
        for row in section.rows:
            indicator, value = row.indicator, row.value
            if value is None or not value.is_answered:
                missing.append(f"{indicator.code} {_name(indicator)}")
                continue
            if value.is_copied:
                blocking.append(
                    _("{code}: copied from the previous cycle; confirm or change it.").format(code=indicator.code)
                )
            if _needs_evidence(indicator, value) and not row.evidence:
                blocking.append(_("{code}: attach the required evidence.").format(code=indicator.code))
    blocking += check_errors(application)
    answered = sum(section.answered for section in sections)
    applicable = sum(section.applicable for section in sections)
    return SubmissionReport(blocking, missing, warnings, answered, applicable)


def _name(indicator: Indicator) -> str:
    return localized(indicator)


def _needs_evidence(indicator: Indicator, value: IndicatorValue) -> bool:
    if not indicator.evidence_required:
        return False
    if indicator.evidence_required_from_points is not None:
        return value.level is not None and value.level >= indicator.evidence_required_from_points
    return True


def receipt_digest(application: Application) -> str:
    """SHA-256 of the submitted content in a canonical form (sorted JSON), printed on the receipt."""
    values = {
        value.indicator.code: {name: _as_text(getattr(value, name)) for name in VALUE_FIELDS}
        for value in application.values.select_related("indicator")
    }
    evidence: dict[str, list[str]] = {}
    for item in application.evidence.select_related("indicator").order_by("sha256"):
        evidence.setdefault(item.indicator.code, []).append(item.sha256)
    content = {
        "cycle": application.cycle.code,
        "municipality": application.municipality.code,
        "track": application.track,
        "category": application.category_code,
        "profile": {name: _as_text(getattr(application, name)) for name in PROFILE_FIELDS},
        "values": values,
        "evidence": evidence,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    recipients = set(application.municipality.officers.filter(is_active=True).values_list("email", flat=True))
    send_after_commit(
        template="application_receipt",
        to=sorted(recipients),
        municipality=application.municipality,
        cycle=application.cycle,
        application=application,
        submitted_at=timezone.localtime(application.submitted_at),
        digest=digest,
        signatory=by.full_name,
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
    application.status = ApplicationStatus.DRAFT
    application.submitted_at = None
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    send_after_commit(
        template="application_reopened",
        to=sorted(application.municipality.officers.filter(is_active=True).values_list("email", flat=True)),
        municipality=application.municipality,
        application=application,
        reason=reason.strip(),
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


# --------------------------------------------------------------------------------------------------------------
# Clarification requests (asked by reviewers through the reviews app; answered by the municipality here)
# --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def ask_clarification(
    *, application: Application, indicator: Indicator, question: str, by: User
) -> ClarificationRequest:
    """Open a question about one indicator; the municipality's officers are told by e-mail."""
    if not question.strip():
        raise ValidationError({"question": _("Write the question for the municipality.")})
    request = ClarificationRequest.objects.create(
        application=application, indicator=indicator, question=question.strip(), asked_by=by
    )
    send_after_commit(
        template="clarification_asked",
        to=sorted(application.municipality.officers.filter(is_active=True).values_list("email", flat=True)),
        municipality=application.municipality,
        code=indicator.code,
        question=request.question,
    )
    return request


@transaction.atomic
def answer_clarification(
    *,
    request: ClarificationRequest,
    answer: str,
    by: User,
    amended_value: str | None = None,
    evidence: UploadedFile | None = None,
) -> ClarificationRequest:
    """The municipality answers an open request and may amend that one value, even after submission.

    The amendment goes through the same validation as the form and lands in the history (channel
    "clarification"); the reviewer who asked is told by e-mail.
    """
    request = (
        ClarificationRequest.objects.select_for_update().select_related("application", "indicator").get(pk=request.pk)
    )
    if request.status != ClarificationStatus.OPEN:
        raise ValidationError(_("This request is no longer open."), code="closed")
    if by.municipality_id != request.application.municipality_id:
        raise ValidationError(_("Only the municipality's officers can answer."), code="not_officer")
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    if amended_value is not None and amended_value.strip() != "":
        _write_value(
            application=request.application,
            indicator=request.indicator,
            by=by,
            changes={"value": amended_value},
            expected_version=None,
            channel=Channel.CLARIFICATION,
        )
    if evidence is not None:
        # The requested document may be attached even though the application is locked: only to this indicator.
        _store_evidence(application=request.application, indicator=request.indicator, file=evidence, by=by)
    request.answer, request.answered_by, request.answered_at = answer.strip(), by, timezone.now()
    request.status = ClarificationStatus.ANSWERED
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    send_after_commit(
        template="clarification_answered",
        to=[request.asked_by.email],
        municipality=request.application.municipality,
        code=request.indicator.code,
        answer=request.answer,
    )
    return request


@transaction.atomic
def close_clarification(*, request: ClarificationRequest, by: User) -> ClarificationRequest:
    request.status, request.closed_at = ClarificationStatus.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request
