from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue, ReviewerAssignment, StatusChange
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal.enums import MunicipalityKind, Role
from portal.models import Municipality, ReviewerConflict
from reviews.enums import DecisionRound
from reviews.models import Decision, RubricScore
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun
from scoring.runs import rank_cycle
from scoring.standings import group_key
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-rk-r", phase=CyclePhase.COMMITTEE_RANKING)


@pytest.fixture
def admin(db):
    return UserFactory(admin=True, full_name="สมศรี ผู้ดูแล")


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.REVIEWER, full_name="วิชัย ผู้ตรวจ")


def small(cycle):
    return cycle.size_classes.order_by("min_population").first()


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_of(cycle):
    return ScoreRun.objects.filter(cycle=cycle).first() or ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.CYCLE, reason="test", status=RunStatus.DONE
    )


def candidate(
    cycle,
    name,
    total,
    *,
    verified=None,
    completeness="1",
    tier="gold",
    governance=None,
    areas=None,
    track="certificate",
    category="CA",
    size=None,
    status=ApplicationStatus.SUBMITTED,
    province=None,
    kind=MunicipalityKind.TOWN,
    disagreement=False,
):
    """A submitted application with current submitted and verified scores stored directly (no engine), and the
    cycle's standing re-ranked over them as a score run would."""
    municipality = MunicipalityFactory(
        name_th=name, full_name_th=f"เทศบาลเมือง{name}", province=province or ProvinceFactory(), kind=kind
    )
    application = Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track=track,
        category_code=category if track == "certificate" else "",
        size_class=size or small(cycle),
        status=status,
        submitted_at=timezone.now(),
        created_by=UserFactory(role=Role.EDITOR, municipality=municipality),
        population=120_000,
        households=40_000,
        area_km2=Decimal("31.50"),
    )
    store_scores(
        cycle,
        application,
        total,
        verified=verified,
        completeness=completeness,
        tier=tier,
        governance=governance,
        areas=areas,
        disagreement=disagreement,
    )
    return application


def group_of(application):
    return group_key(application.track, application.category_code, application.size_class_id)


def store_scores(
    cycle,
    application,
    total,
    *,
    verified=None,
    completeness="1",
    tier="gold",
    governance=None,
    areas=None,
    disagreement=False,
):
    total = Decimal(str(total))
    verified = total if verified is None else Decimal(str(verified))
    codes = [application.category_code or "CA", "GOV"]
    run = run_of(cycle)
    ApplicationScore.objects.bulk_create(
        ApplicationScore(
            run=run,
            application=application,
            cycle=cycle,
            group_key=group_of(application),
            disagreement=disagreement,
            framework=cycle.framework,
            kind=kind,
            total=value,
            completeness=Decimal(completeness),
            ranked=Decimal(completeness) >= cycle.completeness_minimum,
            tier=tier,
            governance=governance,
            areas=areas or {code: {"score": str(value), "answered": 5, "applicable": 5} for code in codes},
            indicators=[],
            is_current=True,
        )
        for kind, value in ((ScoreKind.SUBMITTED, total), (ScoreKind.VERIFIED, verified))
    )
    rank_cycle(run=run)


def board(client, cycle, **params):
    return client.get(reverse("reviews:board", kwargs={"code": cycle.code}), params)


def names(rows):
    return [name_of(row) for row in rows]


def name_of(row):
    """The short Thai name of a board row's municipality (the board shows the full one)."""
    return Application.objects.select_related("municipality").get(pk=row.application_id).municipality.name_th


# ---------------------------------------------------------------------------------------------------------------
# Ranks
# ---------------------------------------------------------------------------------------------------------------


