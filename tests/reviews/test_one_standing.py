"""One standing per score run, read everywhere: the board (for an admin and for a reviewer with a conflict), the
comparison, the packet, the ranking export and the municipality's own page give a city the same rank; every write
that changes a score queues the rescore it affects and the standing follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue, ReviewerAssignment
from applications.selectors import applicable_indicators
from indicators.enums import CyclePhase
from indicators.models import Indicator
from indicators.rules.specs import SizeClassSpec
from indicators.services import update_cycle_settings, update_size_classes
from indicators.services.cycle_settings import SizeClassEdit
from portal.enums import Role
from portal.models import ReviewerConflict
from reviews.exports import ranking_sheets
from reviews.models import RubricScore
from reviews.packets import packet_context
from reviews.services import refresh_verified_values, score_rubric
from scoring.enums import RunScope, RunStatus, ScoreKind, VerifiedStatus
from scoring.models import ApplicationScore, ScoreRun, Standing, VerifiedValue
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NAMES = ("กระบี่", "ขอนแก่น", "ชลบุรี", "ตรัง", "น่าน")


@pytest.fixture
def cycle(db):
    return make_cycle(code="esc-one", phase=CyclePhase.NATIONAL_DECISION)


def small(cycle):
    return cycle.size_classes.order_by("min_population").first()


def with_values(cycle, municipality, seed):
    """A submitted Clean Air certificate application whose values differ by `seed` (so do its scores)."""
    application = Application.objects.create(
        cycle=cycle,
        municipality=municipality,
        track="certificate",
        category_code="CA",
        size_class=small(cycle),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=UserFactory(role=Role.EDITOR, municipality=municipality),
    )
    rows = []
    for position, indicator in enumerate(applicable_indicators(application)):
        value = IndicatorValue(application=application, indicator=indicator)
        if indicator.value_type == "rubric":
            value.level = (seed + position) % 5
        elif indicator.value_type == "yes_no":
            value.flag = (seed + position) % 2 == 0
        elif indicator.value_type == "text":
            value.text = "ดำเนินการแล้ว"
        else:
            low, high = indicator.min_value or Decimal(0), indicator.max_value or Decimal(100)
            value.number = (low + (high - low) * Decimal((seed * 7 + position * 3) % 10) / 10).quantize(Decimal(1))
        rows.append(value)
    IndicatorValue.objects.bulk_create(rows)
    return application


@pytest.fixture
def field(cast, cycle):
    return scored_field(cast, cycle)


def scored_field(cast, cycle):
    """Five applications of one group, the first of them Yala's (cast.municipality_a), scored by a real run."""
    municipalities = [cast.municipality_a] + [MunicipalityFactory(name_th=name) for name in NAMES[1:]]
    # Seeds whose values give five different totals (25, 45, 37.5, 27.5, 30): no shared rank.
    seeds = (0, 1, 2, 3, 5)
    applications = [
        with_values(cycle, municipality, seed) for seed, municipality in zip(seeds, municipalities, strict=True)
    ]
    execute_run(request_cycle_rescore(cycle=cycle, reason="test", enqueue=False).pk)
    return applications


