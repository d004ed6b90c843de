"""Evidence files of an application: attach one to an indicator (type read from the content, size and workbook hazards
checked) and remove it, each logged in the value history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from applications.enums import Channel
from applications.models import Application, Evidence, ValueChange
from applications.services import ensure_editable
from indicators.models import Indicator
from portal.models import User
from portal.uploads import JPEG, PDF, PNG, XLSX, sanitise_filename, sha256_of, sniff_type, workbook_hazards

EVIDENCE_TYPES = (PDF, JPEG, PNG, XLSX)
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def upload_evidence(
    *, application: Application, indicator: Indicator, file: UploadedFile, by: User, channel: str = Channel.FORM
) -> Evidence:
    """Attach a PDF, JPEG, PNG or XLSX (type read from the content) of at most 20 MB to one indicator."""
    ensure_editable(application)
    return store_evidence(application=application, indicator=indicator, file=file, by=by, channel=channel)


def store_evidence(
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
    if file_type == XLSX and (hazards := workbook_hazards(file)):
        message = (
            _(
                "The workbook contains macros; save it as a plain Excel workbook (.xlsx) without macros "
                "and upload it again."
            )
            if "macros" in hazards
            else _("The workbook links to other files or data sources; paste the values in and remove the links first.")
        )
        raise ValidationError(message, code="active_content")
    evidence = Evidence(
        application=application,
        indicator=indicator,
        name=sanitise_filename(file.name or "evidence", file_type=file_type),
        file_type=file_type,
        size=file.size or 0,
        sha256=sha256_of(file),
        uploaded_by=by,
    )
    evidence.file.save(evidence.name, file, save=False)  # stored under the extension of the type it really is
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
    file, name = evidence.file.storage, evidence.file.name
    assert name is not None  # evidence always has its file
    evidence.delete()
    # The file goes once the deletion is committed: a transaction rolled back keeps the row and its file.
    transaction.on_commit(lambda: file.delete(name))
