"""Excel import of indicator values: a dry run that records what a file would change, then an all-or-nothing apply."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import VALUE_FIELDS, Channel, ImportStatus
from applications.models import Application, ImportRun, IndicatorValue, ValueChange
from applications.selectors import applicable_indicators

# One implementation of the rules: the same editability check and validation rules as the form's save_value.
from applications.services import TEXT_LIMITS, change_value, ensure_editable, indicator_rules, notify_values_changed
from applications.spreadsheets.columns import COLUMNS
from applications.spreadsheets.upload import UploadError, UploadRow, read_upload
from applications.validation import InvalidValueError, parse_value
from indicators.display import canonical_text
from indicators.models import Indicator
from portal.models import User
from portal.uploads import XLSX, sanitise_filename, sha256_of, sniff_type

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORTED_FIELDS: tuple[str, ...] = ("value", "description", "period", "source", "comment")
# More rows than any framework has indicators: one statement per kind of write, whatever the file.
BATCH = 1000


def is_ready_to_apply(run: ImportRun) -> bool:
    """A checked run without errors that has not been applied yet."""
    return run.status == ImportStatus.CHECKED and not run.errors and run.applied_at is None


@transaction.atomic
def check_import(*, application: Application, file: UploadedFile, by: User) -> ImportRun:
    """Dry run: record on a new ImportRun every field the file would change (old → new) and every error.

    Nothing of the application changes. The stored file is kept privately. The run is "refused" when the file
    itself is unusable (not an .xlsx by content, unreadable, made for another application, missing columns),
    else "checked"; a checked run with row errors (invalid value, unknown or repeated code) cannot be applied.
    A row that changes nothing is not listed. Raises ValidationError, storing nothing, when the application is
    locked or past its deadline, or the file is larger than 5 MB.
    """
    ensure_editable(application)
    if file.size is not None and file.size > IMPORT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
    rows, upload_errors = read_upload(file, application=application)
    changes: list[dict[str, Any]]
    if any(error.is_file_level for error in upload_errors):
        status, changes, errors = ImportStatus.REFUSED, [], upload_errors
    else:
        changes, value_errors = _dry_run(application, rows)
        status, errors = ImportStatus.CHECKED, sorted([*upload_errors, *value_errors], key=_error_order)
    file_type = XLSX if sniff_type(file) == XLSX else None
    run = ImportRun(
        application=application,
        name=sanitise_filename(file.name or "import.xlsx", file_type=file_type),
        sha256=sha256_of(file),
        status=status,
        changes=changes,
        errors=[error.as_dict() for error in errors],
        created_by=by,
    )
    if status != ImportStatus.REFUSED:  # a refused file is never kept: nothing will read it again
        file.seek(0)
        run.file.save(run.name, file, save=False)
    try:
        run.save()
    except DatabaseError:
        if run.file:  # the row is lost with the transaction: keep no file that nothing points to
            run.file.delete(save=False)
        raise
    return run


def _error_order(error: UploadError) -> tuple[int, int]:
    column = COLUMNS.index(error.column) if error.column in COLUMNS else -1
    return (error.row or 0, column)


def _current(indicator: Indicator, value: IndicatorValue | None) -> dict[str, str]:
    if value is None:
        return dict.fromkeys(IMPORTED_FIELDS, "")
    return {
        "value": canonical_text(
            number=value.number,
            flag=value.flag,
            level=value.level,
            text=value.text if indicator.value_type == "text" else "",
        ),
        "description": value.text if indicator.value_type == "rubric" else "",
        "period": value.period,
        "source": value.source,
        "comment": value.comment,
    }


_NUMBER = IndicatorValue._meta.get_field("number")
_STEP = Decimal(1).scaleb(-(_NUMBER.decimal_places or 0))
_NUMBER_CEILING = Decimal(10) ** ((_NUMBER.max_digits or 0) - (_NUMBER.decimal_places or 0))
# The form's limits (change_value applies them again): a free-text indicator's value and a rubric's description are
# the value's text.
_MAX_LENGTHS = {**TEXT_LIMITS, "value": TEXT_LIMITS["text"], "description": TEXT_LIMITS["text"]}


def _proposed(
    application: Application, indicator: Indicator, row: UploadRow
) -> tuple[dict[str, str], list[UploadError]]:
    """The row's fields in canonical text, as save_value would store them, and the errors of the others."""
    proposed: dict[str, str] = {}
    errors: list[UploadError] = []

    def error(message: str, column: str) -> None:
        errors.append(UploadError.about(indicator, message, row.row, column))

    if indicator.value_type == "text":
        proposed["value"] = row.value
    else:
        try:
            parsed = parse_value(indicator_rules(indicator, application), row.value)
        except InvalidValueError as invalid:
            error(str(invalid), "value")
        else:
            if parsed.number is not None and abs(parsed.number) >= _NUMBER_CEILING:
                error(_("The number is too large."), "value")
            else:
                # Stored with the column's decimal places: the dry run shows what will be saved.
                number = None if parsed.number is None else parsed.number.quantize(_STEP, rounding=ROUND_HALF_UP)
                proposed["value"] = canonical_text(number=number, flag=parsed.flag, level=parsed.level)
    if row.description is not None:  # None: the file has no description column (a template of an older format)
        if indicator.value_type == "rubric":
            proposed["description"] = row.description
        elif row.description:
            error(
                _("Only rubric indicators take a description of what was done; leave this cell empty."), "description"
            )
    for name in ("value", "description", "period", "source", "comment"):
        proposed_already = name in ("value", "description")
        text = proposed.get(name, "") if proposed_already else getattr(row, name)
        limit = _MAX_LENGTHS[name]
        if len(text) > limit:
            proposed.pop(name, None)
            error(_("At most {limit} characters.").format(limit=limit), name)
        elif not proposed_already:
            proposed[name] = text
    return proposed, errors


