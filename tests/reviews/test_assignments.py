import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from applications.enums import ApplicationStatus
from applications.models import Application, ReviewerAssignment
from indicators.enums import CyclePhase
from portal.enums import Role
from portal.models import ReviewerConflict
from reviews.services_assignments import auto_assign
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-rk-a", phase=CyclePhase.DESK_REVIEW)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True, full_name="สมศรี ผู้ดูแล")


@pytest.fixture
def reviewers(db):
    return [UserFactory(role=Role.REVIEWER, full_name=name) for name in ("ผู้ตรวจ หนึ่ง", "ผู้ตรวจ สอง", "ผู้ตรวจ สาม")]


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def submitted(cycle, municipality=None, *, track="esc_award", category="", status=ApplicationStatus.SUBMITTED):
    municipality = municipality or MunicipalityFactory()
    return Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track=track,
        category_code=category,
        size_class=cycle.size_classes.order_by("min_population").first(),
        status=status,
        submitted_at=timezone.now(),
        created_by=UserFactory(role=Role.EDITOR, municipality=municipality),
    )


def loads(cycle, reviewers):
    return [ReviewerAssignment.objects.filter(reviewer=r, application__cycle=cycle).count() for r in reviewers]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------------------------------------------
# Automatic assignment (service, through the page)
# ---------------------------------------------------------------------------------------------------------------


def test_auto_assign_gives_every_reviewer_exactly_the_cap_when_capacity_matches(cycle, admin, reviewers):
    province = ProvinceFactory()
    for _ in range(6):
        submitted(cycle, MunicipalityFactory(province=province))

    report = auto_assign(cycle=cycle, per_application=2, cap=4, by=admin)

    assert report.assigned == 12
    assert report.short == []
    assert loads(cycle, reviewers) == [4, 4, 4]
    assert sorted(Application.objects.filter(cycle=cycle).values_list("status", flat=True)) == ["under_review"] * 6


def test_auto_assign_with_a_lower_cap_leaves_the_last_applications_short(cycle, admin, reviewers):
    # 6 × 2 = 12 wanted, 3 × 3 = 9 possible: applications 1–4 get two each, the 5th one, the 6th none.
    province = ProvinceFactory()
    applications = [submitted(cycle, MunicipalityFactory(province=province)) for _ in range(6)]

    report = auto_assign(cycle=cycle, per_application=2, cap=3, by=admin)

    assert report.assigned == 9
    assert loads(cycle, reviewers) == [3, 3, 3]
    assert [(application.pk, missing) for application, missing in report.short] == [
        (applications[4].pk, 1),
        (applications[5].pk, 2),
    ]
    assert [a.assignments.count() for a in applications] == [2, 2, 2, 2, 1, 0]


def test_auto_assign_never_gives_a_reviewer_an_application_of_a_province_they_declared(cycle, admin, reviewers):
    home, other = ProvinceFactory(), ProvinceFactory()
    ReviewerConflict.objects.create(reviewer=reviewers[2], province=other, reason="บ้านเกิด")
    for _ in range(3):
        submitted(cycle, MunicipalityFactory(province=home))
    in_other = [submitted(cycle, MunicipalityFactory(province=other)) for _ in range(3)]

    report = auto_assign(cycle=cycle, per_application=2, cap=10, by=admin)

    assert report.short == []
    assert ReviewerAssignment.objects.filter(reviewer=reviewers[2], application__in=in_other).count() == 0
    assert [sorted(application.assignments.values_list("reviewer_id", flat=True)) for application in in_other] == [
        sorted([reviewers[0].pk, reviewers[1].pk])
    ] * 3


