from typing import Any

from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load demo data (municipalities, one account per role). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Accounts (password for all: {DEMO_PASSWORD}):"))
        for account in accounts:
            self.stdout.write(f"  {account.role.label:<22} {account.email}")
