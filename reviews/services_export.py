"""Batch export of a cycle's shortlist as one ZIP: request it (a run, built by a Celery task after commit), build it.

The ZIP holds, for every shortlisted or nominated application, its nomination packet in Thai and in English and
its evidence files as stored, then the ranking workbook and a manifest of every file with its SHA-256:

    packets/<packet file name>                                  (reviews.packets.packet_filename, th and en)
    evidence/<municipality code>/<indicator code>/<file name>   (the evidence's sanitised name)
    rankings.xlsx                                               (reviews.exports.ranking_workbook)
    manifest.csv                                                (path, sha256, bytes; the manifest itself excluded)

One export per cycle is current: when a build finishes, the files of the cycle's earlier runs are deleted (their
rows stay as history). "Current" follows the latest *request*, as score runs do: a build that finishes after a
later request's build discards its own file.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application, Evidence
from indicators.models import AwardCycle
from portal.models import User
from portal.uploads import sanitise_filename
from reviews.exports import manifest_csv, ranking_workbook
from reviews.models import ExportRun
from reviews.services import current_nominees

logger = logging.getLogger(__name__)

LANGUAGES = ("th", "en")
EXPORTED_STATUSES = (ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
_CHUNK = 1024 * 1024

ProgressCallback = Callable[[int, int], None]


class ExportError(Exception):
    """The export cannot be built as asked (a file missing from storage, or changed since it was uploaded)."""


def export_applications(cycle: AwardCycle) -> list[Application]:
    """The applications an export covers: shortlisted or nominated ones, and the current nominees (whose latest
    committee decision is a nomination, whatever a later round set the status to). In the default order
    (municipality in Thai order, track, category)."""
    nominee_ids = [application.pk for application in current_nominees(cycle)]
    return list(
        Application.objects.filter(Q(status__in=EXPORTED_STATUSES) | Q(pk__in=nominee_ids), cycle=cycle)
        .select_related("cycle", "municipality__province", "size_class")
        .order_by("municipality__name_th", "track", "category_code", "pk")
    )


@transaction.atomic
def request_export(*, cycle: AwardCycle, by: User) -> ExportRun:
    """Queue a build of the cycle's export (runs after commit). Raises ValidationError when nothing is shortlisted."""
    total = len(export_applications(cycle))
    if total == 0:
        raise ValidationError(
            _("Nothing to export: no application of this cycle is shortlisted or nominated."), code="empty"
        )
    run = ExportRun.objects.create(cycle=cycle, requested_by=by, total=total)
    _enqueue(run)
    return run


def _enqueue(run: ExportRun) -> None:
    from reviews.tasks import build_export_task  # noqa: PLC0415 -- tasks import services: avoid the circle

    transaction.on_commit(partial(build_export_task.delay, run_id=run.pk))


