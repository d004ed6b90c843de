import csv
import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import AwardCycle
from reviews.services_export import ExportError, export_applications, write_export_zip


class Command(BaseCommand):
    help = (
        "Build a cycle's export here and now, without Celery: every shortlisted or nominated application's packet "
        "in Thai and in English and its evidence files, rankings.xlsx and manifest.csv (the same content as the ZIP "
        "offered for download). The files are unpacked into DIR in the ZIP's folders (packets/, evidence/...). "
        "A rebuild replaces them: the files listed in a manifest.csv already in DIR are removed first, and nothing "
        "else in DIR is touched. With --zip, one archive DIR/<CYCLE>-export.zip is written instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", metavar="CYCLE", help="the cycle's code, e.g. esc-2027")
        parser.add_argument("--out", required=True, metavar="DIR", type=Path, help="folder to write to (created)")
        parser.add_argument(
            "--zip", dest="as_zip", action="store_true", help="write one ZIP archive instead of unpacked files"
        )

    def handle(self, *args: Any, code: str, out: Path, as_zip: bool, **options: Any) -> None:
        cycle = AwardCycle.objects.filter(code=code).first()
        if cycle is None:
            raise CommandError(f"No cycle has the code {code!r}.")
        applications = export_applications(cycle)
        if not applications:
            raise CommandError(f"Nothing to export: no application of {code} is shortlisted or nominated.")
        out.mkdir(parents=True, exist_ok=True)
        # The ZIP is complete in a temporary file before anything in DIR changes, so a failure leaves DIR as it was.
        with tempfile.TemporaryFile() as handle:
            try:
                manifest = write_export_zip(
                    cycle,
                    handle,
                    applications=applications,
                    on_progress=lambda done, total: self.stdout.write(f"  {done} of {total}"),
                )
            except ExportError as error:
                raise CommandError(f"The export failed: {error}") from error
            handle.seek(0)
            if as_zip:
                target = out / f"{code}-export.zip"
                with target.open("wb") as file:
                    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                        file.write(chunk)
                self.stdout.write(f"Wrote {target} ({len(manifest) + 1} files inside).")
                return
            removed = self.remove_previous(out)
            with zipfile.ZipFile(handle) as archive:
                for member in archive.infolist():
                    archive_path = PurePosixPath(member.filename)
                    if archive_path.is_absolute() or ".." in archive_path.parts:
                        raise CommandError(f"Unsafe path in the export: {member.filename}")
                    target = out.joinpath(*archive_path.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(member) as source, target.open("wb") as file:
                        for chunk in iter(lambda: source.read(1024 * 1024), b""):
                            file.write(chunk)
        if removed:
            self.stdout.write(f"Removed {removed} files of the previous export.")
        self.stdout.write(f"Wrote {len(manifest) + 1} files for {len(applications)} applications into {out}.")

    @staticmethod
    def remove_previous(out: Path) -> int:
        """Delete the files a previous export listed in DIR/manifest.csv (and the manifest); empty folders too."""
        manifest = out / "manifest.csv"
        if not manifest.is_file():
            return 0
        root = out.resolve()
        removed = 0
        folders: set[Path] = set()
        reader = csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8-sig")))
        for row in reader:
            path = (out / row.get("path", "")).resolve()
            if path == root or root not in path.parents or not path.is_file():
                continue
            path.unlink()
            removed += 1
            folders.update(parent for parent in path.parents if root in parent.parents)
        manifest.unlink()
        for folder in sorted(folders, key=lambda item: len(item.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return removed
