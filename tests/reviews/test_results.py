"""Results publication, the public results page, open data and the ASEAN stage (outcomes and the English dossier)."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from indicators.selectors import results_are_published
from indicators.services import publish_results
from indicators.signals import results_published
from portal.notifications.enums import MailingStatus
from portal.notifications.models import Mailing
from reviews.enums import AseanOutcome as AseanOutcomeChoice
from reviews.enums import DecisionOutcome
from reviews.models import AseanOutcome
from reviews.services_export import write_export_zip
from reviews.services_results import record_asean_outcome
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import MunicipalityFactory
from tests.reviews.test_exports import decide_on, submitted

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BOM = b"\xef\xbb\xbf"


def move(cycle, phase):
    AwardCycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def cycle(db):
    # Every application is ranked, however few values it has.
    return make_cycle(
        code="esc-results",
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=timezone.now() + dt.timedelta(days=30),
        completeness_minimum=Decimal("0"),
    )


@pytest.fixture
def nominees(cast, cycle):
    """Yala nominated for the ESC Award, Hat Yai nominated for Clean Air, Songkhla submitted and not nominated."""
    yala = submitted(cycle, cast.municipality_a, track="esc_award", category="", values={"CA-05": "90"})
    hat_yai = submitted(cycle, cast.municipality_b, values={"CA-05": "80"})
    other = submitted(
        cycle,
        MunicipalityFactory(name_th="สงขลา", full_name_th="เทศบาลนครสงขลา", full_name_en="Songkhla City"),
        values={"CA-05": "70"},
    )
    decide_on([yala, hat_yai], cast.admin, outcome=DecisionOutcome.NOMINATED)
    execute_run(request_cycle_rescore(cycle=cycle, reason="test").pk)
    return {"yala": yala, "hat_yai": hat_yai, "other": other}


# ---------------------------------------------------------------------------------------------------------------
# publish_results
# ---------------------------------------------------------------------------------------------------------------


def test_publish_results_is_refused_before_the_national_decision(cast, cycle):
    move(cycle, CyclePhase.COMMITTEE_RANKING)

    with pytest.raises(ValidationError) as error:
        publish_results(cycle=cycle, by=cast.admin)

    assert error.value.code == "too_early"
    assert results_are_published(AwardCycle.objects.get(pk=cycle.pk)) is False


@pytest.mark.parametrize("phase", [CyclePhase.NATIONAL_DECISION, CyclePhase.ASEAN_SELECTION, CyclePhase.ARCHIVED])
def test_publish_results_publishes_once_and_announces_after_commit(
    cast, cycle, phase, django_capture_on_commit_callbacks
):
    move(cycle, phase)
    received = []

    def receiver(sender, cycle, **kwargs):
        received.append(cycle.pk)

    results_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish_results(cycle=cycle, by=cast.admin)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        results_published.disconnect(receiver)

    assert received == [cycle.pk]
    assert results_are_published(AwardCycle.objects.get(pk=cycle.pk)) is True
    with pytest.raises(ValidationError) as error:
        publish_results(cycle=cycle, by=cast.admin)
    assert error.value.code == "already_published"


def test_admin_publishes_from_the_cycle_page_after_confirming(client, cast, cycle):
    move(cycle, CyclePhase.NATIONAL_DECISION)
    client.force_login(cast.admin)

    confirm = client.get(reverse("indicators:cycle-publish", kwargs={"code": cycle.code}))
    response = client.post(reverse("indicators:cycle-publish", kwargs={"code": cycle.code}))

    assert confirm.status_code == 200
    assert 'data-testid="confirm-publish"' in confirm.content.decode()
    assert response.status_code == 302
    assert AwardCycle.objects.get(pk=cycle.pk).results_published_at is not None


# ---------------------------------------------------------------------------------------------------------------
# The ASEAN outcome
# ---------------------------------------------------------------------------------------------------------------


def test_record_asean_outcome_is_refused_outside_the_asean_stage(cast, cycle, nominees):
    move(cycle, CyclePhase.PACKETS_EXPORTED)

    with pytest.raises(ValidationError) as error:
        record_asean_outcome(application=nominees["yala"], outcome=AseanOutcomeChoice.AWARDED, note="", by=cast.admin)

    assert error.value.code == "not_asean_stage"
    assert AseanOutcome.objects.count() == 0


def test_record_asean_outcome_is_refused_for_an_application_that_is_not_a_nominee(cast, cycle, nominees):
    move(cycle, CyclePhase.ASEAN_SELECTION)

    with pytest.raises(ValidationError) as error:
        record_asean_outcome(application=nominees["other"], outcome=AseanOutcomeChoice.AWARDED, note="", by=cast.admin)

    assert error.value.code == "not_nominee"


def test_record_asean_outcome_records_then_corrects_one_row(cast, cycle, nominees):
    move(cycle, CyclePhase.ASEAN_CEREMONY)

    record_asean_outcome(application=nominees["yala"], outcome=AseanOutcomeChoice.CERTIFICATE, note="", by=cast.admin)
    record_asean_outcome(application=nominees["yala"], outcome=AseanOutcomeChoice.AWARDED, note=" ดี ", by=cast.admin)

    assert list(AseanOutcome.objects.values_list("application_id", "outcome", "note")) == [
        (nominees["yala"].pk, "awarded", "ดี")
    ]


def test_asean_outcomes_page_records_the_outcome_of_one_row(client, cast, cycle, nominees):
    move(cycle, CyclePhase.ASEAN_HANDOVER)
    client.force_login(cast.admin)
    url = reverse("reviews:asean-outcomes", kwargs={"code": cycle.code})
    prefix = f"a{nominees['hat_yai'].pk}"

    page = client.get(url)
    response = client.post(
        url,
        {f"{prefix}-application": nominees["hat_yai"].pk, f"{prefix}-outcome": "not_selected", f"{prefix}-note": ""},
    )

    assert page.content.decode().count('data-testid="record-asean"') == 2
    assert response.status_code == 302
    assert AseanOutcome.objects.get().outcome == "not_selected"


# ---------------------------------------------------------------------------------------------------------------
# The public results page and the open data
# ---------------------------------------------------------------------------------------------------------------


def published(cycle, cast, nominees):
    move(cycle, CyclePhase.ASEAN_SELECTION)
    record_asean_outcome(application=nominees["yala"], outcome=AseanOutcomeChoice.AWARDED, note="", by=cast.admin)
    return publish_results(cycle=cycle, by=cast.admin)


def test_results_of_an_unpublished_cycle_do_not_exist(client, cycle, nominees):
    move(cycle, CyclePhase.NATIONAL_DECISION)

    for name in ("reviews:results-cycle", "reviews:open-data-csv", "reviews:open-data-json"):
        assert client.get(reverse(name, kwargs={"code": cycle.code})).status_code == 404
    assert client.get(reverse("reviews:results-list")).context["cycles"].count() == 0


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", ["เทศบาลนครยะลา", "เทศบาลนครหาดใหญ่", "รางวัล ESC", "ยังไม่ได้บันทึกผลระดับอาเซียน"]),
        ("en", ["Yala City Municipality", "Hat Yai City Municipality", "ESC Award", "ASEAN outcome not yet recorded"]),
    ],
)
def test_results_page_shows_the_nominees_and_their_asean_outcome_in_each_language(
    client, cast, cycle, nominees, language, expected
):
    published(cycle, cast, nominees)
    client.cookies["django_language"] = language

    response = client.get(reverse("reviews:results-cycle", kwargs={"code": cycle.code}), HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 200
    assert [text in html for text in expected] == [True] * len(expected)
    assert html.count('data-testid="nominee-row"') == 2
    assert "สงขลา" not in html
    assert "Songkhla" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", ["ส่งมอบให้คณะทำงานอาเซียน</dt>", ">1 ธ.ค. 2569</dd>", "พิธีมอบรางวัลระดับรัฐมนตรี</dt>", ">28 ต.ค. 2570</dd>"]),
        (
            "en",
            [
                "Hand-over to the ASEAN working group</dt>",
                ">1 Dec 2026</dd>",
                "Ministers&#x27; award ceremony</dt>",
                ">28 Oct 2027</dd>",
            ],
        ),
    ],
)
def test_results_page_shows_the_asean_dates_in_the_readers_calendar(client, cast, cycle, nominees, language, expected):
    AwardCycle.objects.filter(pk=cycle.pk).update(
        asean_handover_on=dt.date(2026, 12, 1), asean_ceremony_on=dt.date(2027, 10, 28)
    )
    published(cycle, cast, nominees)
    client.cookies["django_language"] = language

    response = client.get(reverse("reviews:results-cycle", kwargs={"code": cycle.code}))

    html = response.content.decode()
    assert [text in html for text in expected] == [True] * len(expected)
    assert 'data-date="asean_selection_on"' not in html  # not set: not listed


@pytest.mark.parametrize("categories", [(), ("CW", "CL")])
def test_results_page_query_count_does_not_grow_with_nominees(client, cast, cycle, nominees, categories):
    for number, category in enumerate(categories):
        town = MunicipalityFactory(name_th=f"เมือง{number}", full_name_th=f"เทศบาลเมือง{number}")
        application = submitted(cycle, town, category=category, values={"CA-05": "60"})
        decide_on([application], cast.admin, outcome=DecisionOutcome.NOMINATED)
    published(cycle, cast, nominees)
    url = reverse("reviews:results-cycle", kwargs={"code": cycle.code})

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('data-testid="nominee-row"') == 2 + len(categories)
    assert len(queries) == 5


def test_open_data_csv_is_excel_readable_with_one_row_per_submitted_application(client, cast, cycle, nominees):
    published(cycle, cast, nominees)

    response = client.get(reverse("reviews:open-data-csv", kwargs={"code": cycle.code}))

    assert response.content.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted((row["municipality_code"], row["decision"], row["asean_outcome"]) for row in rows) == sorted(
        [
            (nominees["yala"].municipality.code, "nominated", "awarded"),
            (nominees["hat_yai"].municipality.code, "nominated", ""),
            (nominees["other"].municipality.code, "", ""),
        ]
    )
    assert list(rows[0])[:3] == ["cycle", "reference_year", "municipality_code"]
    assert "area_CA" in rows[0]


def test_open_data_json_carries_numbers_and_its_dictionary(client, cast, cycle, nominees):
    published(cycle, cast, nominees)

    document = json.loads(client.get(reverse("reviews:open-data-json", kwargs={"code": cycle.code})).content)

    yala = next(row for row in document["rows"] if row["municipality_code"] == nominees["yala"].municipality.code)
    assert isinstance(yala["total"], float)
    assert [column["name"] for column in document["columns"]] == list(document["rows"][0])
    total = next(column for column in document["columns"] if column["name"] == "total")
    assert (total["description_th"], total["description_en"]) == ("คะแนนรวม 0–100", "Total score, 0–100.")


def test_data_dictionary_csv_describes_each_column_in_both_languages(client, cast, cycle, nominees):
    published(cycle, cast, nominees)

    content = client.get(reverse("reviews:data-dictionary-csv", kwargs={"code": cycle.code})).content

    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert content.startswith(BOM)
    assert list(rows[0]) == ["name", "type", "description_th", "description_en"]
    assert all(row["description_th"] and row["description_en"] for row in rows)


# ---------------------------------------------------------------------------------------------------------------
# The API: /api/v1/cycles/<code>/results/ and /open-data/
# ---------------------------------------------------------------------------------------------------------------


def test_api_results_give_the_nominees_and_their_asean_outcome_as_the_results_page(client, cast, cycle, nominees):
    published(cycle, cast, nominees)

    response = client.get(reverse("api:cycle-results", kwargs={"code": cycle.code}))

    body = response.json()
    assert response.status_code == 200
    assert (body["cycle"], body["name_en"]) == (cycle.code, "Test cycle")
    assert [
        (row["municipality"], row["municipality_name_en"], row["track"], row["asean_outcome"])
        for row in body["national"]
    ] == [(cast.municipality_a.code, "Yala City Municipality", "esc_award", "awarded")]
    assert [(group["category"], group["name_en"]) for group in body["certificates"]] == [("CA", "Clean Air")]
    (hat_yai,) = body["certificates"][0]["nominees"]
    assert (hat_yai["municipality_name_th"], hat_yai["asean_outcome"]) == ("เทศบาลนครหาดใหญ่", "")
    assert hat_yai["score_basis"] in ("submitted", "verified")
    assert hat_yai["total"] is not None


def test_api_results_query_count_does_not_grow_with_nominees(client, cast, cycle, nominees):
    town = MunicipalityFactory(name_th="เมืองใหม่", full_name_th="เทศบาลเมืองใหม่")
    decide_on([submitted(cycle, town, category="CW", values={"CA-05": "60"})], cast.admin, outcome="nominated")
    published(cycle, cast, nominees)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:cycle-results", kwargs={"code": cycle.code}))

    assert len(response.json()["certificates"]) == 2
    assert len(queries) == 5  # as the results page: the cycle, its areas, decisions, applications and scores


def test_api_open_data_is_the_json_download(client, cast, cycle, nominees):
    published(cycle, cast, nominees)

    response = client.get(reverse("api:cycle-open-data", kwargs={"code": cycle.code}))
    download = client.get(reverse("reviews:open-data-json", kwargs={"code": cycle.code}))

    assert response.status_code == 200
    assert response.json() == json.loads(download.content)
    assert len(response.json()["rows"]) == 3


@pytest.mark.parametrize("name", ["api:cycle-results", "api:cycle-open-data"])
def test_api_results_of_an_unpublished_cycle_are_a_404_in_the_error_format(client, cycle, nominees, name):
    move(cycle, CyclePhase.NATIONAL_DECISION)

    response = client.get(reverse(name, kwargs={"code": cycle.code}), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert [error["code"] for error in response.json()["errors"]] == ["not_found"]


# ---------------------------------------------------------------------------------------------------------------
# The English dossier
# ---------------------------------------------------------------------------------------------------------------


def test_asean_dossier_holds_english_packets_of_the_nominees_a_summary_and_a_manifest(cast, cycle, nominees):
    move(cycle, CyclePhase.ASEAN_HANDOVER)
    buffer = io.BytesIO()

    write_export_zip(cycle, buffer, kind="asean_dossier")

    names = sorted(zipfile.ZipFile(buffer).namelist())
    archive = zipfile.ZipFile(buffer)
    packets = [name for name in names if name.startswith("packets/")]
    assert len(packets) == 2
    assert all(name.endswith("-en.pdf") for name in packets)
    assert {"summary.csv", "summary.pdf", "manifest.csv"} <= set(names)
    assert "rankings.xlsx" not in names
    assert archive.read("summary.pdf").startswith(b"%PDF")
    summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8-sig"))))
    assert sorted(row["Municipality"] for row in summary) == ["Hat Yai City Municipality", "Yala City Municipality"]
    assert {row["National decision"] for row in summary} == {"Nominated"}


@pytest.mark.parametrize(
    ("outcome", "css"),
    [("awarded", "text-bg-success"), ("certificate", "text-bg-info"), ("not_selected", "text-bg-secondary")],
)
def test_asean_outcome_include_shows_each_outcome_on_a_coloured_badge(outcome, css):
    # A bare Bootstrap badge is white text on no background: invisible (the first version of this include).
    html = render_to_string("reviews/_asean_outcome.html", {"outcome": AseanOutcome(outcome=outcome)})

    assert f'class="badge asean-outcome {css}"' in html


def test_publishing_holds_the_announcement_to_the_municipalities_in_the_outbox(
    cast, cycle, nominees, django_capture_on_commit_callbacks
):
    move(cycle, CyclePhase.NATIONAL_DECISION)

    with django_capture_on_commit_callbacks(execute=True):
        publish_results(cycle=cycle, by=cast.admin)

    mailing = Mailing.objects.get(event="results_published")
    recipients = set(mailing.mails.values_list("recipient", flat=True))
    assert mailing.status == MailingStatus.HELD
    assert {cast.editor_a.email, cast.editor_b.email} <= recipients