def _dry_run(application: Application, rows: list[UploadRow]) -> tuple[list[dict[str, Any]], list[UploadError]]:
    indicators = {indicator.code: indicator for indicator in applicable_indicators(application)}
    values = {value.indicator_id: value for value in application.values.all()}
    changes: list[dict[str, Any]] = []
    errors: list[UploadError] = []
    for row in rows:
        indicator = indicators[row.code]
        current = _current(indicator, values.get(indicator.pk))
        proposed, row_errors = _proposed(application, indicator, row)
        errors += row_errors
        changes += [
            {
                "row": row.row,
                "code": indicator.code,
                "name_th": indicator.name_th,
                "name_en": indicator.name_en,
                "value_type": indicator.value_type,
                "field": name,
                "old": current[name],
                "new": proposed[name],
            }
            for name in IMPORTED_FIELDS
            if name in proposed and proposed[name] != current[name]
        ]
    return changes, errors


@transaction.atomic
def apply_import(*, run: ImportRun, by: User) -> ImportRun:
    """Apply every change of a checked run by the form's rules (change_value), all or nothing, in a number of queries
    that does not grow with the file; the history says "import", as the form's says "form".

    Applying an applied run again changes nothing and returns it. Raises ValidationError, and saves nothing, when
    the run has errors or was refused, the application is locked or past its deadline, or a value the run would
    change was changed after the dry run (the message names the indicators; the officer uploads the file again).
    """
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.applied_at is not None:
        return run
    if not is_ready_to_apply(run):
        raise ValidationError(
            _("This file has errors and cannot be applied. Correct the file and upload it again."), code="has_errors"
        )
    # Locking the application serialises the import with a submission, which locks it too.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cycle", "municipality")
        .get(pk=run.application_id)
    )
    ensure_editable(application)
    codes = {change["code"] for change in run.changes}
    indicators = {indicator.code: indicator for indicator in applicable_indicators(application).filter(code__in=codes)}
    values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.select_for_update(of=("self",))
        .filter(application=application, indicator__code__in=codes)
        .order_by()
    }
    stale = _stale_codes(run.changes, indicators, values)
    if stale:
        raise ValidationError(
            _(
                "Nothing was imported: {codes} changed after this file was checked. Upload the file again to "
                "check it against the current values."
            ).format(codes=", ".join(stale)),
            code="stale",
        )
    _write_in_bulk(application, indicators, values, _changes_by_code(run.changes), by)
    run.status = ImportStatus.APPLIED
    run.applied_at = timezone.now()
    run.save(update_fields=["status", "applied_at"])
    return run


def _write_in_bulk(
    application: Application,
    indicators: Mapping[str, Indicator],
    values: Mapping[int, IndicatorValue],
    changes: Mapping[str, dict[str, str]],
    by: User,
) -> None:
    """Every indicator's changes by the form's rules (change_value), written in a fixed number of queries however
    many rows the file has: new values in one insert, changed ones in one update, every history row in one insert,
    and one announcement after commit."""
    created: list[IndicatorValue] = []
    updated: list[IndicatorValue] = []
    history: list[ValueChange] = []
    for code, changed in changes.items():
        indicator = indicators[code]
        fields = dict(changed)
        if "value" in fields and indicator.value_type == "text":
            fields["text"] = fields.pop("value")
        if "description" in fields:
            fields["text"] = fields.pop("description")
        value = values.get(indicator.pk) or IndicatorValue(application=application, indicator=indicator)
        rows, touched = change_value(
            application=application, value=value, indicator=indicator, by=by, changes=fields, channel=Channel.IMPORT
        )
        if touched:
            (updated if value.pk else created).append(value)
            history += rows
    IndicatorValue.objects.bulk_create(created, batch_size=BATCH)
    IndicatorValue.objects.bulk_update(
        updated, [*VALUE_FIELDS, "is_copied", "version", "updated_at", "updated_by"], batch_size=BATCH
    )
    ValueChange.objects.bulk_create(history, batch_size=BATCH)
    if created or updated:
        notify_values_changed(application, by)


def _stale_codes(
    changes: list[Mapping[str, Any]], indicators: Mapping[str, Indicator], values: Mapping[int, IndicatorValue]
) -> list[str]:
    """Codes of the indicators whose current field differs from the old value the dry run recorded."""
    stale = set()
    for change in changes:
        indicator = indicators.get(change["code"])
        if indicator is None or _current(indicator, values.get(indicator.pk))[change["field"]] != change["old"]:
            stale.add(change["code"])
    return sorted(stale)


def _changes_by_code(changes: list[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {}
    for change in changes:
        grouped.setdefault(change["code"], {})[change["field"]] = change["new"]
    return grouped
