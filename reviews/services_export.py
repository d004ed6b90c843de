"""Batch export of a cycle's shortlist as one ZIP: request it (a run, built by a Celery task after commit), build it.

The ZIP holds, for every shortlisted or nominated application, its nomination packet in Thai and in English and
its evidence files as stored, then the ranking workbook and a manifest of every file with its SHA-256:

    packets/<packet file name>                                  (reviews.packets.packet_filename, th and en)
    evidence/<municipality code>/<indicator code>/<file name>   (the evidence's sanitised name)
    rankings.xlsx                                               (reviews.exports.ranking_workbook)
    manifest.csv                                                (path, sha256, bytes; the manifest itself excluded)

The ASEAN dossier (kind ASEAN_DOSSIER) is built by the same machinery for the current national nominees only,
with their packets in English alone and, instead of the ranking workbook, the summary table of reviews.dossier
(summary.csv and summary.pdf).

The packets are rendered in parallel: `start_export` splits the applications into chunks (EXPORT_CHUNK_SIZE), a
task per chunk renders its packets on whichever worker takes it and stores them (`render_export_chunk`), and the
chunk that completes the set queues the one task that writes the ZIP (`assemble_export`). Progress (`done`) counts
applications whose packets are stored; a chunk given again after a crash re-renders the same packets and counts
them once. A run that reports nothing for EXPORT_STALE_AFTER (a worker killed and its message lost) is marked
failed by `fail_stale_exports` (beat), never left building for ever. `build_export` does the same steps one after
another in one process (the embedded mode, the management command, tests).

One export per cycle and kind is current: when a build finishes, the files of the cycle's earlier runs of that kind
are deleted (their rows stay as history). "Current" follows the latest *request*, as score runs do: a build that
finishes after a later request's build discards its own file.
"""

from __future__ import annotations

import datetime as dt
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
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application, Evidence
from indicators.models import AwardCycle
from portal.models import User
from portal.queueing import enqueue_after_commit
from portal.uploads import sanitise_filename
from reviews.exports import manifest_csv, ranking_workbook
from reviews.models import ExportRun
from reviews.services_decisions import current_nominees

logger = logging.getLogger(__name__)

LANGUAGES = ("th", "en")
EXPORTED_STATUSES = (ApplicationStatus.SHORTLISTED, ApplicationStatus.NOMINATED)
_CHUNK = 1024 * 1024

ProgressCallback = Callable[[int, int], None]
PacketSource = Callable[[Application, str], bytes]
PARTS = "reviews/exportparts"  # packets rendered by the chunk tasks, until the ZIP is written
STALE_MESSAGE = "The workers stopped reporting progress: the export was lost. Request a new export."


class ExportError(Exception):
    """The export cannot be built as asked (a file missing from storage, or changed since it was uploaded)."""


def export_applications(cycle: AwardCycle, kind: str = ExportRun.Kind.SHORTLIST) -> list[Application]:
    """The applications an export covers: shortlisted or nominated ones, and the current nominees (whose latest
    committee decision is a nomination, whatever a later round set the status to); for the ASEAN dossier the
    current nominees only. In the default order (municipality in Thai order, track, category)."""
    nominee_ids = [application.pk for application in current_nominees(cycle)]
    covered = Q(pk__in=nominee_ids)
    if kind == ExportRun.Kind.SHORTLIST:
        covered |= Q(status__in=EXPORTED_STATUSES)
    return list(
        Application.objects.filter(covered, cycle=cycle)
        .select_related("cycle", "municipality__province", "size_class")
        .order_by("municipality__name_th", "track", "category_code", "pk")
    )


@transaction.atomic
def request_export(*, cycle: AwardCycle, by: User, kind: str = ExportRun.Kind.SHORTLIST) -> ExportRun:
    """Queue a build of the cycle's export of that kind (runs after commit). Raises ValidationError when nothing is
    shortlisted (or, for the ASEAN dossier, no application is a national nominee)."""
    total = len(export_applications(cycle, kind))
    if total == 0 and kind == ExportRun.Kind.ASEAN_DOSSIER:
        raise ValidationError(_("Nothing to export: this cycle has no national nominee."), code="empty")
    if total == 0:
        raise ValidationError(
            _("Nothing to export: no application of this cycle is shortlisted or nominated."), code="empty"
        )
    run = ExportRun.objects.create(cycle=cycle, kind=kind, requested_by=by, total=total)
    _enqueue(run)
    return run