def english(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def stored_ranks(cycle, kind=ScoreKind.SUBMITTED):
    return dict(
        ApplicationScore.objects.filter(cycle=cycle, kind=kind, is_current=True).values_list("application_id", "rank")
    )


def board_ranks(client, cycle, **params):
    response = client.get(reverse("reviews:board", kwargs={"code": cycle.code}), params)
    assert response.status_code == 200
    return {row.application_id: row.rank for row in response.context["rows"]}


def test_a_city_has_the_same_rank_on_every_page_including_for_a_reviewer_with_a_conflict(cast, cycle, field):
    ranks = stored_ranks(cycle)
    top = next(pk for pk, rank in ranks.items() if rank == 1)
    ReviewerConflict.objects.create(
        reviewer=cast.reviewer, municipality=Application.objects.get(pk=top).municipality, reason="บ้านเกิด"
    )
    yala = field[0]
    others = [application.pk for application in field if application.pk != top][:2]

    admin_board = board_ranks(english(cast.admin), cycle)
    reviewer_board = board_ranks(english(cast.reviewer), cycle)
    compared = english(cast.reviewer).get(
        reverse("reviews:compare", kwargs={"code": cycle.code}), {"ids": ",".join(map(str, others))}
    )
    packets = {
        application.pk: next(
            line.rank for line in packet_context(application, language="th")["scores"] if line.kind == "submitted"
        )
        for application in field
    }
    (sheet,) = ranking_sheets(cycle)
    exported = {row.municipality: row.rank for row in sheet.rows}
    own_page = english(cast.editor_a).get(reverse("scoring:application-scores", args=[yala.pk]))

    assert sorted(ranks.values()) == [1, 2, 3, 4, 5]
    assert admin_board == ranks
    # The conflict hides the top row; the others keep their numbers (2, 3, ...), never renumbered to 1.
    assert reviewer_board == {pk: rank for pk, rank in ranks.items() if pk != top}
    assert [city["rank"] for city in compared.context["cities"]] == [ranks[pk] for pk in others]
    assert packets == ranks
    assert exported == {application.municipality.full_name_th: ranks[application.pk] for application in field}
    assert f"Rank by the submitted score: {ranks[yala.pk]} of 5 in its group" in own_page.text


def test_the_municipality_sees_its_rank_only_once_the_national_decision_is_taken(cast, cycle, field):
    cycle.phase = CyclePhase.COMMITTEE_RANKING
    cycle.save()

    officer = english(cast.editor_a).get(reverse("scoring:application-scores", args=[field[0].pk]))
    committee = english(cast.admin).get(reverse("scoring:application-scores", args=[field[0].pk]))

    assert "Rank by the submitted score" not in officer.text
    assert "Rank by the submitted score" in committee.text


def test_an_amendment_rescored_alone_re_ranks_its_whole_group(cycle, field):
    before = stored_ranks(cycle)
    last = next(pk for pk, rank in before.items() if rank == 5)
    application = Application.objects.get(pk=last)
    numbers = IndicatorValue.objects.filter(application=application).exclude(number=None).select_related("indicator")
    for value in numbers:  # the best value of each range
        indicator = value.indicator
        value.number = indicator.max_value if indicator.direction == "higher_better" else indicator.min_value
        value.save()
    run = ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.APPLICATION, application=application, reason="test"
    )

    execute_run(run.pk)

    after = stored_ranks(cycle)
    assert after[last] < 5
    assert sorted(after.values()) == [1, 2, 3, 4, 5]
    # The rows of the others, from the earlier run, were re-ranked in place by this run.
    moved = [pk for pk in before if pk != last and after[pk] != before[pk]]
    assert moved
    standing = Standing.objects.get(cycle=cycle, kind=ScoreKind.SUBMITTED)
    assert (standing.run_id, standing.ranked, standing.unranked) == (run.pk, 5, 0)


def test_a_reopened_application_leaves_the_standing_and_the_others_close_up(cycle, field):
    before = stored_ranks(cycle)
    first = next(pk for pk, rank in before.items() if rank == 1)
    Application.objects.filter(pk=first).update(status=ApplicationStatus.DRAFT)
    run = ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.APPLICATION, application_id=first, reason="reopened"
    )

    execute_run(run.pk)

    after = stored_ranks(cycle)
    assert after[first] is None
    assert {pk: rank for pk, rank in after.items() if pk != first} == {
        pk: rank - 1 for pk, rank in before.items() if pk != first
    }


def test_the_verified_standing_ranks_only_fully_reviewed_applications(cast, cycle, field):
    reviewed = field[1]
    settled = {
        item.code: {"status": VerifiedStatus.SCORED, "points": Decimal(2)}
        if item.value_type == "rubric"
        else {"status": VerifiedStatus.VERIFIED}
        for item in applicable_indicators(reviewed).exclude(value_type="text")
    }
    for code, fields in settled.items():
        VerifiedValue.objects.create(
            application=reviewed, indicator=Indicator.objects.get(framework=cycle.framework, code=code), **fields
        )

    execute_run(request_cycle_rescore(cycle=cycle, reason="test", enqueue=False).pk)

    verified = stored_ranks(cycle, ScoreKind.VERIFIED)
    assert verified == {application.pk: (1 if application == reviewed else None) for application in field}
    response = english(cast.admin).get(reverse("reviews:board", kwargs={"code": cycle.code}), {"basis": "verified"})
    assert [row.application_id for row in response.context["rows"]] == [reviewed.pk]
    assert response.context["total_unranked"] == 4
    assert "Awaiting review:" in response.text


# ---- always fresh -------------------------------------------------------------------------------------------------


