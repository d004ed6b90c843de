import base64
import datetime as dt
import json
from decimal import Decimal

import cssselect2
import pytest
import tinyhtml5
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from kombu.transport.redis import Channel as RedisChannel

from applications.enums import ApplicationStatus
from applications.models import Application, IndicatorValue
from applications.services import save_value, start_application
from indicators.enums import CyclePhase
from indicators.models import Indicator, SizeClass
from portal.celery import app
from portal.models import Municipality
from scoring import engine
from scoring.enums import RunScope, RunStatus, ScoreKind
from scoring.models import ApplicationScore, ScoreRun, VerifiedValue
from scoring.selectors import engine_framework, submitted_values
from scoring.services import execute_run, request_application_score
from tests.factories.indicators import make_cycle
from tests.factories.portal import ProvinceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(db):
    return make_cycle(
        code="esc-t", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


@pytest.fixture
def broker():
    """The test queue on Redis, emptied before and after: the test reads which runs were sent to it."""
    app.control.purge()
    yield
    app.control.purge()


def queued_run_ids() -> list[int]:
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, RedisChannel)  # the test broker is Redis
        raw = channel.client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    messages = [json.loads(item) for item in raw]
    return [
        json.loads(base64.b64decode(message["body"]))[1]["run_id"]
        for message in messages
        if message["headers"]["task"] == "scoring.run_scores"
    ]


def logged_in(user, *, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def client_of(cast, name):
    user = cast.by_name(name)
    return Client() if user is None else logged_in(user)


def html(response):
    return cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(response.content.decode()))


def node(page, selector):
    found = page.query(selector)
    assert found is not None, f"{selector} not in the page"
    return found.etree_element


def texts(page, selector):
    return [" ".join("".join(found.etree_element.itertext()).split()) for found in page.query_all(selector)]


def explanation_lines(row):
    """The explanation cell of a score row: the submitted explanation, then the verified one when it differs."""
    cell = row.query("td.small").etree_element
    return [cell.text.strip(), *texts(row, "td.small span")]


def put(application, code, raw, by):
    return save_value(
        application=application,
        indicator=Indicator.objects.get(framework_id=application.cycle.framework_id, code=code),
        by=by,
        changes={"value": raw},
        expected_version=None,
    )


def scored(application):
    execute_run(request_application_score(application=application, reason="test").pk)


def submitted_applications(cycle, values, *, created_by):
    """Submitted ESC Award applications of the small size class, written in bulk: one per dict of values."""
    province = ProvinceFactory()
    start = Municipality.objects.count()
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            code=f"7{start + number:05d}",
            kind="town",
            name_th=f"เมือง{start + number:03d}",
            full_name_th=f"เทศบาลเมือง{start + number:03d}",
            name_en=f"Town {start + number}",
            province=province,
            population=45_000,
        )
        for number in range(len(values))
    )
    small = SizeClass.objects.get(cycle=cycle, code="small")
    applications = Application.objects.bulk_create(
        Application(
            cycle=cycle,
            municipality=municipality,
            track="esc_award",
            category_code="",
            size_class=small,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
            population=45_000,
            created_by=created_by,
        )
        for municipality in municipalities
    )
    indicators = {item.code: item for item in Indicator.objects.filter(framework_id=cycle.framework_id)}
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            application=application,
            indicator=indicators[code],
            level=value if indicators[code].value_type == "rubric" else None,
            number=None if indicators[code].value_type == "rubric" else Decimal(value),
        )
        for application, entries in zip(applications, values, strict=True)
        for code, value in entries.items()
    )
    return applications


# ---- an application's scores ------------------------------------------------------------------------------------


@pytest.fixture
def application_with_scores(cast, application):
    put(application, "CA-01", "85", cast.editor_a)
    put(application, "CA-02", "12", cast.editor_a)
    put(application, "CA-07", "3", cast.editor_a)
    scored(application)
    return application


def scores_url(application):
    return reverse("scoring:application-scores", args=[application.pk])


@pytest.mark.parametrize("user", ["editor_a", "signatory_a", "admin"])
def test_application_scores_show_the_submitted_total_and_await_review_before_any_verification(
    cast, application_with_scores, user
):
    client = client_of(cast, user)

    response = client.get(scores_url(application_with_scores))

    page = html(response)
    rubrics = Indicator.objects.filter(framework=application_with_scores.cycle.framework, value_type="rubric").count()
    assert response.status_code == 200
    # Right after submitting, nothing is verified: no "verified score" made of unreviewed items counted as zero.
    assert (texts(page, "[data-testid=submitted-total]"), texts(page, "[data-testid=verified-total]")) == (
        ["5.33"],
        ["—"],
    )
    assert texts(page, "[data-testid=verified-waiting]") == [f"awaiting review ({2 + rubrics} indicators)"]
    rows = {texts(row, "td")[0]: row for row in page.query_all("#application-scores tbody tr")}
    assert len(rows) == 34
    assert texts(rows["CA-02"], "td")[:3] == ["CA-02", "2", "awaiting review"]
    assert texts(rows["CA-07"], "td")[:3] == ["CA-07", "3", "awaiting review"]
    assert explanation_lines(rows["CA-07"]) == ["CA-07: level 3 → 3 points", "verified: CA-07: awaiting review"]


