import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from applications.models import IndicatorValue
from applications.selectors import applications_visible_to
from applications.selectors_submission import receipt_digest
from applications.services import save_value, start_application, submit_application
from applications.services_clarifications import answer_clarification
from applications.services_evidence import upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from portal import pdf
from portal.enums import Role
from portal.models import User
from reviews.enums import DecisionOutcome, DecisionRound, VerificationStatus
from reviews.packets import packet_context, packet_filename, render_packet_html, render_packet_pdf
from reviews.services import record_site_visit, review_value, score_rubric
from reviews.services_assignments import assign_reviewers
from reviews.services_clarifications import ask_clarification
from reviews.services_decisions import decide
from scoring.services import execute_run, request_cycle_rescore
from tests.factories.indicators import make_cycle
from tests.factories.portal import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
TODAY = dt.datetime(2027, 5, 12, 10, 0, tzinfo=BANGKOK)  # 12 พ.ค. 2570
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECISION_NOTE = "ผ่านการตรวจประเมินเอกสาร ค่าฝุ่น PM2.5 ดีกว่าเกณฑ์"
RUBRIC_COMMENT = "แผนปฏิบัติการครบถ้วน แต่ยังไม่มีงบประมาณรองรับ"
QUESTION = "จำนวนวันที่เกินมาตรฐานนับจากสถานีใดบ้าง"
ANSWER = "นับจากสถานีของกรมควบคุมมลพิษและเครื่องวัดของเทศบาลรวม 3 จุด"
VISIT_NOTE = "ตรวจสถานีวัดคุณภาพอากาศ 2 แห่ง ข้อมูลตรงกับที่รายงาน"
# A real 1×1 PNG, to prove that an allowed image does reach the PDF.
PNG_DATA_URI = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY):
        yield


def indicator(cycle, code):
    return Indicator.objects.get(framework_id=cycle.framework_id, code=code)


@pytest.fixture
def application(cast):
    """Yala's certificate application (clean air): submitted, reviewed (a correction, a verification, rubric
    points), scored and shortlisted with a note, through the services."""
    cycle = make_cycle(
        code="esc-pkt", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + dt.timedelta(days=30)
    )
    municipality = cast.municipality_a
    signatory = cast.signatory_a
    application = start_application(
        cycle=cycle, municipality=municipality, track="certificate", category_code="CA", by=cast.editor_a
    )
    values = {
        "CA-01": {"value": "85.5", "period": "ปีงบประมาณ 2569", "source": "กรมควบคุมมลพิษ"},
        "CA-02": {"value": "12", "period": "ปีงบประมาณ 2569"},
        "CA-07": {"value": "2", "text": "มีคำสั่งแต่งตั้งคณะทำงานและแผนปฏิบัติการประจำปี"},
    }
    for code, changes in values.items():
        save_value(
            application=application,
            indicator=indicator(cycle, code),
            by=cast.editor_a,
            changes=changes,
            expected_version=None,
        )
    for code in ("CA-01", "CA-02", "CA-07"):
        upload_evidence(
            application=application,
            indicator=indicator(cycle, code),
            file=SimpleUploadedFile(f"รายงาน {code}.pdf", EVIDENCE_PDF + code.encode()),
            by=cast.editor_a,
        )
    application = submit_application(
        application=application, by=signatory, confirmed_digest=receipt_digest(application)
    )
    cycle.phase = CyclePhase.DESK_REVIEW
    cycle.save()
    assign_reviewers(application=application, reviewers=[cast.reviewer], by=cast.admin)
    review_value(
        application=application,
        indicator=indicator(cycle, "CA-01"),
        reviewer=cast.reviewer,
        status=VerificationStatus.CORRECTED,
        corrected="80",
        reason="สถานีหนึ่งแห่งอยู่นอกเขตเทศบาล",
    )
    review_value(
        application=application,
        indicator=indicator(cycle, "CA-02"),
        reviewer=cast.reviewer,
        status=VerificationStatus.VERIFIED,
    )
    score_rubric(
        application=application,
        indicator=indicator(cycle, "CA-07"),
        reviewer=cast.reviewer,
        points=3,
        comment=RUBRIC_COMMENT,
    )
    question = ask_clarification(
        application=application, indicator=indicator(cycle, "CA-02"), question=QUESTION, by=cast.reviewer
    )
    answer_clarification(request=question, answer=ANSWER, by=signatory)
    record_site_visit(
        application=application, reviewer=cast.reviewer, visited_on=dt.date(2027, 5, 3), notes=VISIT_NOTE, photos=[]
    )
    execute_run(request_cycle_rescore(cycle=cycle, reason="test").pk)
    application.refresh_from_db()
    decide(
        applications=[application],
        round=DecisionRound.DESK_REVIEW,
        outcome=DecisionOutcome.SHORTLISTED,
        note=DECISION_NOTE,
        by=cast.admin,
    )
    application.refresh_from_db()
    return application