def _enqueue(run: ExportRun) -> None:
    enqueue_after_commit("reviews.build_export", run_id=run.pk)


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
    kind: str = ExportRun.Kind.SHORTLIST,
    packets: PacketSource | None = None,
) -> list[tuple[str, str, int]]:
    """Write the cycle's export ZIP (layout in the module docstring) to `target`; return the manifest rows.

    `on_progress(done, total)` is called after each application. `packets(application, language)` gives a packet's
    PDF (rendered here by default). Raises ExportError for evidence missing from storage or changed since upload;
    whatever the packet renderer raises passes through.
    """
    from reviews.dossier import summary_csv, summary_pdf, summary_rows  # noqa: PLC0415 -- WeasyPrint: slow import
    from reviews.packets import packet_filename, render_packet_pdf  # noqa: PLC0415 -- WeasyPrint: slow import

    source = packets or (lambda application, language: render_packet_pdf(application, language=language))
    if applications is None:
        applications = export_applications(cycle, kind)
    dossier = kind == ExportRun.Kind.ASEAN_DOSSIER
    languages = ("en",) if dossier else LANGUAGES
    evidence = _evidence_by_application(applications)
    total = len(applications)
    with zipfile.ZipFile(target, "w", allowZip64=True) as zip_file:
        archive = _Archive(zip_file)
        for done, application in enumerate(applications, start=1):
            for language in languages:
                name = PurePosixPath(packet_filename(application, language).replace("\\", "/")).name
                archive.add_bytes(f"packets/{name}", source(application, language))
            for item in evidence[application.pk]:
                _add_evidence(archive, application, item)
            if on_progress is not None:
                on_progress(done, total)
        if dossier:
            areas, rows = summary_rows(cycle, applications)
            archive.add_bytes("summary.csv", summary_csv(areas, rows), compress=True)
            archive.add_bytes("summary.pdf", summary_pdf(cycle, areas, rows))
        else:
            archive.add_bytes("rankings.xlsx", ranking_workbook(cycle))
        manifest = [(path, sha256, size) for path, (sha256, size) in archive.entries.items()]
        archive.add_bytes("manifest.csv", manifest_csv(manifest), compress=True)
    return manifest


def start_export(run_id: int) -> list[list[int]] | None:
    """Mark the run building from the start and return its applications' ids in chunks for the workers (None: the
    run vanished or is done). Packets stored by an earlier attempt are deleted: a redelivered start renders again."""
    run = ExportRun.objects.select_related("cycle").filter(pk=run_id).first()
    if run is None:
        logger.warning("Export run %s vanished before it ran", run_id)
        return None
    if run.status == ExportRun.Status.DONE:
        return None
    applications = export_applications(run.cycle, run.kind)
    _delete_parts(run.pk)
    ExportRun.objects.filter(pk=run.pk).update(
        status=ExportRun.Status.RUNNING,
        done=0,
        total=len(applications),
        rendered=[],
        error="",
        finished_at=None,
        heartbeat_at=timezone.now(),
    )
    size = max(1, settings.EXPORT_CHUNK_SIZE)
    ids = [application.pk for application in applications]
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _part_name(run_id: int, application: Application, language: str) -> str:
    from reviews.packets import packet_filename  # noqa: PLC0415 -- WeasyPrint: slow import

    return f"{PARTS}/{run_id}/{packet_filename(application, language)}"


def _delete_parts(run_id: int) -> None:
    folder = f"{PARTS}/{run_id}"
    if default_storage.exists(folder):
        _delete_files(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])


def _store_part(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)  # a chunk given again replaces its packets (save() would pick another name)
    default_storage.save(name, ContentFile(content))


def render_export_chunk(run_id: int, application_ids: list[int]) -> bool:
    """Render and store the packets (Thai and English; English alone for the ASEAN dossier) of some of a run's
    applications, counting each one done as it is stored. Returns True when this chunk completed the run's set (the
    caller then queues `assemble_export`), once per run however often a chunk runs again. A run no longer building
    (failed, done) is left alone."""
    from reviews.packets import render_packet_pdf  # noqa: PLC0415 -- WeasyPrint: slow import

    applications = (
        Application.objects.filter(pk__in=application_ids)
        .select_related("cycle", "municipality__province", "size_class")
        .order_by("pk")
    )
    kind = ExportRun.objects.filter(pk=run_id).values_list("kind", flat=True).first()
    languages = ("en",) if kind == ExportRun.Kind.ASEAN_DOSSIER else LANGUAGES
    completed = False
    for application in applications:
        if not ExportRun.objects.filter(pk=run_id, status=ExportRun.Status.RUNNING).exists():
            return False
        for language in languages:
            _store_part(_part_name(run_id, application, language), render_packet_pdf(application, language=language))
        completed = _count_rendered(run_id, application.pk) or completed
    return completed