def test_application_scores_show_the_verified_total_once_every_indicator_is_settled(cast, application_with_scores):
    application = application_with_scores
    for item in Indicator.objects.filter(framework=application.cycle.framework).exclude(value_type="text"):
        fields = {"status": "scored", "points": Decimal(1)} if item.value_type == "rubric" else {"status": "verified"}
        VerifiedValue.objects.create(application=application, indicator=item, **fields)
    scored(application)
    client = logged_in(cast.editor_a)

    page = html(client.get(scores_url(application)))

    verified = ApplicationScore.objects.get(application=application, kind=ScoreKind.VERIFIED, is_current=True)
    assert verified.is_final is True
    assert texts(page, "[data-testid=verified-total]") == [str(verified.total)]
    assert texts(page, "[data-testid=verified-waiting]") == []


def test_application_scores_explain_in_thai_for_a_thai_page(cast, application_with_scores):
    client = logged_in(cast.editor_a, language="th")

    response = client.get(scores_url(application_with_scores))

    rows = {texts(row, "td")[0]: row for row in html(response).query_all("#application-scores tbody tr")}
    assert explanation_lines(rows["CA-02"]) == [
        "CA-02: 12 วัน ≤ 30 วัน → 2 คะแนน",
        "ยืนยันแล้ว: CA-02: รอผลการตรวจสอบของผู้ประเมิน",
    ]


def test_application_scores_before_any_run_say_so(cast, application):
    client = logged_in(cast.editor_a)

    response = client.get(scores_url(application))

    assert texts(html(response), "#application-scores p") == [
        "Scores appear here once the application is submitted and scored."
    ]


@pytest.mark.parametrize(("user", "status"), [("editor_b", 404), ("anonymous", 302)])
def test_application_scores_are_hidden_from_others(cast, application_with_scores, user, status):
    client = client_of(cast, user)

    response = client.get(scores_url(application_with_scores))

    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"{reverse('login')}?next={scores_url(application_with_scores)}"


# ---- the estimate while a draft is filled in --------------------------------------------------------------------


def estimate_url(application):
    return reverse("scoring:estimate", args=[application.pk])


def engine_total(application):
    framework = engine_framework(application.cycle.framework, application.cycle)
    values = submitted_values([application.pk]).get(application.pk, {})
    return engine.score_application(framework, values, track=application.track).total


def test_estimate_gives_the_engine_total_and_what_would_raise_it(cast, application):
    put(application, "CA-01", "85", cast.editor_a)
    put(application, "CA-02", "12", cast.editor_a)
    put(application, "CA-07", "3", cast.editor_a)
    client = logged_in(cast.editor_a)

    response = client.get(estimate_url(application), headers={"HX-Request": "true"})

    page = html(response)
    assert response.status_code == 200
    assert engine_total(application) == Decimal("5.33")
    assert texts(page, "[data-testid=estimate-total]") == ["5.33"]
    assert texts(page, "#estimate details li") == [
        "CA-01: ≥ 90 % → 4 points",
        "CA-02: ≤ 7 days → 3 points",
        "CA-07: level 4 → 4 points",
    ]
    assert texts(page, "#estimate p.small.mb-0") == ["31 indicators without a value score 0."]


def test_estimate_follows_a_saved_value(cast, application):
    put(application, "CA-02", "12", cast.editor_a)
    client = logged_in(cast.editor_a)
    before = texts(html(client.get(estimate_url(application))), "[data-testid=estimate-total]")

    saved = client.post(
        reverse("applications:value-save", args=[application.pk, "CA-02"]),
        {"value": "5", "version": "1"},
        headers={"HX-Request": "true"},
    )
    after = html(client.get(estimate_url(application)))

    assert saved.status_code == 200
    assert saved["HX-Trigger"] == "value-saved"
    # CA-02: 12 days → 2 points (CA 5.00, total 1.33); 5 days → 3 points (CA 7.50, total 2.00).
    assert (before, texts(after, "[data-testid=estimate-total]")) == (["1.33"], ["2.00"])
    assert texts(after, "#estimate details li") == ["CA-02: ≤ 0 days → 4 points"]


@pytest.mark.parametrize(("user", "status"), [("editor_b", 404), ("anonymous", 302)])
def test_estimate_is_hidden_from_others(cast, application, user, status):
    client = client_of(cast, user)

    response = client.get(estimate_url(application))

    assert response.status_code == status