def reviewers_of(applications, count=2):
    reviewers = [UserFactory(role=Role.REVIEWER) for _ in range(count)]
    admin = UserFactory(admin=True)
    for application in applications:
        for reviewer in reviewers:
            ReviewerAssignment.objects.create(application=application, reviewer=reviewer, assigned_by=admin)
    return reviewers


def rubric(cycle, code="GOV-01"):
    return Indicator.objects.get(framework=cycle.framework, code=code)


def test_with_normalisation_one_reviewers_new_score_refreshes_every_application_they_scored(
    cycle, field, django_capture_on_commit_callbacks
):
    cycle.normalise_reviewers = True
    cycle.save()
    strict, lenient = reviewers_of(field)
    indicator = rubric(cycle)
    for index, application in enumerate(field):
        RubricScore.objects.create(application=application, indicator=indicator, reviewer=strict, points=index % 3)
        RubricScore.objects.create(application=application, indicator=indicator, reviewer=lenient, points=4)
    execute_run(refresh_verified_values(application=field[0], by=strict, reason="test").pk)
    before = dict(VerifiedValue.objects.filter(indicator=indicator).values_list("application_id", "points"))

    with django_capture_on_commit_callbacks() as callbacks:
        score_rubric(application=field[4], indicator=indicator, reviewer=lenient, points=0)

    after = dict(VerifiedValue.objects.filter(indicator=indicator).values_list("application_id", "points"))
    (run,) = ScoreRun.objects.filter(reason="rubric score GOV-01")
    changed = {pk for pk in after if after[pk] != before[pk]}
    # The lenient reviewer's mean and spread moved: every application they scored has new normalised points, not
    # only the one just scored, and one cycle rescore covers them all.
    assert changed - {field[4].pk}
    assert (run.scope, run.created_by, len(callbacks)) == (RunScope.CYCLE, lenient, 1)


def test_without_normalisation_a_rubric_score_refreshes_only_its_application(cycle, field):
    reviewer, _other = reviewers_of(field[:2])
    indicator = rubric(cycle)

    score_rubric(application=field[0], indicator=indicator, reviewer=reviewer, points=3)

    run = ScoreRun.objects.get(reason="rubric score GOV-01")
    assert (run.scope, run.application_id, run.created_by) == (RunScope.APPLICATION, field[0].pk, reviewer)
    assert list(VerifiedValue.objects.values_list("application_id", "status", "points")) == [
        (field[0].pk, VerifiedStatus.SCORED, Decimal("3.000"))
    ]


def test_every_reviewer_abstaining_flags_the_item_on_the_board_and_never_scores_it_0(cast, cycle, field):
    first, second = reviewers_of(field[:1])
    indicator = rubric(cycle)

    score_rubric(application=field[0], indicator=indicator, reviewer=first, points=None)
    score_rubric(application=field[0], indicator=indicator, reviewer=second, points=None)
    execute_run(request_cycle_rescore(cycle=cycle, reason="test", enqueue=False).pk)

    verified = ApplicationScore.objects.get(application=field[0], kind=ScoreKind.VERIFIED, is_current=True)
    item = next(item for item in verified.indicators if item["code"] == "GOV-01")
    assert (item["points"], item["pending"], verified.needs_reviewer) == (None, "abstained", 1)
    board = english(cast.admin).get(reverse("reviews:board", kwargs={"code": cycle.code}))
    row = next(row for row in board.context["rows"] if row.application_id == field[0].pk)
    assert row.needs_reviewer == 1
    assert 'data-testid="needs-reviewer"' in board.text


def test_an_abstention_is_left_out_of_the_mean(cycle, field):
    first, second = reviewers_of(field[:1])
    indicator = rubric(cycle)

    score_rubric(application=field[0], indicator=indicator, reviewer=first, points=None)
    score_rubric(application=field[0], indicator=indicator, reviewer=second, points=3)

    assert list(VerifiedValue.objects.values_list("status", "points")) == [(VerifiedStatus.SCORED, Decimal("3.000"))]


def test_the_board_says_changes_are_waiting_while_a_newer_run_is_queued_or_failed(cast, cycle, field):
    client = english(cast.admin)
    url = reverse("reviews:board", kwargs={"code": cycle.code})
    shown = Standing.objects.get(cycle=cycle, kind=ScoreKind.SUBMITTED).run

    fresh = client.get(url)
    queued = request_cycle_rescore(cycle=cycle, reason="test")
    waiting = client.get(url)
    ScoreRun.objects.filter(pk=queued.pk).update(status=RunStatus.FAILED, error="boom")
    failed = client.get(url)

    assert f"Standing of score run {shown.pk}" in fresh.text
    assert (fresh.context["note"].waiting, fresh.context["note"].failed) == (False, False)
    assert (waiting.context["note"].waiting, 'data-testid="board-waiting"' in waiting.text) == (True, True)
    assert (failed.context["note"].failed, 'data-testid="board-failed"' in failed.text) == (True, True)


