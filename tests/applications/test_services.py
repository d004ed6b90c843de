import hashlib
import io
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from applications.enums import ApplicationStatus, Channel
from applications.models import Application, Evidence, IndicatorValue, StatusChange, ValueChange
from applications.selectors_submission import receipt_digest, submission_report
from applications.services import (
    StaleValueError,
    confirm_copied_value,
    prefill_from_previous,
    reopen_application,
    save_profile,
    save_value,
    start_application,
    submit_application,
)
from applications.services_evidence import delete_evidence, upload_evidence
from indicators.enums import CyclePhase
from indicators.models import Indicator
from indicators.services import grant_extension
from portal.enums import Role
from tests.factories.indicators import load_shipped_framework, make_cycle
from tests.factories.portal import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
MB = 1024 * 1024
CL04_OVER_CE01 = (
    "Waste recycled or recovered (CL-04) is part of the waste diverted from landfill (CE-01), "
    "so it cannot exceed CE-01."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded evidence goes to a folder of the test's own, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def deadline():
    return timezone.now() + timedelta(days=30)


@pytest.fixture
def cycle(db, deadline):
    return make_cycle(code="esc-t", phase=CyclePhase.CALL_OPEN, submission_deadline=deadline)


@pytest.fixture
def application(cast, cycle):
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def indicator(application, code):
    return Indicator.objects.get(framework_id=application.cycle.framework_id, code=code)


def save(application, code, raw, by, *, expected_version=None, **fields):
    return save_value(
        application=application,
        indicator=indicator(application, code),
        by=by,
        changes={"value": raw, **fields},
        expected_version=expected_version,
    )


def stored(application, code):
    return IndicatorValue.objects.get(application=application, indicator__code=code)


def pdf(name="หลักฐาน.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(application, code, by, name="หลักฐาน.pdf", content=PDF_BYTES):
    return upload_evidence(
        application=application, indicator=indicator(application, code), file=pdf(name, content), by=by
    )


def lock(application, by):
    with translation.override("en"):
        return submit_application(application=application, by=by, confirmed_digest=receipt_digest(application))


def peer_application(cycle, *, population=45_000, values=None):
    municipality = MunicipalityFactory(population=population)
    editor = UserFactory(role=Role.EDITOR, municipality=municipality)
    peer = start_application(cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=editor)
    for code, raw in (values or {}).items():
        save(peer, code, raw, editor)
    return peer


@pytest.fixture
def previous_cycle(cast, cycle):
    """An earlier cycle in which municipality A applied; the current cycle was cloned from it."""
    earlier = make_cycle(
        code="esc-prev", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=1)
    )
    cycle.previous = earlier
    cycle.save(update_fields=["previous"])
    return earlier


@pytest.fixture
def previous_application(cast, previous_cycle):
    earlier = start_application(
        cycle=previous_cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    save(earlier, "CA-01", "40", cast.editor_a, period="2567", source="PCD Yala station")
    save(earlier, "CA-02", "20", cast.editor_a)
    save(earlier, "CA-07", "3", cast.editor_a, text="แผนลดฝุ่นทั้งเมือง")
    return earlier


# ---- start_application ------------------------------------------------------------------------------------------


def test_start_application_copies_the_profile_from_the_municipality(cast, cycle):
    municipality = cast.municipality_a

    application = start_application(
        cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=cast.editor_a
    )

    application.refresh_from_db()
    assert (
        application.population,
        application.population_year,
        application.households,
        application.area_km2,
    ) == (45_000, 2021, 18_000, municipality.area_km2)
    assert (application.status, application.profile_version, application.created_by) == (
        ApplicationStatus.DRAFT,
        0,
        cast.editor_a,
    )
    assert application.size_class.code == "small"


@pytest.mark.parametrize(
    ("population", "size_class"),
    [(20_000, "small"), (749_999, "small"), (750_000, "big"), (1_499_999, "big")],
)
def test_start_application_takes_the_size_class_from_the_population(cast, cycle, population, size_class):
    municipality = MunicipalityFactory(population=population)

    application = start_application(
        cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=cast.editor_a
    )

    assert application.size_class.code == size_class


@pytest.mark.parametrize("population", [19_999, 1_500_000, None])
def test_start_application_outside_the_bands_starts_without_a_size_class(cast, cycle, population):
    municipality = MunicipalityFactory(population=population)

    application = start_application(
        cycle=cycle, municipality=municipality, track="esc_award", category_code="", by=cast.editor_a
    )

    assert (Application.objects.filter(pk=application.pk).exists(), application.size_class) == (True, None)


def test_start_application_refuses_a_second_application_on_the_same_track(cast, application):
    with pytest.raises(ValidationError) as error:
        start_application(
            cycle=application.cycle,
            municipality=cast.municipality_a,
            track="esc_award",
            category_code="",
            by=cast.signatory_a,
        )

    assert (error.value.code, error.value.messages) == (
        "duplicate",
        ["Your municipality already has an application on this track and category."],
    )
    assert Application.objects.count() == 1


def test_start_application_allows_one_certificate_per_category(cast, application):
    certificate = start_application(
        cycle=application.cycle,
        municipality=cast.municipality_a,
        track="certificate",
        category_code="CA",
        by=cast.editor_a,
    )

    assert (certificate.track, certificate.category_code) == ("certificate", "CA")
    assert Application.objects.filter(municipality=cast.municipality_a).count() == 2


@pytest.mark.parametrize("phase", [CyclePhase.DRAFT, CyclePhase.SUBMISSION_CLOSED, CyclePhase.DESK_REVIEW])
def test_start_application_refuses_a_cycle_that_is_not_open(cast, deadline, phase):
    cycle = make_cycle(code="esc-closed", phase=phase, submission_deadline=deadline)

    with pytest.raises(ValidationError) as error:
        start_application(
            cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
        )

    assert (error.value.code, error.value.messages) == ("closed", ["This cycle is not open for applications."])
    assert Application.objects.count() == 0


def test_start_application_refuses_after_the_deadline(cast):
    cycle = make_cycle(
        code="esc-late", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(ValidationError) as error:
        start_application(
            cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
        )

    assert error.value.code == "closed"
    assert Application.objects.count() == 0


@pytest.mark.parametrize("category_code", ["", "GOV", "UB", "XX"])
def test_start_application_certificate_needs_a_category_of_the_cycle(cast, cycle, category_code):
    with pytest.raises(ValidationError) as error:
        start_application(
            cycle=cycle,
            municipality=cast.municipality_a,
            track="certificate",
            category_code=category_code,
            by=cast.editor_a,
        )

    assert error.value.message_dict == {"category_code": ["Choose one of the cycle's certificate categories."]}
    assert Application.objects.count() == 0


def test_start_application_esc_award_ignores_a_category(cast, cycle):
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="CA", by=cast.editor_a
    )

    assert application.category_code == ""


# ---- save_value -------------------------------------------------------------------------------------------------


def test_save_value_saves_and_increments_the_version(cast, application):
    first = save(application, "CA-01", "85.5", cast.editor_a, expected_version=0)

    second = save(application, "CA-01", "๙๐", cast.editor_a, expected_version=1, period="2568", source="Air4Thai")

    value = stored(application, "CA-01")
    assert (first.changed, second.changed) == (True, True)
    assert (value.number, value.period, value.source, value.version, value.updated_by) == (
        Decimal(90),
        "2568",
        "Air4Thai",
        2,
        cast.editor_a,
    )


def test_save_value_writes_history_rows_with_old_new_and_channel(cast, application):
    save(application, "CA-01", "85.5", cast.editor_a)
    save(application, "CA-01", "90", cast.signatory_a, comment="สถานีใหม่")

    changes = ValueChange.objects.filter(application=application).order_by("pk")

    assert [(c.indicator.code, c.field, c.old, c.new, c.channel, c.changed_by) for c in changes] == [
        ("CA-01", "number", "", "85.5", Channel.FORM, cast.editor_a),
        ("CA-01", "number", "85.5", "90", Channel.FORM, cast.signatory_a),
        ("CA-01", "comment", "", "สถานีใหม่", Channel.FORM, cast.signatory_a),
    ]


def test_save_value_of_the_same_value_changes_nothing(cast, application):
    save(application, "CA-01", "85.5", cast.editor_a)

    result = save(application, "CA-01", "85.50", cast.editor_a, expected_version=1)

    assert (result.changed, stored(application, "CA-01").version) == (False, 1)
    assert ValueChange.objects.filter(application=application).count() == 1


def test_save_value_of_a_rubric_keeps_level_and_text(cast, application):
    result = save(application, "CA-07", "3", cast.editor_a, text="  ตรวจวัดควันดำทั้งเมือง  ")

    value = stored(application, "CA-07")
    assert (value.level, value.text, value.number, result.value.display) == (3, "ตรวจวัดควันดำทั้งเมือง", None, "3")


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("CA-02", "367", "The value must be from 0 to 366."),
        ("CA-02", "12.5", "Enter a whole number."),
        ("CA-01", "ดีมาก", "Enter a number, e.g. 12.5"),
        ("CA-07", "5", "Choose a level from 0 to 4."),
    ],
)
def test_save_value_refuses_an_invalid_value_and_changes_nothing(cast, application, code, raw, message):
    save(application, "CA-02", "24", cast.editor_a)

    with pytest.raises(ValidationError) as error:
        save(application, code, raw, cast.editor_a, source="changed too")

    assert error.value.message_dict == {"value": [message]}
    assert list(
        IndicatorValue.objects.filter(application=application).values_list(
            "indicator__code", "number", "version", "source"
        )
    ) == [("CA-02", Decimal(24), 1, "")]
    assert ValueChange.objects.filter(application=application).count() == 1


