from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.services import load_framework


class Command(BaseCommand):
    help = "Load an indicator framework file (YAML; see docs/framework-format.md). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            result = load_framework(text=text)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(f"{path}: {len(error.messages)} problem(s); nothing was imported.") from error
        framework = result.framework
        counts = ", ".join(f"{code} {count}" for code, count in result.indicators_per_area)
        total = sum(count for _code, count in result.indicators_per_area)
        verb = "Created" if result.created else "Already loaded, unchanged:"
        self.stdout.write(
            f"{verb} framework {framework.code} version {framework.version}: "
            f"{len(result.indicators_per_area)} areas, {total} indicators ({counts})."
        )