def test_board_ranks_by_total_then_tie_breaks_and_lists_the_unranked_apart(client, cycle, admin):
    candidate(cycle, "กระบี่", 70)
    candidate(cycle, "ขอนแก่น", 80, completeness="0.9")
    candidate(cycle, "ชลบุรี", 80)
    candidate(cycle, "ตรัง", 70)
    candidate(cycle, "น่าน", 90, completeness="0.5", tier="gold")

    response = board(english(client, admin), cycle)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(name_of(row), row.rank) for row in rows] == [
        ("ชลบุรี", 1),
        ("ขอนแก่น", 2),
        ("กระบี่", 3),
        ("ตรัง", 3),
    ]
    assert names(response.context["unranked"]) == ["น่าน"]
    assert "Completeness 50% is below the minimum of 80%." in response.text
    assert [column["key"] for column in response.context["columns"]] == [
        "rank",
        "total",
        "verified",
        "area-CA",
        "area-GOV",
        "completeness",
    ]


def test_board_ranks_by_the_verified_score_when_asked(client, cycle, admin):
    candidate(cycle, "กระบี่", 80, verified=60)
    candidate(cycle, "ขอนแก่น", 70, verified=75)

    submitted_rows = board(english(client, admin), cycle).context["rows"]
    verified_rows = board(client, cycle, basis="verified").context["rows"]

    assert [(name, row.rank) for name, row in zip(names(submitted_rows), submitted_rows, strict=True)] == [
        ("กระบี่", 1),
        ("ขอนแก่น", 2),
    ]
    assert [(name, row.rank) for name, row in zip(names(verified_rows), verified_rows, strict=True)] == [
        ("ขอนแก่น", 1),
        ("กระบี่", 2),
    ]
    assert [(row.submitted_total, row.verified_total) for row in verified_rows] == [
        (Decimal("70.00"), Decimal("75.00")),
        (Decimal("80.00"), Decimal("60.00")),
    ]


def test_board_shows_one_group_at_a_time_and_offers_every_group(client, cycle, admin):
    big = cycle.size_classes.order_by("min_population").last()
    candidate(cycle, "กระบี่", 70)
    candidate(cycle, "ขอนแก่น", 60, size=big)
    candidate(cycle, "ชลบุรี", 65, track="esc_award")
    candidate(cycle, "ตรัง", 55, category="CW")

    first = board(english(client, admin), cycle)
    chosen = board(client, cycle, group=f"certificate|CA|{big.pk}")

    assert [group.key for group in first.context["groups"]] == [
        f"esc_award||{small(cycle).pk}",
        f"certificate|CA|{small(cycle).pk}",
        f"certificate|CA|{big.pk}",
        f"certificate|CW|{small(cycle).pk}",
    ]
    assert names(first.context["rows"]) == ["ชลบุรี"]
    assert names(chosen.context["rows"]) == ["ขอนแก่น"]