def test_save_value_with_a_stale_version_raises_with_the_other_value(cast, application):
    save(application, "CA-01", "70", cast.editor_a, expected_version=0)

    with pytest.raises(StaleValueError) as error:
        save(application, "CA-01", "75", cast.signatory_a, expected_version=0)

    assert (error.value.field, error.value.current.number, error.value.current.version) == ("value", Decimal(70), 1)
    assert error.value.current.updated_by == cast.editor_a
    value = stored(application, "CA-01")
    assert (value.number, value.version) == (Decimal(70), 1)
    assert ValueChange.objects.filter(application=application).count() == 1


def test_save_value_with_the_version_from_the_conflict_replaces_the_value(cast, application):
    save(application, "CA-01", "70", cast.editor_a, expected_version=0)
    with pytest.raises(StaleValueError) as error:
        save(application, "CA-01", "75", cast.signatory_a, expected_version=0)

    save(application, "CA-01", "75", cast.signatory_a, expected_version=error.value.current.version)

    value = stored(application, "CA-01")
    assert (value.number, value.version, value.updated_by) == (Decimal(75), 2, cast.signatory_a)


def test_save_value_stale_error_names_the_field_that_was_sent(cast, application):
    save(application, "CA-01", "70", cast.editor_a)

    with pytest.raises(StaleValueError) as error:
        save_value(
            application=application,
            indicator=indicator(application, "CA-01"),
            by=cast.signatory_a,
            changes={"source": "PCD"},
            expected_version=0,
        )

    assert error.value.field == "source"