def test_auto_assign_page_reports_applications_left_short_when_only_conflicted_reviewers_remain(
    client, cycle, admin, reviewers
):
    home, other = ProvinceFactory(), ProvinceFactory()
    ReviewerConflict.objects.create(reviewer=reviewers[2], province=other, reason="บ้านเกิด")
    submitted(cycle, MunicipalityFactory(province=home))
    short_one = submitted(cycle, MunicipalityFactory(province=other, full_name_th="เทศบาลเมืองขาดหนึ่ง"))
    url = reverse("reviews:assignments", kwargs={"code": cycle.code})

    response = english(client, admin).post(url, {"per_application": "3", "cap": "10"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert response.context["report"] == {
        "assigned": 5,
        "short": [
            {
                "id": short_one.pk,
                "name": "เทศบาลเมืองขาดหนึ่ง",
                "missing": 1,
                "reason": "Of 3 reviewers, 1 declared a conflict, 0 reached the cap of 10 and 2 are already assigned.",
            }
        ],
        "per_application": 3,
        "cap": 10,
    }
    assert response.context["auto_form"].initial == {"per_application": 3, "cap": 10}
    assert "Automatic assignment made 5 assignments." in response.text
    assert "เทศบาลเมืองขาดหนึ่ง</a>: 1 reviewer missing." in response.text
    # The report is shown once.
    assert client.get(url).context["report"] is None


def test_auto_assign_page_shows_form_errors_without_assigning(client, cycle, admin, reviewers):
    submitted(cycle)

    response = english(client, admin).post(
        reverse("reviews:assignments", kwargs={"code": cycle.code}), {"per_application": "0", "cap": "x"}
    )

    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["auto_form"].errors == {
            "per_application": ["Ensure this value is greater than or equal to 1."],
            "cap": ["Enter a whole number."],
        }
    assert ReviewerAssignment.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------------
# The assignments page and manual assignment
# ---------------------------------------------------------------------------------------------------------------


def test_assignments_page_lists_loads_assignments_and_crossed_out_conflicts(client, cycle, admin, reviewers):
    municipality = MunicipalityFactory(full_name_th="เทศบาลนครทดสอบ")
    application = submitted(cycle, municipality)
    other = submitted(cycle)
    ReviewerAssignment.objects.create(
        application=application, reviewer=reviewers[0], assigned_by=admin, completed_at=timezone.now()
    )
    ReviewerAssignment.objects.create(application=other, reviewer=reviewers[0], assigned_by=admin)
    ReviewerConflict.objects.create(reviewer=reviewers[1], municipality=municipality, reason="ญาติ")

    response = english(client, admin).get(reverse("reviews:assignments", kwargs={"code": cycle.code}))

    assert response.status_code == 200
    assert [(r.full_name, r.load, r.done) for r in response.context["reviewers"]] == [
        ("ผู้ตรวจ สอง", 0, 0),
        ("ผู้ตรวจ สาม", 0, 0),
        ("ผู้ตรวจ หนึ่ง", 2, 1),
    ]
    row = next(row for row in response.context["rows"] if row["application"] == application)
    assert [a.reviewer for a in row["assignments"]] == [reviewers[0]]
    assert row["conflicted"] == [reviewers[1]]
    assert row["eligible"] == [reviewers[2]]
    assert '<del>ผู้ตรวจ สอง</del> <span class="badge conflict-badge">conflict</span>' in response.text
    assign_url = reverse("reviews:assign", kwargs={"pk": application.pk})
    form = response.text.split(f'action="{assign_url}"')[1].split("</form>")[0]
    assert f'<option value="{reviewers[2].pk}">ผู้ตรวจ สาม (0)</option>' in form
    assert f'value="{reviewers[1].pk}"' not in form


def test_assignments_page_can_show_only_applications_without_reviewers(client, cycle, admin, reviewers):
    assigned = submitted(cycle)
    waiting = submitted(cycle)
    ReviewerAssignment.objects.create(application=assigned, reviewer=reviewers[0], assigned_by=admin)

    response = english(client, admin).get(
        reverse("reviews:assignments", kwargs={"code": cycle.code}), {"unassigned": "1"}
    )

    assert [row["application"] for row in response.context["rows"]] == [waiting]


def test_manual_assign_adds_the_reviewer_and_marks_the_application_under_review(client, cycle, admin, reviewers):
    application = submitted(cycle)
    page = reverse("reviews:assignments", kwargs={"code": cycle.code})

    response = english(client, admin).post(
        reverse("reviews:assign", kwargs={"pk": application.pk}), {"reviewer": reviewers[0].pk, "next": page}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page}#application-{application.pk}"
    assert list(application.assignments.values_list("reviewer_id", flat=True)) == [reviewers[0].pk]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert messages_of(response) == [f"ผู้ตรวจ หนึ่ง now reviews {application.municipality.full_name_th}."]


def test_manual_assign_of_a_conflicted_reviewer_is_refused_naming_them(client, cycle, admin, reviewers):
    municipality = MunicipalityFactory()
    application = submitted(cycle, municipality)
    ReviewerConflict.objects.create(reviewer=reviewers[1], province=municipality.province, reason="บ้านเกิด")

    response = english(client, admin).post(
        reverse("reviews:assign", kwargs={"pk": application.pk}), {"reviewer": reviewers[1].pk}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Conflict of interest declared: ผู้ตรวจ สอง. They cannot review this application."]
    assert application.assignments.count() == 0


def test_manual_assign_ignores_a_next_address_outside_the_assignments_page(client, cycle, admin, reviewers):
    application = submitted(cycle)

    response = english(client, admin).post(
        reverse("reviews:assign", kwargs={"pk": application.pk}),
        {"reviewer": reviewers[0].pk, "next": "https://evil.example/manage/"},
    )

    assert response["Location"] == (
        reverse("reviews:assignments", kwargs={"code": cycle.code}) + f"#application-{application.pk}"
    )


def test_manual_assign_without_a_reviewer_says_so(client, cycle, admin):
    application = submitted(cycle)

    response = english(client, admin).post(reverse("reviews:assign", kwargs={"pk": application.pk}), {})

    assert messages_of(response) == ["This field is required."]


def test_unassign_removes_the_reviewer(client, cycle, admin, reviewers):
    application = submitted(cycle)
    ReviewerAssignment.objects.create(application=application, reviewer=reviewers[0], assigned_by=admin)

    response = english(client, admin).post(
        reverse("reviews:unassign", kwargs={"pk": application.pk, "reviewer_id": reviewers[0].pk})
    )

    assert response.status_code == 302
    assert application.assignments.count() == 0
    assert messages_of(response) == [f"ผู้ตรวจ หนึ่ง no longer reviews {application.municipality.full_name_th}."]


# ---------------------------------------------------------------------------------------------------------------
# Conflicts hide the application from the reviewer
# ---------------------------------------------------------------------------------------------------------------


def test_reviewer_never_sees_an_application_they_declared_a_conflict_with(client, cycle, admin, reviewers):
    municipality = MunicipalityFactory()
    application = submitted(cycle, municipality)
    ReviewerAssignment.objects.create(application=application, reviewer=reviewers[0], assigned_by=admin)
    client.force_login(reviewers[0])
    before = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code

    ReviewerConflict.objects.create(reviewer=reviewers[0], municipality=municipality, reason="ญาติ")

    assert before == 200
    assert client.get(reverse("applications:detail", kwargs={"pk": application.pk})).status_code == 404
    assert client.get(reverse("reviews:decision-history", kwargs={"pk": application.pk})).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------------------------

ROLES = ("anonymous", "editor_a", "reviewer", "admin")


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 403, 403, 200), strict=True)))
def test_assignments_page_is_for_admins_only(client, cast, cycle, role, expected):
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    response = client.get(reverse("reviews:assignments", kwargs={"code": cycle.code}))

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 403, 403, 302), strict=True)))
@pytest.mark.parametrize("action", ["assign", "unassign", "auto"])
def test_assignment_actions_are_for_admins_only(client, cast, cycle, role, expected, action):
    application = submitted(cycle)
    urls = {
        "assign": reverse("reviews:assign", kwargs={"pk": application.pk}),
        "unassign": reverse("reviews:unassign", kwargs={"pk": application.pk, "reviewer_id": cast.reviewer.pk}),
        "auto": reverse("reviews:assignments", kwargs={"code": cycle.code}),
    }
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    response = client.post(urls[action], {"reviewer": cast.reviewer.pk, "per_application": "1", "cap": "5"})

    if expected == "login":
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    assert ReviewerAssignment.objects.count() == (1 if role == "admin" and action != "unassign" else 0)


