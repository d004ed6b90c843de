"""The municipality's feedback report: its scores against the median and the best of its size class (worked out by
hand below), where it lost points and what the next level needs, as a page and a PDF in both languages, for its
officers and admins once the cycle's results are published."""

import io
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import IndicatorValue, ReviewerAssignment
from indicators.models import Indicator, SizeClass
from scoring.feedback import feedback_report, next_level, render_feedback_html, render_feedback_pdf
from scoring.selectors import feedback_available
from tests.factories.indicators import make_cycle
from tests.factories.scoring import score_run, scored_application

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def cycle():
    cycle = make_cycle(code="esc-feedback")
    cycle.results_published_at = timezone.now()
    cycle.save()
    return cycle


@pytest.fixture
def yala(cast, cycle):
    """Yala and three other small cities of the ESC Award track, scored with chosen figures.

    CA scores 60, 20, 80, 45 → sorted 20 45 60 80 → median (45 + 60) / 2 = 52.5, best 80.
    CW scores 70, 90, 30 (the fourth none) → sorted 30 70 90 → median 70, best 90.
    CA-01 points 2, 4, 1, 3 → median (2 + 3) / 2 = 2.5, best 4. CA-02 points 4, 0, 4, 4 → median 4, best 4.
    """
    run = score_run(cycle)
    small = SizeClass.objects.filter(cycle=cycle).order_by("min_population").first()
    figures = [
        ({"CA": 60, "CW": 70}, {"CA-01": 2, "CA-02": 4, "CW-01": None}),
        ({"CA": 20, "CW": 90}, {"CA-01": 4, "CA-02": 0, "CW-01": 3}),
        ({"CA": 80, "CW": 30}, {"CA-01": 1, "CA-02": 4, "CW-01": 2}),
        ({"CA": 45, "CW": None}, {"CA-01": 3, "CA-02": 4, "CW-01": 1}),
    ]
    applications = [
        scored_application(
            cycle, run, small, areas=areas, points=points, municipality=cast.municipality_a if index == 0 else None
        )
        for index, (areas, points) in enumerate(figures)
    ]
    application = applications[0]
    for code, number in (("CA-01", "75"), ("CA-02", "12")):
        indicator = Indicator.objects.get(framework=cycle.framework, code=code)
        IndicatorValue.objects.create(application=application, indicator=indicator, number=Decimal(number))
    return application


def test_feedback_report_medians_and_bests_match_hand_computed(yala):
    report = feedback_report(yala, language="en")

    areas = {area.code: (area.score, area.median, area.best, area.count) for area in report.areas}
    assert areas["CA"] == (Decimal(60), Decimal("52.50"), Decimal("80.00"), 4)
    assert areas["CW"] == (Decimal(70), Decimal("70.00"), Decimal("90.00"), 3)
    rows = {row.code: row for table in report.tables for row in table.rows}
    assert (rows["CA-01"].points, rows["CA-01"].median, rows["CA-01"].best) == (
        Decimal(2),
        Decimal("2.50"),
        Decimal("4.00"),
    )
    assert (rows["CA-02"].median, rows["CA-02"].best) == (Decimal("4.00"), Decimal("4.00"))
    assert report.compared == 4


def test_feedback_report_lists_the_largest_gaps_first_with_the_next_level(yala):
    report = feedback_report(yala, language="en")

    gaps = [row.gap for row in report.lost]
    rows = {row.code: row for table in report.tables for row in table.rows}
    assert gaps == sorted(gaps, reverse=True)
    assert len(report.lost) == 8
    assert report.lost[0].gap == Decimal(4)
    assert "CA-02" not in {row.code for row in report.lost}  # full points: nothing lost
    assert (rows["CA-01"].value, rows["CA-01"].gap) == ("75 %", Decimal(2))
    assert rows["CA-01"].next_level == "To score 3 of 4: 80 to less than 90 %"
    assert rows["CA-02"].next_level == ""


def test_next_level_is_described_from_the_rule_in_thai_and_english(yala):
    indicator = Indicator.objects.get(framework=yala.cycle.framework, code="CA-01")

    assert next_level(indicator, Decimal(2), answered=True, language="en") == "To score 3 of 4: 80 to less than 90 %"
    assert next_level(indicator, Decimal(2), answered=True, language="th") == "ได้ 3 จาก 4 คะแนน เมื่อ 80 – < 90 %"
    assert next_level(indicator, Decimal(4), answered=True, language="en") == ""
    assert next_level(indicator, None, answered=False, language="en") == (
        "No value was submitted. Full points (4) need: at least 90 %"
    )


def test_feedback_is_available_only_once_results_are_published(yala):
    assert feedback_available(yala) is True

    yala.cycle.results_published_at = None
    yala.cycle.save()
    yala.refresh_from_db()

    assert feedback_available(yala) is False


def test_feedback_page_shows_the_report_to_the_municipality_in_a_constant_number_of_queries(
    client, cast, yala, django_assert_num_queries
):
    client.force_login(cast.editor_a)

    with django_assert_num_queries(14):
        response = client.get(reverse("scoring:feedback", kwargs={"pk": yala.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="lost-') == 8
    assert '<td class="values median num text-end">52.50</td>' in html
    assert reverse("scoring:feedback-pdf", kwargs={"pk": yala.pk, "language": "en"}) in html


@pytest.mark.parametrize(("role", "status"), [("editor_b", 404), ("reviewer", 403), ("admin", 200)])
def test_feedback_page_for_others(client, cast, yala, role, status):
    ReviewerAssignment.objects.create(application=yala, reviewer=cast.reviewer, assigned_by=cast.admin)
    client.force_login(cast.by_name(role))

    response = client.get(reverse("scoring:feedback", kwargs={"pk": yala.pk}))

    assert response.status_code == status


def test_feedback_page_is_404_before_results_are_published(client, cast, yala):
    yala.cycle.results_published_at = None
    yala.cycle.save()
    client.force_login(cast.editor_a)

    response = client.get(reverse("scoring:feedback", kwargs={"pk": yala.pk}))

    assert response.status_code == 404


def normalised(text: str) -> str:
    """Thai text extracted from a PDF loses marks (น้ำ → น้า): compare without them."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").replace(
        "\u0e33", "\u0e32"
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("th", ["รายงานผลสะท้อนกลับ", "ค่ากลาง", "เทศบาลนครยะลา", "ไม่ได้ยื่นค่า คะแนนเต็ม (4)"]),
        ("en", ["Feedback report", "Median", "Yala City Municipality", "No value was submitted. Full points (4)"]),
    ],
)
def test_feedback_pdf_has_the_text_in_its_language(client, cast, yala, language, words):
    client.force_login(cast.signatory_a)

    response = client.get(reverse("scoring:feedback-pdf", kwargs={"pk": yala.pk, "language": language}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = normalised("".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    flat = text.replace("\n", " ")
    for word in words:
        assert normalised(word) in flat


def test_english_feedback_html_has_no_thai(yala):
    html = render_feedback_html(yala, language="en")

    assert "เทศบาล" not in html
    assert '<html lang="en">' in html


def test_feedback_pdf_embeds_sarabun(yala):
    document = render_feedback_pdf(yala, language="th")

    fonts = set()
    for page in PdfReader(io.BytesIO(document)).pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert "Sarabun" in fonts