def test_save_value_on_a_locked_application_is_refused(cast, application):
    lock(application, cast.signatory_a)
    application.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        save(application, "CA-01", "70", cast.editor_a)

    assert (error.value.code, error.value.messages) == ("locked", ["This application is submitted and locked."])
    assert IndicatorValue.objects.filter(application=application).count() == 0


def test_save_value_after_the_deadline_is_refused(cast, application, deadline):
    with time_machine.travel(deadline + timedelta(seconds=1)), pytest.raises(ValidationError) as error:
        save(application, "CA-01", "70", cast.editor_a)

    assert (error.value.code, error.value.messages) == (
        "late",
        ["The submission deadline has passed; the application can no longer change."],
    )
    assert IndicatorValue.objects.filter(application=application).count() == 0


def test_save_value_at_the_deadline_itself_is_accepted(cast, application, deadline):
    with time_machine.travel(deadline, tick=False):
        save(application, "CA-01", "70", cast.editor_a)

    assert stored(application, "CA-01").number == Decimal(70)


def test_save_value_after_the_deadline_with_an_extension_keeps_one_municipality_editing(
    cast, cycle, application, deadline
):
    other = start_application(
        cycle=cycle, municipality=cast.municipality_b, track="esc_award", category_code="", by=cast.editor_b
    )
    grant_extension(
        cycle=cycle,
        municipality=cast.municipality_a,
        deadline=deadline + timedelta(days=7),
        reason="น้ำท่วม",
        by=cast.admin,
    )

    with time_machine.travel(deadline + timedelta(days=1)):
        save(application, "CA-01", "70", cast.editor_a)
        with pytest.raises(ValidationError) as error:
            save(other, "CA-01", "70", cast.editor_b)

    assert stored(application, "CA-01").number == Decimal(70)
    assert error.value.code == "late"


# ---- checks across indicators and outlier warnings --------------------------------------------------------------


@pytest.fixture
def application_2024(cast, deadline):
    cycle = make_cycle(
        code="esc-24",
        framework=load_shipped_framework("esc-2024"),
        phase=CyclePhase.CALL_OPEN,
        submission_deadline=deadline,
    )
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


def test_save_value_returns_the_failed_check_when_cl04_exceeds_ce01(cast, application_2024):
    save(application_2024, "CE-01", "50", cast.editor_a)

    result = save(application_2024, "CL-04", "60", cast.editor_a)

    assert result.check_errors == [CL04_OVER_CE01]
    assert stored(application_2024, "CL-04").number == Decimal(60)


def test_save_value_of_the_other_indicator_reports_the_same_check(cast, application_2024):
    save(application_2024, "CL-04", "60", cast.editor_a)

    result = save(application_2024, "CE-01", "50", cast.editor_a)

    assert result.check_errors == [CL04_OVER_CE01]


@pytest.mark.parametrize(("cl04", "ce01"), [("50", "50"), ("10", "50"), ("60", "")])
def test_save_value_reports_no_check_when_it_holds_or_waits(cast, application_2024, cl04, ce01):
    save(application_2024, "CE-01", ce01, cast.editor_a)

    result = save(application_2024, "CL-04", cl04, cast.editor_a)

    assert result.check_errors == []


def test_check_errors_speak_thai_when_thai_is_active(cast, application_2024):
    save(application_2024, "CE-01", "50", cast.editor_a)

    with translation.override("th"):
        result = save(application_2024, "CL-04", "60", cast.editor_a)

    assert result.check_errors == [
        "ขยะที่นำกลับมาใช้ประโยชน์ (CL-04) เป็นส่วนหนึ่งของขยะที่ไม่ถูกส่งไปฝังกลบ (CE-01) จึงมีค่ามากกว่า CE-01 ไม่ได้"
    ]


def test_save_value_warns_about_an_outlier_among_five_peers_of_the_size_class(cast, cycle, application):
    for number in ("60", "61", "62", "63", "64"):
        peer_application(cycle, values={"CA-01": number})

    unusual = save(application, "CA-01", "95", cast.editor_a)
    usual = save(application, "CA-01", "63", cast.editor_a)

    assert unusual.warnings == [
        "Unusual among municipalities of your size class (median 62). Please check the unit and explain in the comment."
    ]
    assert usual.warnings == []
    assert stored(application, "CA-01").number == Decimal(63)