def base_fonts(document: bytes) -> set[str]:
    """The /BaseFont names of every font on every page (subset prefixes such as "ABCDEF+" removed)."""
    names = set()
    for page in PdfReader(io.BytesIO(document)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def image_count(document: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(document)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        objects = resources.get("/XObject", {})
        count += sum(1 for item in objects.values() if item.get_object().get("/Subtype") == "/Image")
    return count


@pytest.fixture
def fetched(monkeypatch) -> list[tuple[str, str]]:
    """Every URL the PDF adapter's fetcher is asked for, with what it did: "served" or the exception it raised.

    Wraps the real fetcher (it still decides); nothing is mocked."""
    outcomes: list[tuple[str, str]] = []
    fetcher_class = pdf._fetcher_class()
    original = fetcher_class.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except Exception as error:
            outcomes.append((url, type(error).__name__))
            raise
        outcomes.append((url, "served"))
        return response

    monkeypatch.setattr(fetcher_class, "fetch", spy)
    return outcomes


def page_html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def static_root():
    return pdf.static_roots()[0]


# ---------------------------------------------------------------------------------------------------------------
# The adapter: nothing outside static/ (or a data: URI) is ever loaded
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "ftp://example.com/logo.png",
        "file://fileserver/share/logo.png",
        "FILE:///etc/hosts",
        "//example.com/logo.png",
    ],
)
def test_fetcher_refuses_urls_outside_static(url):
    with pytest.raises(pdf.ResourceRefusedError):
        pdf.allowed_url(url)


def test_fetcher_refuses_dot_dot_escapes_and_missing_files():
    root = static_root()

    with pytest.raises(pdf.ResourceRefusedError):
        pdf.allowed_url(f"{root.as_uri()}/../pyproject.toml")
    with pytest.raises(pdf.ResourceRefusedError):
        pdf.allowed_url(f"{root.as_uri()}/pdf/%2E%2E/%2E%2E/pyproject.toml")
    with pytest.raises(pdf.ResourceRefusedError):
        pdf.allowed_url(f"{root.as_uri()}/pdf/not-there.css")
    with pytest.raises(pdf.ResourceRefusedError):
        pdf.static_file("../pyproject.toml")


def test_fetcher_allows_static_files_and_data_uris():
    font = static_root() / "fonts" / "sarabun-ttf" / "Sarabun-Regular.ttf"

    assert pdf.allowed_url(f"{static_root().as_uri()}/pdf/../fonts/sarabun-ttf/Sarabun-Regular.ttf") == font.as_uri()
    assert pdf.allowed_url(PNG_DATA_URI) == PNG_DATA_URI


def test_html_to_pdf_leaves_out_images_from_outside_static(fetched):
    escape = f"{static_root().as_uri()}/../pyproject.toml"
    html = page_html(
        '<p>ภาพ</p><img src="file:///etc/passwd"><img src="https://example.com/logo.png">'
        f'<img src="{escape}"><img src="../pyproject.toml">'
    )

    document = pdf.html_to_pdf(html)

    assert document.startswith(b"%PDF")
    assert image_count(document) == 0
    assert fetched == [
        ("file:///etc/passwd", "ResourceRefusedError"),
        ("https://example.com/logo.png", "ResourceRefusedError"),
        (escape, "ResourceRefusedError"),
        ((static_root().parent / "pyproject.toml").as_uri(), "ResourceRefusedError"),  # relative to static/
    ]


