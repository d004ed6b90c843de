from typing import Any

from django.core.management.base import BaseCommand

from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities


class Command(BaseCommand):
    help = "Load the shipped list of Thai municipalities (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_municipalities(rows=read_municipality_rows())
        self.stdout.write(
            f"Municipalities: {report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        )