def test_save_value_does_not_judge_with_four_peers(cast, cycle, application):
    for number in ("60", "61", "62", "63"):
        peer_application(cycle, values={"CA-01": number})

    result = save(application, "CA-01", "95", cast.editor_a)

    assert result.warnings == []


def test_save_value_compares_only_with_peers_of_the_same_size_class(cast, cycle, application):
    for number in ("60", "61", "62", "63", "64"):
        peer_application(cycle, population=800_000, values={"CA-01": number})

    result = save(application, "CA-01", "95", cast.editor_a)

    assert result.warnings == []


def test_save_value_without_a_size_class_has_no_peers(cast, cycle):
    outside = start_application(
        cycle=cycle,
        municipality=MunicipalityFactory(population=5_000),
        track="esc_award",
        category_code="",
        by=cast.editor_a,
    )
    for number in ("60", "61", "62", "63", "64"):
        peer_application(cycle, population=2_000_000, values={"CA-01": number})

    result = save(outside, "CA-01", "95", cast.editor_a)

    assert result.warnings == []


def test_save_value_warns_about_a_large_change_from_the_previous_cycle(cast, application, previous_application):
    changed = save(application, "CA-01", "61", cast.editor_a)
    similar = save(application, "CA-01", "60", cast.editor_a)

    assert changed.warnings == ["Very different from your previous cycle (40). Please explain in the comment."]
    assert similar.warnings == []


def test_save_value_without_a_previous_cycle_gives_no_change_warning(cast, application):
    result = save(application, "CA-01", "99", cast.editor_a)

    assert result.warnings == []


def test_save_value_warns_about_a_value_in_a_cycle_whose_previous_was_zero(cast, cycle, previous_cycle):
    earlier = start_application(
        cycle=previous_cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )
    save(earlier, "CA-02", "0", cast.editor_a)
    application = start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )

    result = save(application, "CA-02", "3", cast.editor_a)

    assert result.warnings == ["Very different from your previous cycle (0). Please explain in the comment."]


# ---- save_profile -----------------------------------------------------------------------------------------------


def test_save_profile_moves_the_size_class_with_the_population(cast, application):
    result = save_profile(
        application=application, by=cast.editor_a, changes={"population": 800_000}, expected_version=0
    )

    result.refresh_from_db()
    assert (result.population, result.size_class.code, result.profile_version) == (800_000, "big", 1)


def test_save_profile_out_of_the_bands_clears_the_size_class(cast, application):
    result = save_profile(application=application, by=cast.editor_a, changes={"population": 12_000}, expected_version=0)

    result.refresh_from_db()
    assert result.size_class is None


def test_save_profile_writes_history(cast, application):
    save_profile(application=application, by=cast.editor_a, changes={"population": 46_100}, expected_version=0)
    save_profile(
        application=application,
        by=cast.signatory_a,
        changes={"population_year": 2024, "national_certificate": "ระดับดีเด่น 2566"},
        expected_version=1,
    )

    changes = ValueChange.objects.filter(application=application).order_by("pk")

    assert [(c.indicator, c.field, c.old, c.new, c.channel, c.changed_by) for c in changes] == [
        (None, "population", "45000", "46100", Channel.FORM, cast.editor_a),
        (None, "population_year", "2021", "2024", Channel.FORM, cast.signatory_a),
        (None, "national_certificate", "", "ระดับดีเด่น 2566", Channel.FORM, cast.signatory_a),
    ]


def test_save_profile_with_a_stale_version_raises_and_changes_nothing(cast, application):
    save_profile(application=application, by=cast.editor_a, changes={"households": 18_500}, expected_version=0)

    with pytest.raises(StaleValueError) as error:
        save_profile(application=application, by=cast.signatory_a, changes={"households": 19_000}, expected_version=0)

    application.refresh_from_db()
    assert (error.value.field, error.value.current.households) == ("households", 18_500)
    assert (application.households, application.profile_version) == (18_500, 1)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"area_km2": Decimal(0)}, ["Ensure this value is greater than or equal to 0.001."]),
        ({"population": -5}, ["Ensure this value is greater than or equal to 0."]),
        ({"best_practice_th": "x"}, ["Unknown profile field."]),
    ],
)
def test_save_profile_refuses_invalid_data_and_changes_nothing(cast, application, changes, errors):
    with pytest.raises(ValidationError) as error:
        save_profile(application=application, by=cast.editor_a, changes=changes, expected_version=0)

    application.refresh_from_db()
    assert error.value.messages == errors
    assert (application.profile_version, application.population, application.best_practice_th) == (0, 45_000, "")
    assert ValueChange.objects.count() == 0


def test_save_profile_on_a_locked_application_is_refused(cast, application):
    lock(application, cast.signatory_a)
    application.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        save_profile(application=application, by=cast.editor_a, changes={"population": 46_000}, expected_version=None)

    assert error.value.code == "locked"


# ---- upload_evidence --------------------------------------------------------------------------------------------