def test_html_to_pdf_embeds_an_allowed_image(fetched):
    document = pdf.html_to_pdf(page_html(f'<img src="{PNG_DATA_URI}">'))

    assert image_count(document) == 1
    assert fetched == [(PNG_DATA_URI, "served")]


def test_html_to_pdf_refuses_imported_stylesheets_from_outside_static(fetched):
    head = (
        "<style>@import url('file:///etc/passwd'); @import url('https://example.com/x.css');</style>"
        "<link rel='stylesheet' href='file:///etc/hosts'>"
    )

    document = pdf.html_to_pdf(page_html("<p>ข้อความ</p>", head))

    assert document.startswith(b"%PDF")
    assert sorted(fetched) == [
        ("file:///etc/hosts", "ResourceRefusedError"),
        ("file:///etc/passwd", "ResourceRefusedError"),
        ("https://example.com/x.css", "ResourceRefusedError"),
    ]


def test_html_to_pdf_refuses_a_stylesheet_name_leading_out_of_static():
    with pytest.raises(pdf.ResourceRefusedError):
        pdf.html_to_pdf(page_html("<p>x</p>"), stylesheets=["../pyproject.toml"])


def test_html_to_pdf_loads_fonts_only_from_static(fetched):
    document = pdf.html_to_pdf(page_html("<p>เทศบาลนครยะลา</p>"), stylesheets=["pdf/packet.css"])

    fonts_dir = static_root() / "fonts" / "sarabun-ttf"
    assert {url for url, outcome in fetched if outcome == "served"} == {
        (fonts_dir / name).as_uri() for name in ("Sarabun-Regular.ttf", "Sarabun-SemiBold.ttf")
    }
    assert "Sarabun" in base_fonts(document)


# ---------------------------------------------------------------------------------------------------------------
# The packet's HTML (what WeasyPrint is given): Thai and English
# ---------------------------------------------------------------------------------------------------------------


def test_thai_packet_html_has_the_names_explanations_dates_and_decision(application):
    html = render_packet_html(application, language="th")

    assert '<html lang="th">' in html
    assert "เทศบาลนครยะลา" in html
    for code in ("CA-01", "CA-02", "CA-07"):
        assert indicator(application.cycle, code).name_th in html
    assert "CA-02: 12 วัน ≤ 30 วัน → 2 คะแนน" in html
    assert "12 พ.ค. 2570" in html  # Buddhist Era
    assert "12 May 2027" not in html
    assert DECISION_NOTE in html
    assert "สถานีหนึ่งแห่งอยู่นอกเขตเทศบาล" in html  # the correction's reason
    assert VISIT_NOTE in html
    assert "3 พ.ค. 2570" in html  # the site visit


def test_english_packet_html_has_english_names_and_gregorian_dates(application):
    html = render_packet_html(application, language="en")

    assert '<html lang="en">' in html
    assert "Yala" in html
    for code in ("CA-01", "CA-02", "CA-07"):
        assert indicator(application.cycle, code).name_en in html
    assert "CA-02: 12 days ≤ 30 days → 2 points" in html
    assert "12 May 2027" in html
    assert "3 May 2027" in html
    assert "2570" not in html
    assert "CA-02: 12 วัน" not in html


def test_packet_states_the_common_period_once_and_a_differing_one_on_its_line(application):
    IndicatorValue.objects.filter(application=application, indicator__code="CA-02").update(period="ปีปฏิทิน 2568")
    IndicatorValue.objects.filter(application=application, indicator__code="CA-07").update(period="ปีงบประมาณ 2569")

    html = render_packet_html(application, language="th")

    assert html.count("ปีงบประมาณ 2569") == 1  # in the note above the tables, not on CA-01's and CA-07's lines
    assert "เป็นข้อมูลของปีงบประมาณ 2569" in html
    ca02 = re.search(r"<tr><td class=\"code\">CA-02</td>.*?</tr>", html).group(0)
    assert "ปีปฏิทิน 2568" in ca02


