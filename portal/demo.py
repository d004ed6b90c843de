"""Demo data for the embedded default and for screenshots: one account per role.

seed_demo is the one place later features extend with their own demo data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from django.db import transaction

from portal.enums import Role
from portal.models import Municipality, User
from portal.municipality_data import read_municipality_rows
from portal.services_municipalities import load_municipalities

DEMO_PASSWORD = "esc-demo-2569"  # noqa: S105 -- demo accounts only, printed on purpose
DEMO_MUNICIPALITY_CODE = "9599"  # เทศบาลนครยะลา, Thailand's ESC Award city in 2021
OTHER_DEMO_MUNICIPALITY_CODE = "9098"  # เทศบาลนครหาดใหญ่, Clean Air certificate 2021


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    municipality_code: str | None


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.esc.th", "สมศรี ผู้ดูแลระบบ", Role.ADMIN, None),
    DemoAccount("reviewer@demo.esc.th", "วิชัย ผู้ตรวจประเมิน", Role.REVIEWER, None),
    DemoAccount("reviewer2@demo.esc.th", "อรุณี ผู้ตรวจประเมิน", Role.REVIEWER, None),
    DemoAccount("signatory@demo.esc.th", "ประเสริฐ ปลัดเทศบาล", Role.SIGNATORY, DEMO_MUNICIPALITY_CODE),
    DemoAccount("editor@demo.esc.th", "มาลี เจ้าหน้าที่สิ่งแวดล้อม", Role.EDITOR, DEMO_MUNICIPALITY_CODE),
    DemoAccount("editor.hatyai@demo.esc.th", "สุดา เจ้าหน้าที่หาดใหญ่", Role.EDITOR, OTHER_DEMO_MUNICIPALITY_CODE),
)


def seed(stdout: TextIO) -> None:
    seed_demo()
    stdout.write("Municipalities and demo accounts ready.")


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    """Load reference data and create the demo accounts; running it again changes nothing."""
    load_municipalities(rows=read_municipality_rows())
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(email=account.email).exists():
            continue
        municipality = Municipality.objects.get(code=account.municipality_code) if account.municipality_code else None
        User.objects.create_user(
            account.email,
            DEMO_PASSWORD,
            full_name=account.full_name,
            role=account.role,
            municipality=municipality,
        )
    return list(DEMO_ACCOUNTS)