# ---------------------------------------------------------------------------------------------------------------
# Filters and sorting
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def field(cycle, reviewer):
    """Four candidates of one group that differ in province, type, tier, status and reviewers' agreement."""
    south, north = ProvinceFactory(name_th="สงขลา"), ProvinceFactory(name_th="เชียงใหม่")
    applications = {
        "กระบี่": candidate(cycle, "กระบี่", 85, verified=70, tier="gold", province=south),
        "ขอนแก่น": candidate(
            cycle,
            "ขอนแก่น",
            72,
            verified=80,
            tier="silver",
            province=north,
            kind=MunicipalityKind.CITY,
            status=ApplicationStatus.SHORTLISTED,
            areas={"CA": {"score": "90.00"}, "GOV": {"score": "40.00"}},
        ),
        "ชลบุรี": candidate(cycle, "ชลบุรี", 66, verified=66, tier="silver", province=south, disagreement=True),
        "ตรัง": candidate(
            cycle, "ตรัง", 55, verified=None, tier="bronze", province=north, areas={"CA": {"score": "10.00"}}
        ),
    }
    rubric = Indicator.objects.filter(framework=cycle.framework, value_type="rubric").first()
    other = UserFactory(role=Role.REVIEWER)
    RubricScore.objects.create(application=applications["ชลบุรี"], indicator=rubric, reviewer=reviewer, points=0)
    RubricScore.objects.create(application=applications["ชลบุรี"], indicator=rubric, reviewer=other, points=4)
    RubricScore.objects.create(application=applications["กระบี่"], indicator=rubric, reviewer=reviewer, points=3)
    RubricScore.objects.create(application=applications["กระบี่"], indicator=rubric, reviewer=other, points=3)
    return {"south": south, "north": north, **applications}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง"]),
        ({"province": "south"}, ["กระบี่", "ชลบุรี"]),
        ({"kind": MunicipalityKind.CITY}, ["ขอนแก่น"]),
        ({"tier": "silver"}, ["ขอนแก่น", "ชลบุรี"]),
        ({"status": ApplicationStatus.SHORTLISTED}, ["ขอนแก่น"]),
        ({"disagreement": "on"}, ["ชลบุรี"]),
        ({"province": "north", "tier": "bronze"}, ["ตรัง"]),
        ({"province": "999999", "tier": "platinum"}, ["กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง"]),
    ],
)
def test_board_filters_keep_the_ranks_of_the_whole_group(client, cycle, admin, field, params, expected):
    if params.get("province") in ("south", "north"):
        params = {**params, "province": field[params["province"]].pk}

    rows = board(english(client, admin), cycle, **params).context["rows"]

    assert names(rows) == expected
    assert [row.rank for row in rows] == [["กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง"].index(name) + 1 for name in expected]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("rank", ["กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง"]),
        ("-rank", ["ตรัง", "ชลบุรี", "ขอนแก่น", "กระบี่"]),
        ("-verified", ["ขอนแก่น", "กระบี่", "ชลบุรี", "ตรัง"]),
        ("total", ["ตรัง", "ชลบุรี", "ขอนแก่น", "กระบี่"]),
        ("-area-CA", ["ขอนแก่น", "กระบี่", "ชลบุรี", "ตรัง"]),
        # ตรัง has no GOV area score: last, whichever the direction.
        ("area-GOV", ["ขอนแก่น", "ชลบุรี", "กระบี่", "ตรัง"]),
        ("-area-GOV", ["กระบี่", "ชลบุรี", "ขอนแก่น", "ตรัง"]),
        ("nonsense", ["กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง"]),
    ],
)
def test_board_sorts_by_the_chosen_column(client, cycle, admin, field, sort, expected):
    response = board(english(client, admin), cycle, sort=sort)

    assert names(response.context["rows"]) == expected


def test_board_sort_headers_toggle_direction_and_keep_the_filters(client, cycle, admin, field):
    response = board(english(client, admin), cycle, sort="-total", tier="silver", page="2")

    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["total"]["url"] == "?sort=total&tier=silver"
    assert columns["total"]["aria_sort"] == "descending"
    assert columns["verified"]["url"] == "?sort=-verified&tier=silver"
    assert columns["rank"]["url"] == "?sort=rank&tier=silver"


def test_board_completeness_sort_and_row_cells(client, cycle, admin):
    candidate(cycle, "กระบี่", 70, completeness="0.85")
    candidate(cycle, "ขอนแก่น", 60, completeness="0.95")

    response = board(english(client, admin), cycle, sort="-completeness")

    rows = response.context["rows"]
    assert names(rows) == ["ขอนแก่น", "กระบี่"]
    assert [row.area_cells for row in rows] == [
        [Decimal("60.00"), Decimal("60.00")],
        [Decimal("70.00"), Decimal("70.00")],
    ]