def test_upload_evidence_stores_a_pdf_with_its_sha256_and_a_clean_name(cast, application):
    evidence = attach(application, "CA-01", cast.editor_a, name="../../รายงาน AQI <2567>.pdf")

    evidence.refresh_from_db()
    assert (evidence.name, evidence.file_type, evidence.size, evidence.sha256, evidence.uploaded_by) == (
        "รายงาน AQI _2567.pdf",
        "pdf",
        len(PDF_BYTES),
        hashlib.sha256(PDF_BYTES).hexdigest(),
        cast.editor_a,
    )
    with evidence.file.open("rb") as file:
        assert file.read() == PDF_BYTES
    assert list(ValueChange.objects.values_list("indicator__code", "field", "old", "new", "channel")) == [
        ("CA-01", "evidence", "", f"รายงาน AQI _2567.pdf ({evidence.sha256[:12]})", Channel.FORM)
    ]


def test_upload_evidence_reads_the_type_from_the_content_not_the_name(cast, application):
    evidence = attach(application, "CA-01", cast.editor_a, name="photo.pdf", content=PNG_BYTES)

    assert (evidence.file_type, evidence.name) == ("png", "photo.png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE_BYTES),
        ("report.pdf", EXE_BYTES),
        ("notes.pdf", b"just some text, not a pdf"),
        ("x.xlsx", b"PK\x03\x04garbage"),
    ],
)
def test_upload_evidence_refuses_other_types(cast, application, name, content):
    with pytest.raises(ValidationError) as error:
        attach(application, "CA-01", cast.editor_a, name=name, content=content)

    assert (error.value.code, error.value.messages) == (
        "wrong_type",
        ["Only PDF, JPEG, PNG or Excel (XLSX) files are accepted; this file is something else."],
    )
    assert (Evidence.objects.count(), ValueChange.objects.count()) == (0, 0)


def test_upload_evidence_is_stored_under_the_extension_of_its_real_type(cast, application):
    evidence = attach(application, "CA-01", cast.editor_a, name="x.pdf.html", content=PDF_BYTES)

    assert (evidence.name, Path(evidence.file.name).suffix) == ("x.pdf.pdf", ".pdf")


