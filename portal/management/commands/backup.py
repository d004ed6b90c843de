from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format; SQLite: a consistent copy) and the uploaded files "
        "into DIRECTORY (new or empty), with a manifest of each file's SHA-256. Restore with `restore DIRECTORY`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="where to write the backup: a new or empty directory")

    def handle(self, *args: Any, directory: str, **options: Any) -> None:
        target = Path(directory)
        try:
            manifest = create_backup(
                target,
                database=connections["default"].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                now=timezone.now(),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        database, media = manifest["database"], manifest["media"]
        self.stdout.write(
            f"Backed up the {database['engine']} database ({database['file']}, {database['size']} bytes) and "
            f"{media['count']} files ({media['size']} bytes) to {target}."
        )