def test_board_row_shows_disagreement_and_the_latest_decision(client, cycle, admin, field):
    Decision.objects.create(
        application=field["กระบี่"], round=DecisionRound.SCREENING, outcome="shortlisted", note="ผ่าน", decided_by=admin
    )
    Decision.objects.create(
        application=field["กระบี่"], round=DecisionRound.DESK_REVIEW, outcome="shortlisted", note="ผ่าน", decided_by=admin
    )

    response = board(english(client, admin), cycle)

    rows = {name_of(row): row for row in response.context["rows"]}
    assert [rows[name].values["disagreement"] for name in ("กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง")] == [
        False,
        False,
        True,
        False,
    ]
    assert rows["กระบี่"].decision.round == DecisionRound.DESK_REVIEW
    assert rows["ขอนแก่น"].decision is None
    assert response.text.count('data-testid="disagreement"') == 1


def test_board_pages_fifty_rows_at_a_time(client, cycle, admin):
    many(cycle, 51)

    first = board(english(client, admin), cycle)
    second = board(client, cycle, page="2")

    assert len(first.context["rows"]) == 50
    assert [row.rank for row in second.context["rows"]] == [51]
    assert first.context["page_links"] == {"next": "?page=2"}


def many(cycle, count, *, by=None):
    """`count` candidates of one group with stored scores and standing, built in bulk (fast enough for 2,500)."""
    province = ProvinceFactory()
    start = Municipality.objects.count()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=f"6{start + number:05d}",
            kind="town",
            name_th=f"เมือง{start + number:04d}",
            full_name_th=f"เทศบาลเมือง{start + number:04d}",
            name_en=f"Town {start + number}",
            province=province,
            population=45_000,
        )
        for number in range(count)
    )
    creator = by or UserFactory(admin=True)
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=municipality,
            track="certificate",
            category_code="CA",
            size_class=small(cycle),
            status=ApplicationStatus.UNDER_REVIEW,
            submitted_at=timezone.now(),
            created_by=creator,
        )
        for municipality in municipalities
    )
    run = run_of(cycle)
    ApplicationScore.objects.bulk_create(
        ApplicationScore(
            run=run,
            application=application,
            cycle=cycle,
            group_key=group_of(application),
            framework=cycle.framework,
            kind=kind,
            total=Decimal(90 - index % 60),
            completeness=Decimal(1),
            ranked=True,
            tier="silver",
            areas={"CA": {"score": "50.00"}, "GOV": {"score": "60.00"}},
            indicators=[],
            is_current=True,
        )
        for index, application in enumerate(applications)
        for kind in (ScoreKind.SUBMITTED, ScoreKind.VERIFIED)
    )
    Decision.objects.bulk_create(
        Decision(
            application=application, round=DecisionRound.SCREENING, outcome="shortlisted", note="ok", decided_by=creator
        )
        for application in applications
    )
    rank_cycle(run=run)
    return applications


# User (middleware; the session is read from the cache); the standings with their cycle, the framework's areas (read
# once per process for a frozen framework), one page of rows, their applications and their latest decisions, newer
# runs; the session renewed, as on the first request after logging in (savepoint, update, release). Admins: the
# pending registrations of the menu (the counts come from the
# standing). Reviewers: the counts of the rows they may see.
BOARD_QUERIES = 12  # with the header's unread notifications


@pytest.mark.parametrize("count", [25, 250])
def test_board_query_count_is_constant_for_admins(client, django_assert_num_queries, cycle, admin, count):
    many(cycle, count, by=admin)
    client.force_login(admin)

    with django_assert_num_queries(BOARD_QUERIES):
        response = board(client, cycle)

    assert (len(response.context["rows"]), response.context["total_ranked"]) == (min(count, 50), count)


@pytest.mark.parametrize("count", [25, 250])
def test_board_query_count_is_constant_for_reviewers(client, django_assert_num_queries, cycle, reviewer, count):
    applications = many(cycle, count + 1)
    ReviewerConflict.objects.create(reviewer=reviewer, municipality=applications[-1].municipality, reason="ญาติ")
    client.force_login(reviewer)

    with django_assert_num_queries(BOARD_QUERIES):
        response = board(client, cycle)

    assert (len(response.context["rows"]), response.context["total_ranked"]) == (min(count, 50), count)


# ---------------------------------------------------------------------------------------------------------------
# Who sees what on the board
# ---------------------------------------------------------------------------------------------------------------