def test_packet_html_has_no_source_indentation_but_keeps_spaces_between_words(application):
    html = render_packet_html(application, language="en")

    assert not re.search(r">\s*\n\s*<", html)
    assert '<span class="key key-verified"></span> Verified' in html  # a space inside a line stays


def test_packet_contents_link_every_section_and_area_to_its_page_number(application):
    html = render_packet_html(application, language="en")

    for anchor in ("profile", "summary", "areas", "indicators", "area-CA", "area-GOV", "evidence", "decisions"):
        assert f'<td class="page"><a href="#{anchor}"></a></td>' in html
        assert f'id="{anchor}"' in html


def test_packet_gives_each_evidence_hash_whole_in_two_lines(application):
    html = render_packet_html(application, language="th")

    for item in application.evidence.all():
        assert f'<td class="hash">{item.sha256[:32]}<br>{item.sha256[32:]}</td>' in html


def test_packet_context_shows_a_correction_beside_the_submitted_value(application):
    context = packet_context(application, language="en")

    rows = {row.code: row for table in context["indicator_tables"] for row in table.rows}
    assert (rows["CA-01"].value, rows["CA-01"].corrected, rows["CA-01"].status) == ("85.5 %", "80 %", "corrected")
    assert (rows["CA-02"].value, rows["CA-02"].status, rows["CA-02"].points) == ("12 days", "verified", "2")
    assert (rows["CA-07"].value, rows["CA-07"].points, rows["CA-07"].max_points) == ("Level 2", "3", 4)
    assert (rows["CA-07"].status, rows["CA-07"].status_label) == ("scored", "Scored by the reviewers")
    assert (rows["CA-08"].status, rows["CA-08"].status_label) == ("unscored", "Not scored yet")
    assert rows["CA-03"].status_label == "Not reviewed"
    assert [row.code for row in context["corrections"]] == ["CA-01"]


def test_packet_context_has_scores_ranks_areas_and_evidence(application):
    context = packet_context(application, language="en")

    assert [(line.kind, line.rank, line.ranked_count) for line in context["scores"]] == [
        ("verified", None, 0),  # 3 of 10 clean-air indicators answered: below the completeness minimum
        ("submitted", None, 0),
    ]
    assert [area.code for area in context["areas"]] == ["CA", "GOV"]
    assert [(item.code, item.file_type) for item in context["evidence"]] == [
        ("CA-01", "PDF"),
        ("CA-02", "PDF"),
        ("CA-07", "PDF"),
    ]
    assert all(len(item.sha256) == 64 for item in context["evidence"])
    assert [(line.code, line.count, str(line.mean)) for line in context["rubric"]] == [("CA-07", 1, "3.00")]
    assert [decision.note for decision in context["decisions"]] == [DECISION_NOTE]


def test_packet_context_ranks_a_complete_application_in_its_group(application):
    application.cycle.completeness_minimum = 0
    application.cycle.save()
    execute_run(request_cycle_rescore(cycle=application.cycle, reason="test").pk)

    context = packet_context(application, language="th")

    # Not every indicator is settled by reviewers yet: the verified score is not shown as a total nor ranked.
    assert [(line.kind, line.final, line.rank, line.ranked_count) for line in context["scores"]] == [
        ("verified", False, None, 0),
        ("submitted", True, 1, 1),
    ]
    verified = next(line for line in context["scores"] if line.kind == "verified")
    html = render_packet_html(application, language="en")
    assert verified.pending > 0
    assert f"awaiting review ({verified.pending} indicators)" in html


def test_packet_html_reads_a_constant_number_of_queries(cast, application, django_assert_num_queries):
    fetched_application = applications_visible_to(cast.admin).get(pk=application.pk)

    with django_assert_num_queries(17):
        render_packet_html(fetched_application, language="th")


def test_packet_refuses_another_language(application):
    with pytest.raises(ValueError, match="Thai or English"):
        render_packet_html(application, language="fr")


def test_packet_filename_is_ascii(application):
    assert packet_filename(application, "th") == f"packet-{application.municipality.code}-certificate-CA-th.pdf"
    assert packet_filename(application, "en").isascii()


