"""The audit log: each admin or committee action writes one entry (who, when, what, before and after) in its own
transaction; entries are never changed or deleted; the admins' page lists, filters and pages them in both
languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import get_resolver, reverse
from django.utils import timezone, translation

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from applications.services import reopen_application
from indicators.enums import CyclePhase
from indicators.models import AwardCycle, DeadlineExtension
from indicators.rules import SizeClassSpec
from indicators.services import (
    SizeClassEdit,
    adopt_framework,
    change_phase,
    clone_cycle,
    copy_framework,
    create_cycle,
    grant_extension,
    load_framework,
    publish_results,
    update_cycle_settings,
    update_indicator,
    update_size_classes,
)
from portal.audit.enums import AuditAction
from portal.audit.models import AuditEntry, AuditEntryChangeError
from portal.audit.presenters import audit_rows
from portal.audit.services import record
from portal.enums import RegistrationStatus, Role
from portal.models import OfficerRegistration, User
from portal.services import approve_registration, create_staff_user, reject_registration, set_user_active
from portal.services_municipalities import correct_municipality
from portal.thai import format_datetime
from portal.values import json_safe
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.enums import DecisionOutcome, DecisionRound
from reviews.models import Decision
from reviews.services_assignments import assign_reviewers, auto_assign, unassign_reviewer
from reviews.services_decisions import decide
from reviews.services_results import record_asean_outcome
from tests.conftest import Cast
from tests.factories.indicators import framework_text, make_cycle
from tests.factories.portal import UserFactory
from tests.test_permission_matrix import url_names

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SITE = "https://esc.example.go.th"


@dataclass
class Scene:
    cast: Cast
    cycle: AwardCycle
    application: Application  # municipality A's ESC Award application, submitted
    registration: OfficerRegistration  # a request for B, awaiting approval

    @property
    def admin(self) -> User:
        return self.cast.admin


@pytest.fixture
def scene(cast) -> Scene:
    cycle = make_cycle(
        code="esc-audit", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    application = Application.objects.create(
        cycle=cycle,
        municipality=cast.municipality_a,
        track="esc_award",
        size_class=cycle.size_classes.order_by("min_population").first(),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=cast.editor_a,
    )
    registration = OfficerRegistration(
        email="applicant@example.go.th",
        full_name="ผู้สมัคร ทดสอบ",
        position="นักวิชาการสิ่งแวดล้อม",
        phone="073 000 000",
        municipality=cast.municipality_b,
        requested_role=Role.EDITOR,
        password_hash="!",
        authorisation_letter_name="letter.pdf",
        authorisation_letter_sha256="0" * 64,
        status=RegistrationStatus.AWAITING_APPROVAL,
    )
    registration.authorisation_letter.save("letter.pdf", ContentFile(MINIMAL_PDF), save=False)
    registration.save()
    return Scene(cast=cast, cycle=cycle, application=application, registration=registration)


Values = tuple[dict[str, Any], dict[str, Any]]  # before, after


@dataclass(frozen=True)
class Case:
    """One admin or committee action: ``act`` runs it (after ``arrange``) and returns the before and after its entry
    must hold."""

    action: AuditAction
    act: Callable[[Scene], Values]
    arrange: Callable[[Scene], None] = lambda scene: None
    cycle: str = "esc-audit"  # the code of the cycle the entry is filed under


def _identity(cycle: AwardCycle) -> dict[str, Any]:
    return {
        "code": cycle.code,
        "name_th": cycle.name_th,
        "name_en": cycle.name_en,
        "esc_award_edition": cycle.esc_award_edition,
        "certificate_edition": cycle.certificate_edition,
        "reference_year": cycle.reference_year,
        "framework": str(cycle.framework),
    }


def act_create_cycle(s: Scene) -> Values:
    cycle = create_cycle(
        code="esc-audit-new",
        name_th="รอบใหม่",
        name_en="New cycle",
        esc_award_edition=8,
        certificate_edition=7,
        reference_year=2026,
        framework=s.cycle.framework,
        by=s.admin,
    )
    return {}, _identity(cycle)


def act_clone_cycle(s: Scene) -> Values:
    cycle = clone_cycle(
        source=s.cycle,
        code="esc-audit-next",
        name_th="รอบถัดไป",
        name_en="Next cycle",
        reference_year=2027,
        call_opens_on=dt.date(2027, 1, 15),
        by=s.admin,
    )
    return {}, {**_identity(cycle), "previous": "esc-audit", "call_opens_on": "2027-01-15"}


def act_change_phase(s: Scene) -> Values:
    change_phase(cycle=s.cycle, to_phase=CyclePhase.SUBMISSION_CLOSED, by=s.admin, note="ครบกำหนด")
    return {"phase": "call_open"}, {"phase": "submission_closed"}


def act_update_settings(s: Scene) -> Values:
    update_cycle_settings(cycle=s.cycle, changes={"name_en": "Renamed cycle"}, by=s.admin, reason="typo")
    return {"name_en": "Test cycle"}, {"name_en": "Renamed cycle"}


def _band(size: Any, **changes: Any) -> SizeClassSpec:
    fields = {name: getattr(size, name) for name in SizeClassSpec.__dataclass_fields__} | changes
    return SizeClassSpec(**fields)


def act_update_size_classes(s: Scene) -> Values:
    sizes = list(s.cycle.size_classes.order_by("min_population"))
    bands = [_band(size, name_en="Small towns") if i == 0 else _band(size) for i, size in enumerate(sizes)]
    update_size_classes(
        cycle=s.cycle, bands=[SizeClassEdit(size.pk, band) for size, band in zip(sizes, bands, strict=True)], by=s.admin
    )
    return (
        {"size_classes": [_band(size).as_json() for size in sizes]},
        {"size_classes": [band.as_json() for band in bands]},
    )


def arrange_new_version(s: Scene) -> None:
    copy_framework(framework=s.cycle.framework)


def act_adopt_framework(s: Scene) -> Values:
    newer = s.cycle.framework.derived_versions.get()
    adopt_framework(cycle=s.cycle, framework=newer, by=s.admin, reason="กฎใหม่")
    return {"framework": str(s.cycle.framework)}, {"framework": str(newer)}


def act_grant_extension(s: Scene) -> Values:
    assert s.cycle.submission_deadline is not None
    deadline = s.cycle.submission_deadline + dt.timedelta(days=7)
    grant_extension(cycle=s.cycle, municipality=s.cast.municipality_b, deadline=deadline, reason="น้ำท่วม", by=s.admin)
    return {}, {"deadline": json_safe(deadline), "reason": "น้ำท่วม"}


def arrange_decided(s: Scene) -> None:
    AwardCycle.objects.filter(pk=s.cycle.pk).update(phase=CyclePhase.NATIONAL_DECISION)


def act_publish_results(s: Scene) -> Values:
    cycle = publish_results(cycle=s.cycle, by=s.admin)
    assert cycle.results_published_at is not None
    return {"results_published_at": None}, {"results_published_at": cycle.results_published_at.isoformat()}


def act_load_framework(s: Scene) -> Values:
    framework = load_framework(text=framework_text("esc-2024"), by=s.admin).framework
    return {}, {
        "code": framework.code,
        "version": framework.version,
        "name_th": framework.name_th,
        "name_en": framework.name_en,
    }


def act_copy_framework(s: Scene) -> Values:
    copy = copy_framework(framework=s.cycle.framework, by=s.admin)
    return {}, {"derived_from": str(s.cycle.framework), "version": copy.version}


def act_update_indicator(s: Scene) -> Values:
    indicator = s.cycle.framework.indicators.get(code="CA-01")
    update_indicator(
        indicator=indicator,
        by=s.admin,
        weight=Decimal("2.5"),
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        rule=indicator.rule,
    )
    return {"weight": str(indicator.weight)}, {"weight": "2.5"}


def act_approve_registration(s: Scene) -> Values:
    approve_registration(registration=s.registration, by=s.admin, role=Role.EDITOR)
    return {"status": "awaiting_approval", "requested_role": "editor"}, {"status": "approved", "role": "editor"}


def act_reject_registration(s: Scene) -> Values:
    reject_registration(registration=s.registration, by=s.admin, reason="ไม่มีหนังสือมอบหมาย")
    return {"status": "awaiting_approval"}, {"status": "rejected"}


def act_create_staff_user(s: Scene) -> Values:
    create_staff_user(
        email="New.Reviewer@example.go.th", full_name="ผู้ตรวจ ใหม่", role=Role.REVIEWER, by=s.admin, site_url=SITE
    )
    return {}, {"email": "new.reviewer@example.go.th", "full_name": "ผู้ตรวจ ใหม่", "role": "reviewer"}


def act_deactivate(s: Scene) -> Values:
    set_user_active(user=s.cast.editor_b, active=False, by=s.admin)
    return {"is_active": True}, {"is_active": False}


def act_correct_municipality(s: Scene) -> Values:
    municipality = s.cast.municipality_a
    old = municipality.population
    correct_municipality(municipality=municipality, by=s.admin, changes={"population": 61234}, reason="ทะเบียนราษฎร์")
    return {"population": old}, {"population": 61234}


def act_reopen(s: Scene) -> Values:
    submitted_at = json_safe(s.application.submitted_at)
    reopen_application(application=s.application, by=s.admin, reason="แก้ไขข้อมูล CA-02")
    return {"status": "submitted", "submitted_at": submitted_at}, {"status": "draft", "submitted_at": None}


def act_assign(s: Scene) -> Values:
    assign_reviewers(application=s.application, reviewers=[s.cast.reviewer], by=s.admin)
    return {"reviewers": []}, {"reviewers": [s.cast.reviewer.full_name]}


def arrange_assigned(s: Scene) -> None:
    ReviewerAssignment.objects.create(application=s.application, reviewer=s.cast.reviewer, assigned_by=s.admin)


def act_unassign(s: Scene) -> Values:
    unassign_reviewer(application=s.application, reviewer=s.cast.reviewer, by=s.admin)
    return {"reviewers": [s.cast.reviewer.full_name]}, {"reviewers": []}


def act_auto_assign(s: Scene) -> Values:
    auto_assign(cycle=s.cycle, per_application=2, cap=5, by=s.admin)
    return {}, {"per_application": 2, "cap": 5, "assigned": 1, "short": 1}


def act_decide(s: Scene) -> Values:
    decide(
        applications=[s.application],
        round=DecisionRound.DESK_REVIEW,
        outcome=DecisionOutcome.SHORTLISTED,
        note="ผ่านการพิจารณา",
        by=s.admin,
    )
    labels = {"th": "เทศบาลนครยะลา · esc-audit · รางวัล ESC (เสนอชื่อระดับประเทศ)"}
    labels["en"] = "Yala City Municipality · esc-audit · ESC Award (national nominee)"
    return {}, {"round": "desk_review", "outcome": "shortlisted", "applications": [labels]}


def arrange_nominee_in_the_asean_stage(s: Scene) -> None:
    decide(
        applications=[s.application],
        round=DecisionRound.COMMITTEE,
        outcome=DecisionOutcome.NOMINATED,
        note="เสนอชื่อ",
        by=s.admin,
    )
    AwardCycle.objects.filter(pk=s.cycle.pk).update(phase=CyclePhase.ASEAN_SELECTION)


def act_asean_outcome(s: Scene) -> Values:
    record_asean_outcome(application=s.application, outcome=AseanOutcomeChoice.AWARDED, note="", by=s.admin)
    return {}, {"outcome": "awarded", "note": ""}


CASES = {
    "create_cycle": Case(AuditAction.CYCLE_CREATED, act_create_cycle, cycle="esc-audit-new"),
    "clone_cycle": Case(AuditAction.CYCLE_CLONED, act_clone_cycle, cycle="esc-audit-next"),
    "change_phase": Case(AuditAction.PHASE_CHANGED, act_change_phase),
    "update_cycle_settings": Case(AuditAction.SETTINGS_CHANGED, act_update_settings),
    "update_size_classes": Case(AuditAction.SIZE_CLASSES_CHANGED, act_update_size_classes),
    "adopt_framework": Case(AuditAction.FRAMEWORK_ADOPTED, act_adopt_framework, arrange_new_version),
    "grant_extension": Case(AuditAction.EXTENSION_GRANTED, act_grant_extension),
    "publish_results": Case(AuditAction.RESULTS_PUBLISHED, act_publish_results, arrange_decided),
    "load_framework": Case(AuditAction.FRAMEWORK_LOADED, act_load_framework, cycle=""),
    "copy_framework": Case(AuditAction.FRAMEWORK_COPIED, act_copy_framework),
    "update_indicator": Case(AuditAction.INDICATOR_CHANGED, act_update_indicator),
    "approve_registration": Case(AuditAction.REGISTRATION_APPROVED, act_approve_registration, cycle=""),
    "reject_registration": Case(AuditAction.REGISTRATION_REJECTED, act_reject_registration, cycle=""),
    "create_staff_user": Case(AuditAction.STAFF_ACCOUNT_CREATED, act_create_staff_user, cycle=""),
    "set_user_active": Case(AuditAction.ACCOUNT_DEACTIVATED, act_deactivate, cycle=""),
    "correct_municipality": Case(AuditAction.MUNICIPALITY_CORRECTED, act_correct_municipality, cycle=""),
    "reopen_application": Case(AuditAction.APPLICATION_REOPENED, act_reopen),
    "assign_reviewers": Case(AuditAction.REVIEWERS_ASSIGNED, act_assign),
    "unassign_reviewer": Case(AuditAction.REVIEWER_UNASSIGNED, act_unassign, arrange_assigned),
    "auto_assign": Case(AuditAction.REVIEWERS_AUTO_ASSIGNED, act_auto_assign),
    "decide": Case(AuditAction.DECISION_RECORDED, act_decide),
    "record_asean_outcome": Case(
        AuditAction.ASEAN_OUTCOME_RECORDED, act_asean_outcome, arrange_nominee_in_the_asean_stage
    ),
}


def newest_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------------------------
# Each service records its action
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_each_admin_action_writes_one_entry_with_its_actor_and_values(scene, name):
    case = CASES[name]
    case.arrange(scene)
    last = newest_pk()

    before, after = case.act(scene)

    entries = list(AuditEntry.objects.filter(pk__gt=last))
    assert [(entry.action, entry.actor, entry.actor_email) for entry in entries] == [
        (case.action, scene.admin, scene.admin.email)
    ]
    assert (entries[0].before, entries[0].after, entries[0].cycle_code) == (before, after, case.cycle)


@pytest.mark.parametrize(("language", "label"), [("th", "ขนาดเมือง"), ("en", "Size classes")])
def test_a_size_classes_change_is_labelled_by_name_not_by_the_relation(scene, language, label):
    act_update_size_classes(scene)
    entry = AuditEntry.objects.get(action=AuditAction.SIZE_CLASSES_CHANGED)

    with translation.override(language):
        (row,) = audit_rows([entry], language=language)

    assert [change.label for change in row.changes] == [label]


def test_an_entry_keeps_the_actor_and_the_target_as_they_were(scene):
    act_change_phase(scene)
    User.objects.filter(pk=scene.admin.pk).update(full_name="ชื่อใหม่", email="renamed@example.go.th")
    AwardCycle.objects.filter(pk=scene.cycle.pk).update(name_th="ชื่อรอบใหม่", name_en="Renamed")

    entry = AuditEntry.objects.get(action=AuditAction.PHASE_CHANGED)

    assert (entry.actor_name, entry.actor_email) == (scene.admin.full_name, "admin@example.go.th")
    assert (entry.target_label_th, entry.target_label_en) == ("รอบทดสอบ", "Test cycle")
    assert (entry.cycle_id, entry.cycle_code, entry.note) == (scene.cycle.pk, "esc-audit", "ครบกำหนด")


def test_an_action_that_is_refused_leaves_no_entry(scene):
    last = newest_pk()

    with pytest.raises(ValidationError) as refused:
        change_phase(cycle=scene.cycle, to_phase=CyclePhase.ARCHIVED, by=scene.admin)

    assert refused.value.code == "illegal_transition"

    assert AuditEntry.objects.filter(pk__gt=last).count() == 0


def test_an_entry_rolls_back_with_its_action(scene):
    last = newest_pk()

    def change_then_fail() -> None:
        with transaction.atomic():
            act_change_phase(scene)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert AuditEntry.objects.filter(pk__gt=last).count() == 0


def test_the_portal_itself_is_the_actor_of_a_command(db):
    framework = load_framework(text=framework_text("esc-2021")).framework

    entry = AuditEntry.objects.get(action=AuditAction.FRAMEWORK_LOADED)

    assert (entry.actor, entry.actor_name, entry.target_label_en) == (None, "", str(framework))


# ---------------------------------------------------------------------------------------------------------------
# Never editable
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def entry(cast):
    return record(action=AuditAction.ACCOUNT_DEACTIVATED, by=cast.admin, target=cast.editor_b, after={"is_active": 0})


def test_the_orm_refuses_to_change_or_delete_an_entry(entry):
    entry.note = "changed"

    with pytest.raises(AuditEntryChangeError):
        entry.save()
    with pytest.raises(AuditEntryChangeError):
        entry.delete()
    with pytest.raises(AuditEntryChangeError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="changed")
    with pytest.raises(AuditEntryChangeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.parametrize(
    "sql",
    ["UPDATE portal_auditentry SET note = 'changed' WHERE id = %s", "DELETE FROM portal_auditentry WHERE id = %s"],
)
def test_postgresql_refuses_to_change_or_delete_an_entry_by_trigger(entry, sql):
    assert connection.vendor == "postgresql"

    with pytest.raises(IntegrityError, match="never changed or deleted"), transaction.atomic():
        connection.cursor().execute(sql, [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_deleting_an_actor_is_refused(entry, cast):
    with pytest.raises(ProtectedError):
        cast.admin.delete()


# ---------------------------------------------------------------------------------------------------------------
# The admins' page
# ---------------------------------------------------------------------------------------------------------------

BANGKOK = ZoneInfo("Asia/Bangkok")


def page(client, user, language="th", **query):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse("portal:audit-log"), query)


def shown(response) -> list[tuple[str, str]]:
    return [(row.entry.action, row.target) for row in response.context["rows"]]


def test_the_page_shows_who_when_what_and_the_values_in_thai(client, scene):
    act_change_phase(scene)
    entry = AuditEntry.objects.get(action=AuditAction.PHASE_CHANGED)

    response = page(client, scene.admin)

    html = response.content.decode()
    when = format_datetime(timezone.localtime(entry.at), language="th")
    assert response.status_code == 200
    assert str(timezone.localtime(entry.at).year + 543) in when
    row = response.context["rows"][0]
    assert (row.action, row.target, row.actor, row.actor_email) == (
        "เปลี่ยนขั้น",
        "รอบทดสอบ",
        scene.admin.full_name,
        "admin@example.go.th",
    )
    assert [(change.label, change.before, change.after) for change in row.changes] == [("ขั้น", "เปิดรับสมัคร", "ปิดรับสมัคร")]
    assert when in html
    assert "ครบกำหนด" in html


def test_the_page_shows_the_same_entry_in_english(client, scene):
    act_change_phase(scene)
    act_update_settings(scene)
    entry = AuditEntry.objects.get(action=AuditAction.PHASE_CHANGED)

    response = page(client, scene.admin, "en")

    rows = response.context["rows"]
    assert [(row.action, row.target) for row in rows][:2] == [
        ("Cycle settings changed", "Renamed cycle"),
        ("Phase changed", "Test cycle"),
    ]
    assert [(change.label, change.before, change.after) for change in rows[1].changes] == [
        ("Phase", "Call open", "Submission closed")
    ]
    assert [(change.label, change.before, change.after) for change in rows[0].changes] == [
        ("Name (English)", "Test cycle", "Renamed cycle")
    ]
    assert format_datetime(timezone.localtime(entry.at), language="en") in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_the_page_shows_dates_choices_and_labels_kept_in_both_languages(client, scene):
    act_grant_extension(scene)
    act_decide(scene)

    th_rows = page(client, scene.admin).context["rows"]
    en_rows = page(client, scene.admin, "en").context["rows"]

    deadline = timezone.localtime(scene.cycle.submission_deadline + dt.timedelta(days=7))
    assert [(change.label, change.after) for change in en_rows[1].changes] == [
        ("Extended deadline", format_datetime(deadline, language="en")),
        ("Reason", "น้ำท่วม"),
    ]
    assert en_rows[1].target == "Hat Yai City Municipality"
    assert [(change.label, change.after) for change in en_rows[0].changes] == [
        ("Round", "Desk review"),
        ("Outcome", "Shortlisted"),
        ("Applications", "Yala City Municipality · esc-audit · ESC Award (national nominee)"),
    ]
    assert th_rows[0].changes[2].after == "เทศบาลนครยะลา · esc-audit · รางวัล ESC (เสนอชื่อระดับประเทศ)"
    assert th_rows[1].changes[0].after == format_datetime(deadline, language="th")


def make_entries(cast, other_cycle):
    """Four entries on three days: two cycles, two actors, three actions."""
    cycle = AwardCycle.objects.get(code="esc-audit")
    second_admin = UserFactory(admin=True, full_name="ผู้ดูแล สอง")
    days = [dt.datetime(2026, 3, day, 10, tzinfo=BANGKOK) for day in (1, 2, 3)]
    with time_machine.travel(days[0], tick=False):
        record(action=AuditAction.PHASE_CHANGED, by=cast.admin, target=cycle, cycle=cycle)
    with time_machine.travel(days[1], tick=False):
        record(action=AuditAction.SETTINGS_CHANGED, by=second_admin, target=other_cycle, cycle=other_cycle)
        record(action=AuditAction.ACCOUNT_DEACTIVATED, by=cast.admin, target=cast.editor_b)
    with time_machine.travel(days[2], tick=False):
        record(action=AuditAction.PHASE_CHANGED, by=second_admin, target=other_cycle, cycle=other_cycle)
    return second_admin


@pytest.fixture
def other_cycle(scene):
    return make_cycle(code="esc-audit-2", framework=scene.cycle.framework)


# The entries of make_entries, by action and cycle: newest first, P2 (3 March), D and S2 (2 March), P1 (1 March).
P1, S2, D, P2 = (
    "phase_changed esc-audit",
    "settings_changed esc-audit-2",
    "account_deactivated ",
    "phase_changed esc-audit-2",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [P2, D, S2, P1]),
        ({"cycle": "esc-audit"}, [P1]),
        ({"action": "phase_changed"}, [P2, P1]),
        ({"actor": "second"}, [P2, S2]),
        ({"since": "2026-03-02"}, [P2, D, S2]),
        ({"until": "2026-03-02"}, [D, S2, P1]),
        ({"since": "2026-03-02", "until": "2026-03-02"}, [D, S2]),
        ({"cycle": "esc-audit-2", "action": "phase_changed", "since": "2026-03-03"}, [P2]),
    ],
)
def test_the_filters_narrow_the_log(client, scene, other_cycle, query, expected):
    second_admin = make_entries(scene.cast, other_cycle)
    if query.get("actor") == "second":
        query["actor"] = second_admin.pk
    newer = AuditEntry.objects.filter(at__year=2026, at__month=3)

    response = page(client, scene.admin, **query)

    listed = [f"{row.entry.action} {row.entry.cycle_code}" for row in response.context["rows"] if row.entry in newer]
    assert listed == expected


def test_a_filter_that_does_not_clean_is_shown_and_left_off(client, scene, other_cycle):
    make_entries(scene.cast, other_cycle)

    response = page(client, scene.admin, "en", since="2026-03-03", until="2026-03-01", action="bogus")

    form = response.context["form"]
    assert sorted(form.errors) == ["action", "until"]
    assert "The last day comes before the first day." in response.content.decode()
    assert [row.entry.at.day for row in response.context["rows"] if row.entry.at.month == 3] == [3]


def test_the_pages_keep_the_filters(client, scene):
    for _ in range(51):
        record(action=AuditAction.PHASE_CHANGED, by=scene.admin, target=scene.cycle, cycle=scene.cycle)

    response = page(client, scene.admin, cycle="esc-audit", action="phase_changed")
    second = page(client, scene.admin, cycle="esc-audit", action="phase_changed", page="2")

    assert len(response.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert "?cycle=esc-audit&amp;action=phase_changed&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_page_costs_the_same_queries_whatever_the_number_of_entries(
    client, scene, django_assert_num_queries, count
):
    cycle, admin = scene.cycle, scene.admin
    for _ in range(count):
        record(action=AuditAction.PHASE_CHANGED, by=admin, target=cycle, cycle=cycle, after={"phase": "call_open"})
        record(
            action=AuditAction.EXTENSION_GRANTED,
            by=admin,
            target=scene.cast.municipality_b,
            cycle=cycle,
            after={"deadline": "2027-01-31T16:30:00+07:00", "reason": "น้ำท่วม"},
            values_of=DeadlineExtension,
        )
        record(
            action=AuditAction.DECISION_RECORDED,
            by=admin,
            target=cycle,
            cycle=cycle,
            after={"round": "committee", "outcome": "nominated", "applications": [{"th": "ยะลา", "en": "Yala"}]},
            values_of=Decision,
        )
    client.force_login(admin)

    # The user, the cycles and the people of the filters, the count, the page of entries (with their content types),
    # the header's pending registrations and unread notifications, and the session's save (three statements).
    with django_assert_num_queries(10):
        response = client.get(reverse("portal:audit-log"))

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["editor_a", "signatory_a", "reviewer"])
def test_only_admins_read_the_log(client, scene, role):
    act_change_phase(scene)
    client.force_login(getattr(scene.cast, role))

    response = client.get(reverse("portal:audit-log"))

    assert response.status_code == 403
    assert "ครบกำหนด" not in response.content.decode()


def test_the_log_has_no_way_to_change_it(client, scene):
    act_change_phase(scene)
    client.force_login(scene.admin)

    response = client.post(reverse("portal:audit-log"), {"note": "changed"})

    assert response.status_code == 405
    assert sorted(name for name in url_names(get_resolver().url_patterns) if "audit" in name) == ["portal:audit-log"]


def test_the_admin_navigation_links_the_log(client, scene):
    client.force_login(scene.admin)

    response = client.get(reverse("home"))

    assert reverse("portal:audit-log") in response.content.decode()