def test_reviewer_board_omits_an_application_they_declared_a_conflict_with(client, cycle, admin, reviewer):
    seen = candidate(cycle, "กระบี่", 80)
    hidden = candidate(cycle, "ขอนแก่น", 90)
    ReviewerConflict.objects.create(reviewer=reviewer, province=hidden.municipality.province, reason="บ้านเกิด")

    response = board(english(client, reviewer), cycle)

    # Hidden, never renumbered: the reviewer sees the second place as 2, as the packet and the export say.
    assert [(row.application_id, row.rank) for row in response.context["rows"]] == [(seen.pk, 2)]
    assert "ขอนแก่น" not in response.text
    assert client.get(reverse("applications:detail", kwargs={"pk": hidden.pk})).status_code == 404


def test_reviewer_board_before_committee_ranking_holds_only_assigned_applications(client, cycle, admin, reviewer):
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save()
    mine = candidate(cycle, "กระบี่", 70)
    candidate(cycle, "ขอนแก่น", 90)
    ReviewerAssignment.objects.create(application=mine, reviewer=reviewer, assigned_by=admin)

    response = board(english(client, reviewer), cycle)

    assert [row.application_id for row in response.context["rows"]] == [mine.pk]


def test_board_shows_the_decision_form_to_admins_only(client, cycle, admin, reviewer):
    candidate(cycle, "กระบี่", 80)

    for_admin = board(english(client, admin), cycle)
    for_reviewer = board(english(client, reviewer), cycle)

    assert for_admin.context["can_decide"] is True
    assert 'id="decide-form"' in for_admin.text
    assert for_reviewer.context["can_decide"] is False
    assert 'id="decide-form"' not in for_reviewer.text
    assert 'id="compare-form"' in for_reviewer.text


def test_board_of_a_cycle_without_scores_says_so(client, cycle, admin):
    response = board(english(client, admin), cycle)

    assert response.status_code == 200
    assert response.context["current"] is None
    assert "No scored applications in this cycle yet." in response.text


# ---------------------------------------------------------------------------------------------------------------
# Compare
# ---------------------------------------------------------------------------------------------------------------


def compare(client, cycle, ids, **params):
    return client.get(reverse("reviews:compare", kwargs={"code": cycle.code}), {"ids": ids, **params})


def scored_with_points(cycle, name, points):
    """An application with stored per-indicator points (CA-01, CA-02) and values."""
    application = candidate(cycle, name, sum(point or 0 for point in points))
    indicators = {i.code: i for i in Indicator.objects.filter(framework=cycle.framework, code__in=["CA-01", "CA-02"])}
    for score in ApplicationScore.objects.filter(application=application):
        score.indicators = [
            {"code": "CA-01", "area": "CA", "points": str(points[0]), "max": 4},
            {"code": "CA-02", "area": "CA", "points": None if points[1] is None else str(points[1]), "max": 4},
        ]
        score.save()
    IndicatorValue.objects.create(application=application, indicator=indicators["CA-01"], number=Decimal("82.5"))
    return application


def test_compare_shows_profiles_area_bars_and_indicators_with_the_best_marked(client, cycle, admin):
    first = scored_with_points(cycle, "กระบี่", (4, 1))
    second = scored_with_points(cycle, "ขอนแก่น", (2, 1))
    third = scored_with_points(cycle, "ชลบุรี", (4, None))

    response = compare(english(client, admin), cycle, f"{second.pk},{first.pk},{third.pk}")

    assert response.status_code == 200
    assert [city["application"] for city in response.context["cities"]] == [second, first, third]
    assert [
        (group["area"].code, [item["score"] for item in group["cities"]]) for group in response.context["area_bars"]
    ] == [("CA", [Decimal(3), Decimal(5), Decimal(4)]), ("GOV", [Decimal(3), Decimal(5), Decimal(4)])]
    [section] = response.context["sections"]
    assert [
        (row["indicator"].code, [(cell["value"], cell["points"], cell["best"]) for cell in row["cells"]])
        for row in section["rows"]
    ] == [
        ("CA-01", [("82.5 %", Decimal(2), False), ("82.5 %", Decimal(4), True), ("82.5 %", Decimal(4), True)]),
        ("CA-02", [("", Decimal(1), True), ("", Decimal(1), True), ("", None, False)]),
    ]
    assert 'data-percent="5"' in response.text
    assert "120,000" in response.text