def _count_rendered(run_id: int, application_id: int) -> bool:
    """Add one application to the run's rendered set; True if that completed the set (the only caller that sees
    the count reach the total: the row is locked)."""
    with transaction.atomic():
        run = ExportRun.objects.select_for_update().filter(pk=run_id, status=ExportRun.Status.RUNNING).first()
        if run is None:
            return False
        before = len(run.rendered)
        rendered = sorted({*run.rendered, application_id})
        ExportRun.objects.filter(pk=run_id).update(rendered=rendered, done=len(rendered), heartbeat_at=timezone.now())
        return before < run.total <= len(rendered)


def assemble_export(run_id: int) -> ExportRun | None:
    """Write the run's ZIP from the packets the chunks stored (rendering any that is missing) and the evidence, then
    finish it (see `build_export` for failures)."""
    run = ExportRun.objects.select_related("cycle").filter(pk=run_id).first()
    if run is None or run.status != ExportRun.Status.RUNNING:
        return run

    def stored_or_rendered(application: Application, language: str) -> bytes:
        from reviews.packets import render_packet_pdf  # noqa: PLC0415 -- WeasyPrint: slow import

        name = _part_name(run_id, application, language)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                return bytes(handle.read())
        return render_packet_pdf(application, language=language)

    def heartbeat(done: int, total: int) -> None:
        ExportRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())

    return _write_and_finish(run, packets=stored_or_rendered, on_progress=heartbeat)


def build_export(run_id: int, *, on_progress: ProgressCallback | None = None) -> ExportRun | None:
    """Build a run's ZIP in this process, one application after another, and store it on the run. Idempotent: a
    done run is returned as it is; a run found running (a redelivered task) is built again from the start and its
    file replaced.

    Progress (`done`) is written after each application. The ZIP is written to a temporary file and reaches
    storage only when complete, so a failure leaves no half file. Finishing deletes the files of the cycle's
    earlier runs (after commit). Any error but a transient database one marks the run FAILED with the error
    (returned, not raised); transient ones are raised for the task to retry.
    """
    if start_export(run_id) is None:
        return ExportRun.objects.filter(pk=run_id).first()
    run = ExportRun.objects.select_related("cycle").get(pk=run_id)

    def progress(done: int, total: int) -> None:
        ExportRun.objects.filter(pk=run.pk).update(done=done, total=total, heartbeat_at=timezone.now())
        if on_progress is not None:
            on_progress(done, total)

    return _write_and_finish(run, packets=None, on_progress=progress)


def _write_and_finish(
    run: ExportRun, *, packets: PacketSource | None, on_progress: ProgressCallback | None
) -> ExportRun | None:
    stored = ""
    try:
        applications = export_applications(run.cycle, run.kind)
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
            write_export_zip(
                run.cycle, handle, applications=applications, on_progress=on_progress, kind=run.kind, packets=packets
            )
            size = handle.tell()
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            handle.seek(0)
            name = "export" if run.kind == ExportRun.Kind.SHORTLIST else "asean-dossier"
            run.file.save(f"{run.cycle.code}-{name}.zip", File(handle, name=f"{name}.zip"), save=False)
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
        same_kind = ExportRun.objects.filter(cycle_id=run.cycle_id, kind=current.kind)
        earlier = same_kind.filter(pk__lt=run.pk).exclude(file="")
        stale += list(earlier.values_list("file", flat=True))
        earlier.update(file="")
        if same_kind.filter(pk__gt=run.pk).exclude(file="").exists():
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
        transaction.on_commit(partial(_delete_parts, run.pk))


def _delete_files(names: Iterable[str | None]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def mark_export_failed(run_id: int, error: str) -> None:
    updated = (
        ExportRun.objects.filter(pk=run_id)
        .exclude(status=ExportRun.Status.DONE)
        .update(status=ExportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now())
    )
    if updated:
        transaction.on_commit(partial(_delete_parts, run_id))


def fail_stale_exports(*, silent_for: dt.timedelta) -> int:
    """Mark failed the runs queued or building that have reported nothing for `silent_for` (a worker died and the
    queue lost its task). Returns how many."""
    cutoff = timezone.now() - silent_for
    stale = ExportRun.objects.filter(status__in=(ExportRun.Status.QUEUED, ExportRun.Status.RUNNING)).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None, requested_at__lt=cutoff)
    )
    ids = list(stale.values_list("pk", flat=True))
    for run_id in ids:
        mark_export_failed(run_id, STALE_MESSAGE)
    return len(ids)