def test_assignments_page_of_an_unknown_cycle_is_404(client, cast):
    client.force_login(cast.admin)

    assert client.get(reverse("reviews:assignments", kwargs={"code": "no-such-cycle"})).status_code == 404


def test_assign_to_an_unknown_application_is_404(client, cast, cycle):
    client.force_login(cast.admin)

    response = client.post(reverse("reviews:assign", kwargs={"pk": 999999}), {"reviewer": cast.reviewer.pk})

    assert response.status_code == 404


def test_assign_is_post_only(client, cast, cycle):
    application = submitted(cycle)
    client.force_login(cast.admin)

    assert client.get(reverse("reviews:assign", kwargs={"pk": application.pk})).status_code == 405


@pytest.mark.parametrize("count", [1, 30])
def test_assignments_page_query_count_is_constant(client, django_assert_num_queries, cycle, admin, reviewers, count):
    for _ in range(count):
        application = submitted(cycle)
        ReviewerAssignment.objects.create(application=application, reviewer=reviewers[0], assigned_by=admin)
    ReviewerConflict.objects.create(reviewer=reviewers[1], province=application.municipality.province, reason="x")
    client.force_login(admin)

    with django_assert_num_queries(11):  # the header's unread notifications count is one of them
        response = client.get(reverse("reviews:assignments", kwargs={"code": cycle.code}))

    assert len(response.context["rows"]) == count


def test_assigning_a_reviewer_to_a_draft_is_refused_with_a_message(client, cycle, admin, reviewers):
    draft = submitted(cycle, status=ApplicationStatus.DRAFT)

    response = english(client, admin).post(
        reverse("reviews:assign", kwargs={"pk": draft.pk}), {"reviewer": reviewers[0].pk}
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{draft.municipality.full_name_th} has not submitted this application yet: a draft cannot be assigned to "
        "reviewers."
    ]
    assert draft.assignments.count() == 0