def test_compare_accepts_repeated_ids_too(client, cycle, admin):
    first, second = candidate(cycle, "กระบี่", 80), candidate(cycle, "ขอนแก่น", 70)
    english(client, admin)

    response = client.get(reverse("reviews:compare", kwargs={"code": cycle.code}), {"ids": [first.pk, second.pk, ""]})

    assert [city["application"] for city in response.context["cities"]] == [first, second]


@pytest.mark.parametrize(
    ("ids", "count"), [("{a}", 1), ("{a},{a}", 1), ("{a},{b},{c},{d},{e}", 5), ("{a},x", 0), ("", 0)]
)
def test_compare_asks_for_two_to_four(client, cycle, admin, ids, count):
    applications = [candidate(cycle, name, 50) for name in ("กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง", "น่าน")]
    values = dict(zip("abcde", (application.pk for application in applications), strict=True))

    response = compare(english(client, admin), cycle, ids.format(**values))

    assert response.status_code == 200
    assert response.context["error"] == f"Choose two to four applications to compare (you chose {count})."
    assert "cities" not in response.context


def test_compare_of_an_application_the_reviewer_may_not_see_is_404(client, cycle, reviewer):
    seen = candidate(cycle, "กระบี่", 80)
    hidden = candidate(cycle, "ขอนแก่น", 90)
    ReviewerConflict.objects.create(reviewer=reviewer, municipality=hidden.municipality, reason="ญาติ")
    client.force_login(reviewer)

    assert compare(client, cycle, f"{seen.pk},{hidden.pk}").status_code == 404
    assert compare(client, cycle, f"{seen.pk},{seen.pk + 1000}").status_code == 404


def test_compare_of_another_cycles_application_is_404(client, cycle, admin):
    other = make_cycle(code="esc-rk-other", phase=CyclePhase.COMMITTEE_RANKING)
    first, second = candidate(cycle, "กระบี่", 80), candidate(other, "ขอนแก่น", 90)
    client.force_login(admin)

    assert compare(client, cycle, f"{first.pk},{second.pk}").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Decisions, quota and history
# ---------------------------------------------------------------------------------------------------------------


def decide_url(cycle):
    return reverse("reviews:decide", kwargs={"code": cycle.code})


def post_decision(client, cycle, applications, *, round=DecisionRound.COMMITTEE, outcome="nominated", note="มติ"):
    return client.post(
        decide_url(cycle),
        {
            "ids": [application.pk for application in applications],
            "round": round,
            "outcome": outcome,
            "note": note,
            "next": reverse("reviews:board", kwargs={"code": cycle.code}) + "?tier=gold",
        },
    )