# ---------------------------------------------------------------------------------------------------------------
# Building the ZIP
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Archive:
    """A ZIP being written, with the manifest of what went in; a path used twice gets " (2)", " (3)" … unless it
    is the same content again (a file attached to two applications of one municipality is written once)."""

    zip: zipfile.ZipFile
    entries: dict[str, tuple[str, int]] = field(default_factory=dict)  # path → (sha256, bytes)

    def _free_path(self, path: str, sha256: str | None) -> str | None:
        """The path to write to, or None when the same content is already there."""
        if path not in self.entries:
            return path
        if sha256 is not None and self.entries[path][0] == sha256:
            return None
        folder, name = path.rpartition("/")[::2]
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        number = 2
        while True:
            candidate = f"{folder}/{stem} ({number}){dot}{extension}"
            if candidate not in self.entries:
                return candidate
            number += 1

    def add_bytes(self, path: str, content: bytes, *, compress: bool = False) -> None:
        sha256 = hashlib.sha256(content).hexdigest()
        target = self._free_path(path, sha256)
        if target is None:
            return
        self.zip.writestr(target, content, compress_type=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
        self.entries[target] = (sha256, len(content))

    def add_stream(self, path: str, source: IO[bytes], *, expected_sha256: str) -> str:
        """Copy a stored file in chunks; returns the SHA-256 of what was copied."""
        target = self._free_path(path, expected_sha256)
        if target is None:
            return expected_sha256
        digest, size = hashlib.sha256(), 0
        with self.zip.open(target, "w", force_zip64=True) as sink:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                digest.update(chunk)
                sink.write(chunk)
                size += len(chunk)
        self.entries[target] = (digest.hexdigest(), size)
        return digest.hexdigest()


def _evidence_by_application(applications: list[Application]) -> dict[int, list[Evidence]]:
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in (
        Evidence.objects.filter(application__in=applications)
        .select_related("indicator")
        .order_by("application_id", "indicator__area__position", "indicator__position", "uploaded_at", "pk")
    ):
        evidence[item.application_id].append(item)
    return evidence


def _segment(text: str) -> str:
    """One folder or file name inside the ZIP: no separators, no "..", Thai kept."""
    return sanitise_filename(text) or "file"


def _add_evidence(archive: _Archive, application: Application, item: Evidence) -> None:
    path = "/".join(
        ("evidence", _segment(application.municipality.code), _segment(item.indicator.code), _segment(item.name))
    )
    where = {"municipality": application.municipality.full_name_th, "code": item.indicator.code, "name": item.name}
    try:
        source = item.file.open("rb")
    except FileNotFoundError as error:
        raise ExportError(
            _("An evidence file is missing from storage: {municipality}, {code}, {name}.").format(**where)
        ) from error
    with source:
        copied = archive.add_stream(path, source, expected_sha256=item.sha256)
    if copied != item.sha256:
        message = _("An evidence file changed in storage since it was uploaded: {municipality}, {code}, {name}.")
        raise ExportError(message.format(**where))


def write_export_zip(
    cycle: AwardCycle,
    target: IO[bytes],
    *,
    applications: list[Application] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[tuple[str, str, int]]:
    """Write the cycle's export ZIP (layout in the module docstring) to `target`; return the manifest rows.

    `on_progress(done, total)` is called after each application. Raises ExportError for evidence missing from
    storage or changed since upload; whatever the packet renderer raises passes through.
    """
    from reviews.packets import packet_filename, render_packet_pdf  # noqa: PLC0415 -- WeasyPrint: slow import

    if applications is None:
        applications = export_applications(cycle)
    evidence = _evidence_by_application(applications)
    total = len(applications)
    with zipfile.ZipFile(target, "w", allowZip64=True) as zip_file:
        archive = _Archive(zip_file)
        for done, application in enumerate(applications, start=1):
            for language in LANGUAGES:
                name = PurePosixPath(packet_filename(application, language).replace("\\", "/")).name
                archive.add_bytes(f"packets/{name}", render_packet_pdf(application, language=language))
            for item in evidence[application.pk]:
                _add_evidence(archive, application, item)
            if on_progress is not None:
                on_progress(done, total)
        archive.add_bytes("rankings.xlsx", ranking_workbook(cycle))
        manifest = [(path, sha256, size) for path, (sha256, size) in archive.entries.items()]
        archive.add_bytes("manifest.csv", manifest_csv(manifest), compress=True)
    return manifest


def build_export(run_id: int, *, on_progress: ProgressCallback | None = None) -> ExportRun | None:
    """Build a run's ZIP and store it on the run. Idempotent: a done run is returned as it is; a run found running
    (a redelivered task) is built again from the start and its file replaced.

    Progress (`done`) is written after each application. The ZIP is written to a temporary file and reaches
    storage only when complete, so a failure leaves no half file. Finishing deletes the files of the cycle's
    earlier runs (after commit). Any error but a transient database one marks the run FAILED with the error
    (returned, not raised); transient ones are raised for the task to retry.
    """
    run = ExportRun.objects.select_related("cycle").filter(pk=run_id).first()
    if run is None:
        logger.warning("Export run %s vanished before it ran", run_id)
        return None
    if run.status == ExportRun.Status.DONE:
        return run
    ExportRun.objects.filter(pk=run.pk).update(status=ExportRun.Status.RUNNING, done=0, error="", finished_at=None)
    stored = ""
    try:
        applications = export_applications(run.cycle)
        ExportRun.objects.filter(pk=run.pk).update(total=len(applications))

        def progress(done: int, total: int) -> None:
            ExportRun.objects.filter(pk=run.pk).update(done=done, total=total)
            if on_progress is not None:
                on_progress(done, total)

        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
            write_export_zip(run.cycle, handle, applications=applications, on_progress=progress)
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            run.file.save(f"{run.cycle.code}-export.zip", File(handle, name="export.zip"), save=False)
            stored = run.file.name or ""
        _finish(run, stored=stored, size=size, sha256=digest, total=len(applications))
    except (OperationalError, InterfaceError):
        _delete_files([stored])
        raise
    except Exception as error:
        # Not transient: building again would fail the same way. The run records the error for the admin (the
        # traceback goes to the log) and the task ends normally, so an in-process (eager) build never turns the
        # request that queued it into a server error.
        logger.exception("Export run %s failed", run.pk)
        _delete_files([stored])
        mark_export_failed(run.pk, f"{type(error).__name__}: {error}")
    run.refresh_from_db()
    return run


def _finish(run: ExportRun, *, stored: str, size: int, sha256: str, total: int) -> None:
    """Mark the run DONE with its new file, in one transaction; delete replaced files once it commits."""
    with transaction.atomic():
        # One finisher per cycle at a time, so two builds finishing together agree on which file is current.
        AwardCycle.objects.select_for_update().get(pk=run.cycle_id)
        current = ExportRun.objects.select_for_update().get(pk=run.pk)
        stale = [current.file.name] if current.file and current.file.name != stored else []
        earlier = ExportRun.objects.filter(cycle_id=run.cycle_id, pk__lt=run.pk).exclude(file="")
        stale += list(earlier.values_list("file", flat=True))
        earlier.update(file="")
        if ExportRun.objects.filter(cycle_id=run.cycle_id, pk__gt=run.pk).exclude(file="").exists():
            stale.append(stored)  # a later request already finished: its file stays current
            stored = ""
        ExportRun.objects.filter(pk=run.pk).update(
            status=ExportRun.Status.DONE,
            file=stored,
            size=size,
            sha256=sha256,
            done=total,
            total=total,
            error="",
            finished_at=timezone.now(),
        )
        transaction.on_commit(partial(_delete_files, stale))


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def mark_export_failed(run_id: int, error: str) -> None:
    ExportRun.objects.filter(pk=run_id).exclude(status=ExportRun.Status.DONE).update(
        status=ExportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