def _workbook(*extra_parts):
    """A minimal XLSX zip, with extra parts (e.g. macros) added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for part in extra_parts:
            archive.writestr(part, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("xl/vbaProject.bin", "The workbook contains macros"),
        ("xl/macrosheets/sheet1.xml", "The workbook contains macros"),
        ("xl/externalLinks/externalLink1.xml", "The workbook links to other files or data sources"),
        ("xl/connections.xml", "The workbook links to other files or data sources"),
    ],
)
def test_upload_evidence_refuses_a_workbook_with_macros_or_links(cast, application, part, message):
    with pytest.raises(ValidationError) as error:
        attach(application, "CA-01", cast.editor_a, name="data.xlsx", content=_workbook(part))

    assert error.value.code == "active_content"
    assert error.value.messages[0].startswith(message)
    assert Evidence.objects.count() == 0


def test_upload_evidence_accepts_a_plain_workbook(cast, application):
    evidence = attach(application, "CA-01", cast.editor_a, name="data.xlsx", content=_workbook("xl/media/image1.png"))

    assert (evidence.file_type, Path(evidence.file.name).suffix) == ("xlsx", ".xlsx")


def test_upload_evidence_refuses_a_file_over_20_mb(cast, application):
    content = PDF_BYTES + b"0" * (20 * MB + 1 - len(PDF_BYTES))

    with pytest.raises(ValidationError) as error:
        attach(application, "CA-01", cast.editor_a, content=content)

    assert (error.value.code, error.value.messages) == ("too_large", ["The file is larger than 20 MB."])
    assert Evidence.objects.count() == 0


def test_upload_evidence_accepts_exactly_20_mb(cast, application):
    content = PDF_BYTES + b"0" * (20 * MB - len(PDF_BYTES))

    evidence = attach(application, "CA-01", cast.editor_a, content=content)

    assert evidence.size == 20 * MB


def test_upload_evidence_on_a_locked_application_is_refused(cast, application):
    lock(application, cast.signatory_a)
    application.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        attach(application, "CA-01", cast.editor_a)

    assert error.value.code == "locked"
    assert Evidence.objects.count() == 0


def test_delete_evidence_removes_the_file_once_committed_and_logs_it(
    cast, application, django_capture_on_commit_callbacks
):
    evidence = attach(application, "CA-01", cast.editor_a)
    path = evidence.file.path

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_evidence(evidence=evidence, by=cast.signatory_a)
    assert Path(path).exists() is True  # not before the deletion commits: a rollback keeps row and file together
    for callback in callbacks:
        callback()

    assert Evidence.objects.count() == 0
    assert list(ValueChange.objects.order_by("pk").values_list("field", "old", "changed_by")) == [
        ("evidence", "", cast.editor_a.pk),
        ("evidence", f"หลักฐาน.pdf ({evidence.sha256[:12]})", cast.signatory_a.pk),
    ]
    assert Path(path).exists() is False


# ---- submission_report ------------------------------------------------------------------------------------------


def test_submission_report_of_a_fresh_application_lists_everything_missing_but_blocks_nothing(application):
    report = submission_report(application)

    assert (report.blocking, report.warnings, report.can_submit) == ([], [], True)
    assert (report.answered, report.applicable) == (0, 34)
    assert report.missing[0] == "CA-01 Days with good air quality (Thai AQI 0-50)"
    assert [item.split(" ")[0] for item in report.missing] == [
        *[f"CA-{n:02d}" for n in range(1, 11)],
        *[f"CW-{n:02d}" for n in range(1, 10)],
        *[f"CL-{n:02d}" for n in range(1, 11)],
        *[f"GOV-{n:02d}" for n in range(1, 6)],
    ]


def test_submission_report_blocks_a_missing_profile(cast, application):
    Application.objects.filter(pk=application.pk).update(
        population=None, households=None, area_km2=None, population_year=None
    )
    application.refresh_from_db()

    report = submission_report(application)

    assert report.blocking == [
        "City profile: registered population is missing.",
        "City profile: population reference year is missing.",
        "City profile: households is missing.",
        "City profile: municipal area is missing.",
    ]
    assert report.can_submit is False


def test_submission_report_warns_about_a_population_outside_the_bands(cast, application):
    save_profile(application=application, by=cast.editor_a, changes={"population": 5_000}, expected_version=0)
    application.refresh_from_db()

    report = submission_report(application)

    assert (report.warnings, report.blocking) == (["The population is outside every size class of this cycle."], [])


def test_submission_report_blocks_values_without_required_evidence(cast, application):
    save(application, "CA-01", "80", cast.editor_a)
    save(application, "CA-02", "10", cast.editor_a)
    save(application, "CA-07", "1", cast.editor_a)
    save(application, "CA-08", "2", cast.editor_a)
    save(application, "CA-03", "5", cast.editor_a)
    attach(application, "CA-02", cast.editor_a)

    report = submission_report(application)

    assert report.blocking == ["CA-01: attach the required evidence.", "CA-08: attach the required evidence."]
    assert (report.answered, report.can_submit) == (5, False)


def test_submission_report_blocks_copied_values_until_confirmed(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)
    for code in ("CA-01", "CA-02", "CA-07"):
        attach(application, code, cast.editor_a)

    before = submission_report(application)
    confirm_copied_value(value=stored(application, "CA-01"), by=cast.editor_a)
    save(application, "CA-02", "21", cast.editor_a)
    after = submission_report(application)

    assert before.blocking == [
        "CA-01: copied from the previous cycle; confirm or change it.",
        "CA-02: copied from the previous cycle; confirm or change it.",
        "CA-07: copied from the previous cycle; confirm or change it.",
    ]
    assert after.blocking == ["CA-07: copied from the previous cycle; confirm or change it."]


def test_submission_report_blocks_a_failed_check(cast, application_2024):
    save(application_2024, "CE-01", "50", cast.editor_a)
    save(application_2024, "CL-04", "60", cast.editor_a)

    report = submission_report(application_2024)

    assert report.blocking == [CL04_OVER_CE01]


# ---- submit_application -----------------------------------------------------------------------------------------


def test_submit_application_locks_records_and_mails_the_receipt(cast, application, django_capture_on_commit_callbacks):
    save(application, "CA-03", "12", cast.editor_a)
    digest = receipt_digest(application)

    with django_capture_on_commit_callbacks(execute=True):
        result = submit_application(application=application, by=cast.signatory_a, confirmed_digest=digest)

    application.refresh_from_db()
    assert (application.status, application.submitted_by, application.receipt_sha256) == (
        ApplicationStatus.SUBMITTED,
        cast.signatory_a,
        digest,
    )
    assert application.submitted_at is not None
    assert result.pk == application.pk
    assert receipt_digest(application) == application.receipt_sha256
    assert list(StatusChange.objects.values_list("from_status", "to_status", "changed_by")) == [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, cast.signatory_a.pk)
    ]
    # One e-mail per officer, each in their own language.
    assert [message.to for message in mail.outbox] == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]
    assert digest in mail.outbox[0].body.splitlines()


def test_submit_application_sets_submitted_at_to_now(cast, application):
    moment = timezone.now().replace(microsecond=0)

    with time_machine.travel(moment, tick=False):
        lock(application, cast.signatory_a)

    application.refresh_from_db()
    assert application.submitted_at == moment


def test_submit_application_mails_only_active_officers_of_the_municipality(
    cast, application, django_capture_on_commit_callbacks
):
    UserFactory(role=Role.EDITOR, municipality=cast.municipality_a, email="left@example.go.th", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        lock(application, cast.signatory_a)

    assert [message.to for message in mail.outbox] == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]


def test_submit_application_twice_with_the_same_digest_submits_once(
    cast, application, django_capture_on_commit_callbacks
):
    digest = receipt_digest(application)

    with django_capture_on_commit_callbacks(execute=True):
        first = submit_application(application=application, by=cast.signatory_a, confirmed_digest=digest)
    with django_capture_on_commit_callbacks(execute=True):
        second = submit_application(application=application, by=cast.signatory_a, confirmed_digest=digest)

    assert (first.pk, second.pk, second.status, second.receipt_sha256) == (
        application.pk,
        application.pk,
        ApplicationStatus.SUBMITTED,
        digest,
    )
    assert StatusChange.objects.count() == 1
    assert len(mail.outbox) == 2  # the receipt, once, to each of the two officers


@pytest.mark.parametrize("user", ["editor_a", "editor_b", "reviewer", "admin"])
def test_submit_application_only_by_the_signatory(cast, application, user):
    with pytest.raises(ValidationError) as error:
        submit_application(
            application=application, by=getattr(cast, user), confirmed_digest=receipt_digest(application)
        )

    application.refresh_from_db()
    assert (error.value.code, error.value.messages) == (
        "not_signatory",
        ["Only the municipality's signatory can submit."],
    )
    assert (application.status, StatusChange.objects.count()) == (ApplicationStatus.DRAFT, 0)


def test_submit_application_by_another_municipality_signatory_is_refused(cast, application):
    other = UserFactory(role=Role.SIGNATORY, municipality=cast.municipality_b)

    with pytest.raises(ValidationError) as error:
        submit_application(application=application, by=other, confirmed_digest=receipt_digest(application))

    assert error.value.code == "not_signatory"


def test_submit_application_refuses_a_digest_that_no_longer_matches(cast, application):
    digest = receipt_digest(application)
    save(application, "CA-03", "12", cast.editor_a)

    with pytest.raises(ValidationError) as error:
        submit_application(application=application, by=cast.signatory_a, confirmed_digest=digest)

    application.refresh_from_db()
    assert (error.value.code, error.value.messages) == (
        "changed",
        ["The application changed after you opened this page. Check the summary again, then submit."],
    )
    assert (application.status, application.receipt_sha256, len(mail.outbox)) == (ApplicationStatus.DRAFT, "", 0)


def test_submit_application_refuses_blocking_problems(cast, application):
    save(application, "CA-01", "80", cast.editor_a)

    with pytest.raises(ValidationError) as error:
        submit_application(application=application, by=cast.signatory_a, confirmed_digest=receipt_digest(application))

    application.refresh_from_db()
    assert error.value.messages == ["CA-01: attach the required evidence."]
    assert application.status == ApplicationStatus.DRAFT


def test_submit_application_after_the_deadline_is_refused(cast, application, deadline):
    digest = receipt_digest(application)

    with time_machine.travel(deadline + timedelta(seconds=1)), pytest.raises(ValidationError) as error:
        submit_application(application=application, by=cast.signatory_a, confirmed_digest=digest)

    assert error.value.code == "late"


# ---- reopen_application -----------------------------------------------------------------------------------------


def test_reopen_application_unlocks_logs_and_mails_the_reason(cast, application, django_capture_on_commit_callbacks):
    lock(application, cast.signatory_a)

    with django_capture_on_commit_callbacks(execute=True):
        result = reopen_application(application=application, by=cast.admin, reason="  แก้ไขค่า CA-01 ตามหนังสือ  ")

    result.refresh_from_db()
    assert (result.status, result.submitted_at, result.is_locked) == (ApplicationStatus.DRAFT, None, False)
    assert list(
        StatusChange.objects.order_by("pk").values_list("from_status", "to_status", "reason", "changed_by")
    ) == [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, "", cast.signatory_a.pk),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT, "แก้ไขค่า CA-01 ตามหนังสือ", cast.admin.pk),
    ]
    assert [message.to for message in mail.outbox] == [
        [email] for email in sorted([cast.editor_a.email, cast.signatory_a.email])
    ]
    assert "แก้ไขค่า CA-01 ตามหนังสือ" in mail.outbox[0].body.splitlines()


def test_reopen_application_then_editing_works_again(cast, application):
    lock(application, cast.signatory_a)
    reopen_application(application=application, by=cast.admin, reason="แก้ไข")
    application.refresh_from_db()

    save(application, "CA-03", "5", cast.editor_a)

    assert stored(application, "CA-03").number == Decimal(5)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reopen_application_needs_a_reason(cast, application, reason):
    lock(application, cast.signatory_a)

    with pytest.raises(ValidationError) as error:
        reopen_application(application=application, by=cast.admin, reason=reason)

    application.refresh_from_db()
    assert error.value.message_dict == {"reason": ["Give the reason for reopening; the municipality receives it."]}
    assert (application.status, StatusChange.objects.count()) == (ApplicationStatus.SUBMITTED, 1)


def test_reopen_application_of_a_draft_is_refused(cast, application):
    with pytest.raises(ValidationError) as error:
        reopen_application(application=application, by=cast.admin, reason="แก้ไข")

    assert (error.value.code, error.value.messages) == (
        "not_submitted",
        ["Only a submitted application can be reopened."],
    )


# ---- prefill_from_previous / confirm_copied_value ---------------------------------------------------------------


def test_prefill_from_previous_copies_into_empty_fields_only(cast, application, previous_application):
    save(application, "CA-02", "30", cast.editor_a)

    copied = prefill_from_previous(application=application, by=cast.signatory_a)

    values = {
        value.indicator.code: (value.display, value.period, value.source, value.text, value.is_copied)
        for value in IndicatorValue.objects.filter(application=application).select_related("indicator")
    }
    assert copied == 2
    assert values == {
        "CA-01": ("40", "2567", "PCD Yala station", "", True),
        "CA-02": ("30", "", "", "", False),
        "CA-07": ("3", "", "", "แผนลดฝุ่นทั้งเมือง", True),
    }


def test_prefill_from_previous_writes_history_with_channel_prefill(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.signatory_a)

    changes = ValueChange.objects.filter(application=application).order_by("pk")

    assert [(c.indicator.code, c.field, c.old, c.new, c.channel, c.changed_by) for c in changes] == [
        ("CA-01", "number", "", "40", Channel.PREFILL, cast.signatory_a),
        ("CA-01", "period", "", "2567", Channel.PREFILL, cast.signatory_a),
        ("CA-01", "source", "", "PCD Yala station", Channel.PREFILL, cast.signatory_a),
        ("CA-02", "number", "", "20", Channel.PREFILL, cast.signatory_a),
        ("CA-07", "level", "", "3", Channel.PREFILL, cast.signatory_a),
        ("CA-07", "text", "", "แผนลดฝุ่นทั้งเมือง", Channel.PREFILL, cast.signatory_a),
    ]


def test_prefill_from_previous_twice_copies_nothing_more(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)

    again = prefill_from_previous(application=application, by=cast.editor_a)

    assert again == 0
    assert ValueChange.objects.filter(application=application).count() == 6


def test_prefill_from_previous_without_a_previous_cycle_is_an_error(cast, application):
    with pytest.raises(ValidationError) as error:
        prefill_from_previous(application=application, by=cast.editor_a)

    assert (error.value.code, error.value.messages) == (
        "none",
        ["There is no application of your municipality in the previous cycle."],
    )


def test_prefill_from_previous_without_an_application_in_the_previous_cycle_is_an_error(
    cast, application, previous_cycle
):
    with pytest.raises(ValidationError) as error:
        prefill_from_previous(application=application, by=cast.editor_a)

    assert error.value.code == "none"


def test_confirm_copied_value_clears_the_mark_and_bumps_the_version(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)
    value = stored(application, "CA-01")

    confirm_copied_value(value=value, by=cast.signatory_a)

    value.refresh_from_db()
    assert (value.is_copied, value.version, value.updated_by, value.number) == (False, 2, cast.signatory_a, Decimal(40))


def test_save_value_of_the_copied_value_confirms_it(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)

    save(application, "CA-01", "40", cast.editor_a)

    value = stored(application, "CA-01")
    assert (value.is_copied, value.version) == (False, 2)


def test_copied_value_blocks_submission_until_confirmed(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)
    for code in ("CA-01", "CA-02", "CA-07"):
        attach(application, code, cast.editor_a)

    with pytest.raises(ValidationError) as error:
        lock(application, cast.signatory_a)
    for code in ("CA-01", "CA-02", "CA-07"):
        confirm_copied_value(value=stored(application, code), by=cast.editor_a)
    lock(application, cast.signatory_a)

    application.refresh_from_db()
    assert error.value.messages == [
        "CA-01: copied from the previous cycle; confirm or change it.",
        "CA-02: copied from the previous cycle; confirm or change it.",
        "CA-07: copied from the previous cycle; confirm or change it.",
    ]
    assert application.status == ApplicationStatus.SUBMITTED


# ---- receipt_digest ---------------------------------------------------------------------------------------------


def test_receipt_digest_is_a_sha256_hex(application):
    digest = receipt_digest(application)

    assert (len(digest), set(digest) <= set("0123456789abcdef")) == (64, True)


def test_receipt_digest_changes_with_any_value(cast, application):
    save(application, "CA-01", "80", cast.editor_a)
    digests = [receipt_digest(application)]

    save(application, "CA-01", "81", cast.editor_a)
    digests.append(receipt_digest(application))
    save(application, "CA-01", "81", cast.editor_a, comment="สถานีใหม่")
    digests.append(receipt_digest(application))
    save(application, "CA-07", "2", cast.editor_a)
    digests.append(receipt_digest(application))
    save_profile(application=application, by=cast.editor_a, changes={"households": 18_001}, expected_version=None)
    application.refresh_from_db()
    digests.append(receipt_digest(application))

    assert len(set(digests)) == 5


def test_receipt_digest_changes_with_evidence(cast, application):
    before = receipt_digest(application)

    evidence = attach(application, "CA-01", cast.editor_a)
    with_file = receipt_digest(application)
    delete_evidence(evidence=evidence, by=cast.editor_a)
    after_delete = receipt_digest(application)
    attach(application, "CA-01", cast.editor_a, content=PDF_BYTES + b"% another version\n")
    other_file = receipt_digest(application)

    assert len({before, with_file, other_file}) == 3
    assert after_delete == before


def test_receipt_digest_does_not_change_otherwise(cast, application, previous_application):
    prefill_from_previous(application=application, by=cast.editor_a)
    before = receipt_digest(application)

    save(application, "CA-01", "40.0", cast.editor_a)
    confirm_copied_value(value=stored(application, "CA-07"), by=cast.editor_a)
    submission_report(application)

    assert receipt_digest(application) == before


def test_receipt_digest_does_not_change_when_an_empty_field_is_autosaved(cast, application):
    before = receipt_digest(application)

    result = save(application, "CA-03", "", cast.editor_a)

    assert result.changed is False
    assert receipt_digest(application) == before


def test_prefill_from_previous_keeps_a_source_the_officer_typed(cast, application, previous_application):
    save_value(
        application=application,
        indicator=indicator(application, "CA-01"),
        by=cast.editor_a,
        changes={"source": "สถานีเทศบาล"},
        expected_version=None,
    )

    prefill_from_previous(application=application, by=cast.signatory_a)

    value = stored(application, "CA-01")
    assert (value.number, value.period, value.source) == (Decimal(40), "2567", "สถานีเทศบาล")