def test_decide_nominates_within_quota_updates_statuses_and_keeps_history(client, cycle, admin):
    esc = candidate(cycle, "ชลบุรี", 80, track="esc_award")
    clean_air = candidate(cycle, "กระบี่", 85)
    clean_water = candidate(cycle, "ขอนแก่น", 75, category="CW")

    response = post_decision(
        english(client, admin), cycle, [esc, clean_air, clean_water], note="มติคณะกรรมการ ครั้งที่ 1/2569"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:board", kwargs={"code": cycle.code}) + "?tier=gold"
    assert messages_of(response) == ["Decision recorded for 3 application(s): Nominated."]
    assert sorted(Application.objects.filter(cycle=cycle).values_list("status", flat=True)) == ["nominated"] * 3
    assert StatusChange.objects.filter(application=esc, to_status="nominated").count() == 1
    history = client.get(reverse("reviews:decision-history", kwargs={"pk": esc.pk}))
    assert [(d.round, d.outcome, d.note, d.decided_by) for d in history.context["decisions"]] == [
        ("committee", "nominated", "มติคณะกรรมการ ครั้งที่ 1/2569", admin)
    ]
    assert "มติคณะกรรมการ ครั้งที่ 1/2569" in history.text
    assert "สมศรี ผู้ดูแล" in history.text


def test_decide_refuses_a_second_esc_award_nominee_with_the_thai_message(client, cycle, admin):
    first = candidate(cycle, "ชลบุรี", 80, track="esc_award")
    second = candidate(cycle, "กระบี่", 78, track="esc_award")
    client.force_login(admin)
    post_decision(client, cycle, [first])
    client.get(reverse("reviews:board", kwargs={"code": cycle.code}))  # shows (and so clears) the success message

    response = post_decision(client, cycle, [second])

    assert response.status_code == 302
    assert messages_of(response) == ["รางวัล ESC เสนอชื่อได้ไม่เกิน 1 ราย การตัดสินครั้งนี้จะทำให้มีผู้ได้รับการเสนอชื่อ 2 ราย"]
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED
    assert Decision.objects.filter(application=second).count() == 0


def test_decide_refuses_two_certificate_nominees_in_one_category_and_size_class(client, cycle, admin):
    first = candidate(cycle, "กระบี่", 85)
    second = candidate(cycle, "ขอนแก่น", 80)
    client.force_login(admin)

    response = post_decision(client, cycle, [first, second])

    assert messages_of(response) == ["เสนอชื่อได้ไม่เกิน 1 รายต่อสาขาและขนาดเมือง สาขา CA จะมีผู้ได้รับการเสนอชื่อ 2 ราย"]
    assert list(Application.objects.filter(cycle=cycle).values_list("status", flat=True)) == ["submitted"] * 2


def test_decide_shortlists_in_bulk_in_any_round(client, cycle, admin):
    first, second = candidate(cycle, "กระบี่", 85), candidate(cycle, "ขอนแก่น", 80)

    response = post_decision(
        english(client, admin), cycle, [first, second], round=DecisionRound.SCREENING, outcome="shortlisted", note="ok"
    )

    assert messages_of(response) == ["Decision recorded for 2 application(s): Shortlisted."]
    assert [
        (d.application_id, d.round, d.outcome, d.decided_by) for d in Decision.objects.order_by("application_id")
    ] == [(first.pk, "screening", "shortlisted", admin), (second.pk, "screening", "shortlisted", admin)]


def test_decide_refuses_a_nomination_outside_the_committee_round(client, cycle, admin):
    application = candidate(cycle, "กระบี่", 85)

    response = post_decision(english(client, admin), cycle, [application], round=DecisionRound.SITE_VISIT)

    assert messages_of(response) == ["Nominations are decided in the committee round."]
    assert Decision.objects.count() == 0


def test_decide_needs_a_note(client, cycle, admin):
    application = candidate(cycle, "กระบี่", 85)

    response = post_decision(english(client, admin), cycle, [application], outcome="shortlisted", note="  ")

    assert messages_of(response) == ["Every decision needs a note."]
    assert Decision.objects.count() == 0


def test_decide_needs_ticked_applications_of_this_cycle(client, cycle, admin):
    other = make_cycle(code="esc-rk-other", phase=CyclePhase.COMMITTEE_RANKING)
    elsewhere = candidate(other, "กระบี่", 85)
    board_url = reverse("reviews:board", kwargs={"code": cycle.code})

    nothing = post_decision(english(client, admin), cycle, [], outcome="shortlisted")
    client.get(board_url)  # shows (and so clears) the message
    foreign = post_decision(client, cycle, [elsewhere], outcome="shortlisted")
    client.get(board_url)
    malformed = client.post(decide_url(cycle), {"ids": "1,x", "round": "screening", "outcome": "shortlisted"})
    client.get(board_url)
    no_round = client.post(decide_url(cycle), {"ids": str(elsewhere.pk), "outcome": "shortlisted", "note": "x"})

    assert messages_of(nothing) == ["Choose at least one application."]
    assert messages_of(foreign) == ["Some ticked applications are not in this cycle. Nothing was decided."]
    assert messages_of(malformed) == ["The ticked applications could not be read. Tick them again."]
    assert messages_of(no_round) == ["Choose a round and an outcome for the ticked applications."]
    assert foreign["Location"] == f"{board_url}?tier=gold"
    assert malformed["Location"] == board_url
    assert Decision.objects.count() == 0


def test_decision_history_lists_every_round_newest_first(client, cycle, admin, cast):
    application = candidate(cycle, "กระบี่", 85)
    application.municipality = cast.municipality_a
    application.save()
    for round_, outcome, note in (
        (DecisionRound.SCREENING, "shortlisted", "ผ่านรอบแรก"),
        (DecisionRound.DESK_REVIEW, "shortlisted", "ผ่านการประเมินเอกสาร"),
        (DecisionRound.SITE_VISIT, "not_shortlisted", "ไม่ผ่านการตรวจพื้นที่"),
    ):
        Decision.objects.create(application=application, round=round_, outcome=outcome, note=note, decided_by=admin)

    response = english(client, cast.editor_a).get(reverse("reviews:decision-history", kwargs={"pk": application.pk}))

    assert response.status_code == 200
    assert [(d.round, d.note) for d in response.context["decisions"]] == [
        ("site_visit", "ไม่ผ่านการตรวจพื้นที่"),
        ("desk_review", "ผ่านการประเมินเอกสาร"),
        ("screening", "ผ่านรอบแรก"),
    ]
    assert response.context["board_url"] is None


# ---------------------------------------------------------------------------------------------------------------
# Permissions: anonymous → log in; officers refused (403) or not found (404)
# ---------------------------------------------------------------------------------------------------------------

ROLES = ("anonymous", "editor_a", "editor_b", "reviewer", "admin")


def expect(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.fixture
def pair(cycle, cast):
    first = candidate(cycle, "กระบี่", 80)
    first.municipality = cast.municipality_a
    first.save()
    return first, candidate(cycle, "ขอนแก่น", 70)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 403, 403, 200, 200), strict=True)))