# ---- settings that change scores -----------------------------------------------------------------------------------


def test_a_tier_change_goes_through_the_service_queues_a_rescore_and_the_board_follows(
    cast, cycle, field, django_capture_on_commit_callbacks
):
    tiers = [
        {"min_score": "40", "code": "gold", "label_th": "ระดับทอง", "label_en": "Gold"},
        {"min_score": "0", "code": "none", "label_th": "ไม่ถึงเกณฑ์", "label_en": "No tier"},
    ]

    with django_capture_on_commit_callbacks() as callbacks:
        update_cycle_settings(cycle=cycle, changes={"tiers": tiers}, by=cast.admin, reason="มติที่ประชุม")

    run = ScoreRun.objects.get(reason="settings: tiers")
    assert (run.scope, run.created_by, run.status, len(callbacks)) == (RunScope.CYCLE, cast.admin, RunStatus.QUEUED, 1)
    waiting = english(cast.admin).get(reverse("reviews:board", kwargs={"code": cycle.code}))
    assert waiting.context["note"].waiting is True

    execute_run(run.pk)

    board = english(cast.admin).get(reverse("reviews:board", kwargs={"code": cycle.code}))
    stored = dict(
        ApplicationScore.objects.filter(cycle=cycle, kind=ScoreKind.SUBMITTED, is_current=True).values_list(
            "application_id", "tier"
        )
    )
    assert set(stored.values()) == {"gold", "none"}  # totals 45 and 37.5 … 25: one gold, the rest none
    assert (board.context["note"].run_id, board.context["note"].waiting) == (run.pk, False)
    assert board.text.count('class="tier tier-gold"') == 1


def test_new_size_bands_move_applications_and_the_standing_regroups_them(
    cast, cycle, field, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk__in=[application.pk for application in field]).update(population=120_000)
    small_band = small(cycle)
    bands = [
        SizeClassEdit(small_band.pk, SizeClassSpec("small", "เล็ก", "Small", 20_000, 100_000, "proposed")),
        SizeClassEdit(None, SizeClassSpec("medium", "กลาง", "Medium", 100_000, 750_000, "proposed")),
        *[
            SizeClassEdit(size.pk, SizeClassSpec(size.code, size.name_th, size.name_en, 750_000, None, size.source))
            for size in cycle.size_classes.exclude(pk=small_band.pk)
        ],
    ]

    with django_capture_on_commit_callbacks():
        update_size_classes(cycle=cycle, bands=bands, by=cast.admin)
    execute_run(ScoreRun.objects.get(reason="settings: size_classes").pk)

    medium = cycle.size_classes.get(code="medium")
    assert set(Application.objects.filter(cycle=cycle).values_list("size_class_id", flat=True)) == {medium.pk}
    assert list(Standing.objects.filter(cycle=cycle, kind=ScoreKind.SUBMITTED).values_list("group_key", "ranked")) == [
        (f"certificate|CA|{medium.pk}", 5)
    ]


def test_turning_normalisation_on_refreshes_the_verified_points_of_every_reviewed_application(
    cast, cycle, field, django_capture_on_commit_callbacks
):
    strict, lenient = reviewers_of(field)
    indicator = rubric(cycle)
    for index, application in enumerate(field):
        RubricScore.objects.create(application=application, indicator=indicator, reviewer=strict, points=index % 3)
        RubricScore.objects.create(application=application, indicator=indicator, reviewer=lenient, points=4)
    execute_run(refresh_verified_values(application=field[0], by=strict, reason="test").pk)
    before = dict(VerifiedValue.objects.filter(indicator=indicator).values_list("application_id", "points"))

    with django_capture_on_commit_callbacks():
        update_cycle_settings(cycle=cycle, changes={"normalise_reviewers": True}, by=cast.admin)

    after = dict(VerifiedValue.objects.filter(indicator=indicator).values_list("application_id", "points"))
    run = ScoreRun.objects.get(reason="settings: normalise_reviewers")
    assert after != before
    assert (run.scope, run.joined) == (RunScope.CYCLE, 1)  # the reviewers' refresh joined the settings' rescore
