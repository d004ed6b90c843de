from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from portal.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: every file is checked against the manifest first, then the database "
        "(which must exist; what the backup holds replaces what is there) and the uploaded files are restored. "
        "Run `migrate` afterwards when this version of the portal is newer than the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="a directory written by `backup`")
        parser.add_argument(
            "--database-url",
            help="restore into this database (postgres://... or sqlite:///...), not the configured one",
        )
        parser.add_argument("--media-root", help="restore the files here, not into MEDIA_ROOT")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="do not ask for confirmation")

    def handle(
        self,
        *args: Any,
        directory: str,
        database_url: str | None,
        media_root: str | None,
        interactive: bool,
        **options: Any,
    ) -> None:
        source = Path(directory)
        database = environ.Env.db_url_config(database_url) if database_url else connections["default"].settings_dict
        target_media = Path(media_root or settings.MEDIA_ROOT)
        try:
            manifest = verify_backup(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        count = manifest["media"]["count"]
        if interactive:
            answer = input(
                f"This replaces the data of the database {database['NAME']!r} with the backup of "
                f"{manifest['created_at']} and writes {count} files into {target_media}. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        connections.close_all()  # no transaction of this process may hold what the restore replaces
        try:
            restore_backup(source, database=database, media_root=target_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database {database['NAME']!r} and {count} files "
            f"into {target_media}."
        )