def test_board_is_for_admins_and_reviewers(client, cast, cycle, pair, role, expected):
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    expect(board(client, cycle), expected)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 403, 403, 200, 200), strict=True)))
def test_compare_is_for_admins_and_reviewers(client, cast, cycle, pair, role, expected):
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    expect(compare(client, cycle, f"{pair[0].pk},{pair[1].pk}"), expected)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 403, 403, 403, 302), strict=True)))
def test_decide_is_for_admins_only(client, cast, cycle, pair, role, expected):
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    expect(post_decision(client, cycle, [pair[1]], outcome="shortlisted"), expected)
    assert Decision.objects.count() == (1 if role == "admin" else 0)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, ("login", 200, 404, 200, 200), strict=True)))
def test_decision_history_is_for_whoever_may_see_the_application(client, cast, cycle, pair, role, expected):
    if role != "anonymous":
        client.force_login(cast.by_name(role))

    expect(client.get(reverse("reviews:decision-history", kwargs={"pk": pair[0].pk})), expected)


@pytest.mark.parametrize("name", ["reviews:board", "reviews:compare"])
def test_board_and_compare_of_an_unknown_cycle_are_404(client, cast, name):
    client.force_login(cast.admin)

    assert client.get(reverse(name, kwargs={"code": "no-such-cycle"})).status_code == 404


def test_decide_is_post_only(client, cast, cycle):
    client.force_login(cast.admin)

    assert client.get(decide_url(cycle)).status_code == 405