# ---- rankings: the former page leads to the ranking board -------------------------------------------------------


def ranking_url(cycle):
    return reverse("scoring:ranking", args=[cycle.code])


@pytest.mark.parametrize("user", ["admin", "reviewer"])
def test_former_ranking_page_leads_to_the_ranking_board(cast, cycle, user):
    client = client_of(cast, user)

    response = client.get(ranking_url(cycle))

    assert (response.status_code, response["Location"]) == (301, reverse("reviews:board", args=[cycle.code]))


@pytest.mark.parametrize(("user", "status"), [("editor_a", 403), ("signatory_a", 403), ("anonymous", 302)])
def test_ranking_is_refused_to_officers(cast, cycle, user, status):
    client = client_of(cast, user)

    response = client.get(ranking_url(cycle))

    assert response.status_code == status


# ---- score runs and their progress ------------------------------------------------------------------------------


def runs_url(cycle):
    return reverse("scoring:runs", args=[cycle.code])


def progress_url(run):
    return reverse("scoring:run-progress", args=[run.pk])


def a_run(cycle, **fields):
    return ScoreRun.objects.create(
        cycle=cycle, framework=cycle.framework, scope=RunScope.CYCLE, reason="manual", **fields
    )


def test_runs_page_shows_each_run_with_a_progress_bar(cast, cycle):
    running = a_run(cycle, status=RunStatus.RUNNING, done=40, total=80)
    client = logged_in(cast.admin)

    response = client.get(runs_url(cycle))

    page = html(response)
    bar = node(page, f"#run-{running.pk} [role=progressbar]")
    assert response.status_code == 200
    assert (bar.get("aria-valuenow"), bar.get("aria-valuemin"), bar.get("aria-valuemax")) == ("50", "0", "100")
    assert node(page, f"#run-{running.pk} .progress-bar").get("data-percent") == "50"
    assert texts(page, f"#run-{running.pk} .d-flex span") == ["Running · 40 / 80", "50%"]


def test_run_progress_polls_while_the_run_is_running(cast, cycle):
    run = a_run(cycle, status=RunStatus.RUNNING, done=100, total=400)
    client = logged_in(cast.admin)

    response = client.get(progress_url(run), headers={"HX-Request": "true"})

    element = node(html(response), f"#run-{run.pk}")
    assert (element.get("hx-get"), element.get("hx-trigger"), element.get("hx-swap")) == (
        progress_url(run),
        "every 1s",
        "outerHTML",
    )
    assert texts(html(response), f"#run-{run.pk} .d-flex span") == ["Running · 100 / 400", "25%"]


def test_run_progress_stops_polling_when_the_run_is_done(cast, cycle):
    run = a_run(cycle, status=RunStatus.DONE, done=400, total=400)
    client = logged_in(cast.admin)

    response = client.get(progress_url(run), headers={"HX-Request": "true"})

    element = node(html(response), f"#run-{run.pk}")
    assert (element.get("hx-get"), element.get("hx-trigger")) == (None, None)
    assert texts(html(response), f"#run-{run.pk} .d-flex span") == ["Done · 400 / 400", "100%"]


def test_runs_page_post_queues_a_cycle_rescore(cast, cycle, broker, django_capture_on_commit_callbacks):
    submitted_applications(cycle, [{"CA-02": 3}, {"CA-02": 50}], created_by=cast.admin)
    client = logged_in(cast.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(runs_url(cycle))

    run = ScoreRun.objects.get()
    assert (response.status_code, response["Location"]) == (302, runs_url(cycle))
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Rescoring queued: 2 applications."]
    assert (run.scope, run.reason, run.status, run.total, run.created_by) == (
        RunScope.CYCLE,
        "manual",
        RunStatus.QUEUED,
        2,
        cast.admin,
    )
    assert queued_run_ids() == [run.pk]


@pytest.mark.parametrize(("user", "status"), [("reviewer", 403), ("editor_a", 403), ("anonymous", 302)])
def test_runs_page_and_its_post_are_for_admins_only(cast, cycle, user, status):
    run = a_run(cycle, status=RunStatus.RUNNING, done=0, total=10)
    client = client_of(cast, user)

    responses = [client.get(runs_url(cycle)), client.post(runs_url(cycle)), client.get(progress_url(run))]

    assert [response.status_code for response in responses] == [status, status, status]
    assert ScoreRun.objects.count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_runs_page_query_count_does_not_grow_with_the_runs(cast, cycle, application, django_assert_num_queries, count):
    for _number in range(count):
        a_run(cycle, status=RunStatus.DONE, created_by=cast.admin)
    client = logged_in(cast.admin)

    with django_assert_num_queries(8):  # the header's unread notifications count is one of them
        response = client.get(runs_url(cycle))

    assert len(list(html(response).query_all("[role=progressbar]"))) == count