# ---------------------------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["th", "en"])
def test_packet_pdf_has_pages_and_embeds_sarabun(application, language):
    document = render_packet_pdf(application, language=language)

    reader = PdfReader(io.BytesIO(document))
    assert document.startswith(b"%PDF")
    assert len(reader.pages) > 1
    assert base_fonts(document) == {"Sarabun", "Sarabun-Semi-Bold"}  # no fallback font: every glyph is Sarabun
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=0.5)  # A4: 210 mm
    assert reader.pages[0].mediabox.height == pytest.approx(841.9, abs=0.5)  # 297 mm


# ---------------------------------------------------------------------------------------------------------------
# The view
# ---------------------------------------------------------------------------------------------------------------


def get_packet(user, application, language="th"):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("reviews:packet", args=[application.pk, language]))


def test_packet_view_serves_the_pdf_inline_to_admins(cast, application):
    response = get_packet(cast.admin, application, "en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="packet-{application.municipality.code}-certificate-CA-en.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_packet_view_serves_an_assigned_reviewer(cast, application):
    assert get_packet(cast.reviewer, application).status_code == 200


@pytest.mark.parametrize("name", ["editor_a", "signatory_a"])
def test_packet_view_refuses_the_municipalitys_own_officers(cast, application, name):
    assert get_packet(getattr(cast, name), application).status_code == 403


def test_packet_view_hides_the_application_from_another_municipality(cast, application):
    assert get_packet(cast.editor_b, application).status_code == 404


def test_packet_view_hides_the_application_from_a_reviewer_not_assigned(application):
    assert get_packet(UserFactory(role=Role.REVIEWER), application).status_code == 404


def test_packet_view_knows_only_thai_and_english(cast, application):
    assert get_packet(cast.admin, application, "fr").status_code == 404


def test_packet_view_sends_anonymous_visitors_to_log_in(application):
    response = get_packet(None, application)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


# ---------------------------------------------------------------------------------------------------------------
# The English packet holds no Thai but what people typed, and marks that as the original
# ---------------------------------------------------------------------------------------------------------------

THAI_CHARACTER = re.compile(r"[\u0e00-\u0e7f]")
THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
# Marks that text extraction drops or changes (น้ำ comes back as น้า): compare without them.
THAI_MARKS = dict.fromkeys(range(0x0E47, 0x0E4F)) | dict.fromkeys(range(0x0E34, 0x0E3B)) | {0x0E31: None}


def unmarked_thai(html: str) -> list[str]:
    """Thai text of the HTML that is not inside an element marked lang="th"."""
    outside = re.sub(r'<(span|div) class="original-text" lang="th">.*?</\1>', "", html, flags=re.S)
    outside = re.sub(r"<[^>]+>", " ", outside)
    return THAI_RUN.findall(outside)


def typed_texts(application) -> list[str]:
    """What the municipality and the reviewers typed into this application."""
    texts = [application.best_practice_th, application.national_certificate]
    for value in IndicatorValue.objects.filter(application=application):
        texts += [value.period, value.source, value.comment, value.text]
    texts += [review.reason for review in application.value_reviews.all()]
    texts += [item.name for item in application.evidence.all()]
    texts += [visit.notes for visit in application.site_visits.all()]
    texts += [decision.note for decision in application.decisions.all()]
    texts += [decision.decided_by.full_name for decision in application.decisions.all()]
    texts += [text for score in application.rubric_scores.all() for text in (score.comment, score.reviewer.full_name)]
    texts += [text for request in application.clarifications.all() for text in (request.question, request.answer)]
    return [text for text in texts if text]


def normalised(text: str) -> str:
    return text.translate(THAI_MARKS).replace("\u0e33", "\u0e32").replace("\u0e32", "")


def test_english_packet_html_marks_every_thai_text_as_typed_and_original(application):
    IndicatorValue.objects.filter(application=application, indicator__code="CA-07").update(period="สำรวจครึ่งปีแรก")

    html = render_packet_html(application, language="en")

    assert unmarked_thai(html) == []
    assert "เทศบาลนครยะลา" not in html  # the municipality is named in English only
    assert "fiscal year 2026" in html  # ปีงบประมาณ 2569, the common period
    assert "ปีงบประมาณ" not in html
    assert (
        '<span class="original-text" lang="th">สำรวจครึ่งปีแรก</span><span class="original-label">original text</span>'
        in html
    )
    assert html.count('class="original-text" lang="th"') >= 5  # comment, correction, evidence names, visit, decision


def test_thai_packet_html_has_no_original_text_marks(application):
    html = render_packet_html(application, language="th")

    assert "original-text" not in html
    assert "เทศบาลนครยะลา" in html
    assert "ปีงบประมาณ 2569" in html


def test_english_packet_pdf_has_no_thai_but_what_people_typed(application):
    document = render_packet_pdf(application, language="en")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    typed = normalised(" ".join(typed_texts(application)))
    stray = [run for run in THAI_RUN.findall(text) if normalised(run) not in typed]
    assert stray == []
    assert "Yala City Municipality" in text
    assert "fiscal year 2026" in text
    assert THAI_CHARACTER.search(normalised(DECISION_NOTE))  # the typed note is there, in Thai


def test_english_packet_pdf_of_english_typed_texts_has_no_thai_at_all(application):
    IndicatorValue.objects.filter(application=application).update(source="PCD", comment="", text="Working group")
    application.value_reviews.update(reason="One station is outside the municipality")
    application.evidence.update(name="report.pdf")
    application.site_visits.update(notes="Two stations checked")
    application.decisions.update(note="Passed the desk review")
    application.rubric_scores.update(comment="Plan complete, no budget yet")
    application.clarifications.update(question="Which stations?", answer="Three stations")
    User.objects.filter(pk__in=application.decisions.values("decided_by")).update(full_name="Somsri A.")
    User.objects.filter(pk__in=application.rubric_scores.values("reviewer")).update(full_name="Anan B.")
    application.best_practice_th = ""
    application.national_certificate = ""
    application.save()

    document = render_packet_pdf(application, language="en")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert THAI_RUN.findall(text) == []


def test_packet_charts_each_area_against_the_size_class_median_and_best(application):
    context = packet_context(application, language="en")
    html = render_packet_html(application, language="en")

    chart = context["benchmarks"]
    line = next(line for line in chart.lines if line.code == "CA")
    # The only application of its track and size class: it is its own median and best.
    assert (chart.kind, chart.count) == ("submitted", 1)
    assert line.score is not None
    assert (line.median, line.best) == (line.score, line.score)
    assert f'<div class="marker marker-median" style="left: {line.median_left}%"></div>' in html
    assert f'<td class="values median">{line.median}</td><td class="values best">{line.best}</td>' in html
    assert "Median and best of the applications of the same track and size class" in html
    assert "compared with 1 application</span>" in html


def test_packet_has_the_reviewers_comments_and_the_clarifications_with_answers(application):
    thai = render_packet_html(application, language="th")
    english = render_packet_html(application, language="en")

    for html in (thai, english):
        assert RUBRIC_COMMENT in html
        assert QUESTION in html
        assert ANSWER in html
        assert 'id="clarifications"' in html
    assert f'<span class="original-text" lang="th">{QUESTION}</span>' in english.replace("<br>", "")
    assert "Clarification questions and answers" in english
    assert "Rubric points: 3" in english


def test_packet_writes_a_value_with_its_unit_in_the_same_form_as_the_rule(application):
    html = render_packet_html(application, language="th")

    row = re.search(r"<tr><td class=\"code\">CA-02</td>.*?</tr>", html).group(0)
    assert "12 วัน" in row
    assert "CA-02: 12 วัน ≤ 30 วัน" in row
    assert "วัน/ปี" not in row  # the unit's long label, a second way of writing it, is gone


def test_packet_pdf_text_has_the_new_sections_in_thai(application):
    document = render_packet_pdf(application, language="th")

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert "ค่ากลางของขนาดเมือง" in text.replace("\n", "")
    assert "ความเห็นของผู้ตรวจประเมิน" in text.replace("\n", "")
