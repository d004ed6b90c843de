from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data: municipalities, one account per role, and each app's demo data. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app may ship <app>/demo.py with seed(stdout); they run in INSTALLED_APPS order, so an app's
        # demo data can build on the apps to its left without portal importing any app above it.
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if config.name.startswith("django") or find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Accounts (password for all: {DEMO_PASSWORD}):"))
        from portal.demo import DEMO_ACCOUNTS  # noqa: PLC0415

        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<28} {account.role.label}")
