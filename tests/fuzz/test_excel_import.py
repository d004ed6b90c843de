"""Fuzzing the Excel import through its pages: workbooks written with openpyxl whose cells hold numbers (huge, NaN,
infinite), text (Thai, very long, Excel's escape for a NUL byte), formulas, dates, booleans and percentages, with
renamed sheets and headers, missing or foreign identity sheets, unknown and repeated codes; and files that are no
workbook at all. Never a server error; the dry run writes nothing to the application; every refusal and every
row error says why in the reader's language; an applied run stores exactly what its dry run showed, and the same
file checked again then finds nothing to change."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from applications.enums import ImportStatus
from applications.imports import check_import
from applications.models import ImportRun, IndicatorValue
from applications.spreadsheets.columns import COLUMNS, DATA_SHEETS, HEADERS, IDENTITY_SHEET
from indicators.models import Indicator
from tests.fuzz.conftest import (
    CODES,
    COUNT,
    FREE_TEXT,
    HOSTILE,
    LANGUAGES,
    NASTY,
    NUMBER,
    PERCENT,
    RUBRIC,
    THAI_TEXT,
    YES_NO,
    application_state,
    assert_explained,
    fuzz,
    half,
    inputs,
    rolled_back,
    speaking,
)
from tests.fuzz.oracles import shown

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MARK = "@@raw@@"  # a cell whose XML is replaced as written, for what openpyxl refuses to write


def _writable(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


TEXT_CELLS = st.one_of(HOSTILE, THAI_TEXT).map(_writable)
# What an officer's Excel can leave in a value cell.
CELLS = st.one_of(
    st.none(),
    TEXT_CELLS,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.builds(dt.datetime.combine, st.dates(min_value=dt.date(1900, 3, 1)), st.times()),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.sampled_from(("=1/0", "=A1", "=SUM(1,2)", '="12"', '=HYPERLINK("http://example.com","5")')),
    st.tuples(st.decimals(min_value=-2, max_value=2, places=4), st.just("0%")),  # "85%" typed into Excel
)
# A cell's XML as a damaged or hand-made file may hold it (None: as openpyxl wrote it).
RAW_CELLS = st.sampled_from(
    (
        None,  # most files: as openpyxl wrote them
        None,
        None,
        None,
        None,
        None,
        '<c r="{ref}" t="n"><v>NaN</v></c>',
        '<c r="{ref}" t="n"><v>1e999999</v></c>',
        '<c r="{ref}" t="n"><v>-inf</v></c>',
        '<c r="{ref}" t="n"><v>0x10</v></c>',
        '<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
        '<c r="{ref}" t="inlineStr"><is><t>12_x0000_</t></is></c>',
        '<c r="{ref}" t="inlineStr"><is><t>ปี_x0000_2568</t></is></c>',
        '<c r="{ref}" t="s"><v>99999</v></c>',
        '<c r="{ref}" t="b"><v>2</v></c>',
        '<c r="{ref}" t="d"><v>not a date</v></c>',
        '<c r="{ref}" t="str"><v>๑๒.๕</v></c>',
    )
)
ROW_CODES = half(
    st.sampled_from(CODES), st.one_of(st.sampled_from(("ca-01", " CA-02 ", "XX-99", "", "=A1")), TEXT_CELLS)
)
# What an officer types: a level, a percentage, yes or no, a sentence.
PLAUSIBLE = st.one_of(
    st.integers(min_value=0, max_value=4),
    st.decimals(min_value=0, max_value=100, places=2),
    st.sampled_from(("มี", "ไม่มี", "yes", "no", "12.5", "๘๕")),
    THAI_TEXT,
)


@dataclass
class Layout:
    """How the data sheet and the identity sheet are laid out (the template's, or a damaged copy of it)."""

    sheet_name: str
    header_language: str
    columns: list[str]  # keys of COLUMNS in the file's order (some may be missing)
    renamed: dict[str, str] = field(default_factory=dict)  # column key → another header
    identity: str = "ok"  # "ok", "missing", "other application", "other cycle"
    data_sheet_first: bool = True


TEMPLATE_LAYOUTS = st.builds(
    Layout,
    sheet_name=st.sampled_from(tuple(DATA_SHEETS.values())),
    header_language=st.sampled_from(("th", "en")),
    columns=st.just(list(COLUMNS)),
)
DAMAGED_LAYOUTS = st.builds(
    Layout,
    sheet_name=st.sampled_from((*DATA_SHEETS.values(), "Sheet1", "ค่า", "Indicators ")),
    header_language=st.sampled_from(("th", "en")),
    columns=half(
        st.just(list(COLUMNS)),
        st.permutations(COLUMNS).flatmap(lambda keys: st.integers(3, len(keys)).map(lambda n: list(keys[:n]))),
    ),
    renamed=st.dictionaries(
        st.sampled_from(COLUMNS), st.one_of(TEXT_CELLS, st.sampled_from((" Value ", "ค่า "))), max_size=2
    ),
    identity=st.sampled_from(("ok", "missing", "other application", "other cycle")),
    data_sheet_first=st.booleans(),
)
LAYOUTS = st.one_of(TEMPLATE_LAYOUTS, TEMPLATE_LAYOUTS, DAMAGED_LAYOUTS)  # two in three as the template
HOSTILE_ROWS = st.lists(
    st.fixed_dictionaries(
        {"code": ROW_CODES, "value": half(PLAUSIBLE, CELLS)},
        optional={
            "description": TEXT_CELLS,
            "period": st.one_of(TEXT_CELLS, CELLS),
            "source": TEXT_CELLS,
            "comment": TEXT_CELLS,
        },
    ),
    min_size=1,
    max_size=8,
)
# A file an officer filled in with care: each code once, a value its indicator takes.
FITTING = {
    PERCENT: st.decimals(min_value=0, max_value=100, places=2),
    COUNT: st.integers(min_value=0, max_value=366),
    NUMBER: st.decimals(min_value=0, max_value=500, places=3),
    RUBRIC: st.integers(min_value=0, max_value=4),
    YES_NO: st.sampled_from(("มี", "ไม่มี", "yes", "no")),
    FREE_TEXT: THAI_TEXT,
}


def _fitting_row(code: str) -> st.SearchStrategy[dict[str, Any]]:
    optional = {"period": TEXT_CELLS, "source": THAI_TEXT, "comment": TEXT_CELLS}
    if code == RUBRIC:
        optional["description"] = THAI_TEXT
    return st.fixed_dictionaries({"code": st.just(code), "value": half(FITTING[code], st.none())}, optional=optional)


CAREFUL_ROWS = st.lists(st.sampled_from(CODES), min_size=1, unique=True).flatmap(
    lambda codes: st.tuples(*(_fitting_row(code) for code in codes)).map(list)
)
ROWS = half(CAREFUL_ROWS, HOSTILE_ROWS)
# Files that are no workbook, or a broken one.
NOT_WORKBOOKS = st.one_of(
    st.binary(max_size=64),
    st.sampled_from((b"", b"PK\x03\x04", b"%PDF-1.4\n%%EOF", b"PK\x03\x04" + b"\x00" * 200)),
)


def _cell_value(sheet: Any, row: int, column: int, value: Any) -> None:
    if isinstance(value, tuple):
        cell = sheet.cell(row=row, column=column, value=value[0])
        cell.number_format = value[1]
    else:
        sheet.cell(row=row, column=column, value=value)


def workbook_bytes(application: Any, layout: Layout, rows: list[dict[str, Any]], raw_cell: str | None) -> bytes:
    workbook = Workbook()
    data = workbook.worksheets[0]  # the active one
    data.title = layout.sheet_name
    if not layout.data_sheet_first:
        workbook.move_sheet(workbook.create_sheet("ก่อน"), offset=-1)
    for index, key in enumerate(layout.columns, start=1):
        data.cell(row=1, column=index, value=layout.renamed.get(key, HEADERS[layout.header_language][key]))
    for number, row in enumerate(rows, start=2):
        for key, value in row.items():
            if key in layout.columns:
                _cell_value(data, number, layout.columns.index(key) + 1, value)
    if raw_cell is not None and rows and "value" in layout.columns:
        data.cell(row=2, column=layout.columns.index("value") + 1, value=MARK)
    if layout.identity != "missing":
        identity = workbook.create_sheet(IDENTITY_SHEET)
        pk = application.pk + (1 if layout.identity == "other application" else 0)
        cycle = "esc-other" if layout.identity == "other cycle" else application.cycle.code
        for pair in (("application", pk), ("cycle", cycle), ("format", "1")):
            identity.append(pair)
        identity.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    return _with_raw_cell(content, raw_cell) if raw_cell is not None else content


def _with_raw_cell(content: bytes, raw_cell: str) -> bytes:
    """Replace the marked cell's XML with `raw_cell`, in whichever sheet holds it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and MARK.encode() in data:
                pattern = re.compile(rb'<c r="([A-Z]+[0-9]+)"(?:(?!</c>).)*' + re.escape(MARK.encode()) + rb".*?</c>")
                data = pattern.sub(lambda match: raw_cell.format(ref=match.group(1).decode()).encode(), data)
            target.writestr(item, data)
    return buffer.getvalue()


def _texts(rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(str(value) for row in rows for value in row.values() if isinstance(value, str))


def upload(client: Any, application: Any, content: bytes, name: str) -> Any:
    response = client.post(
        reverse("applications:excel-import", args=[application.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code < 500, response.status_code
    return response


def values_as_text(application: Any) -> dict[str, dict[str, str]]:
    """Every value of the application as the dry run writes it: the value as the form shows it (a free-text
    indicator's text), a rubric's description, period, source and comment."""
    indicators = {
        indicator.pk: indicator for indicator in Indicator.objects.filter(framework=application.cycle.framework)
    }
    texts = {}
    for value in IndicatorValue.objects.filter(application=application):
        indicator = indicators[value.indicator_id]
        texts[indicator.code] = {
            "value": value.text if indicator.value_type == "text" else shown(value),
            "description": value.text if indicator.value_type == "rubric" else "",
            "period": value.period,
            "source": value.source,
            "comment": value.comment,
        }
    return texts


@fuzz(40)
@given(
    layout=LAYOUTS,
    rows=ROWS,
    raw_cell=RAW_CELLS,
    name=half(st.just("ค่าตัวชี้วัด.xlsx"), st.one_of(NASTY, TEXT_CELLS).map(lambda text: f"{text}.xlsx")),
    language=LANGUAGES,
)
@example(  # Excel's escape for a NUL byte reaches a period, a comment or a source as a NUL byte
    layout=Layout(sheet_name="ตัวชี้วัด", header_language="th", columns=list(COLUMNS)),
    rows=[{"code": "CA-01", "value": 12, "period": "ปี_x0000_2568"}],
    raw_cell=None,
    name="values.xlsx",
    language="th",
)
@example(
    layout=Layout(sheet_name="Indicators", header_language="en", columns=list(COLUMNS)),
    rows=[{"code": "CA-02", "value": 3}],
    raw_cell='<c r="{ref}" t="inlineStr"><is><t>12_x0000_</t></is></c>',
    name="values.xlsx",
    language="en",
)
@example(  # the dry run let a comment over the form's 2000 characters through, and applying it then failed
    layout=Layout(sheet_name="ตัวชี้วัด", header_language="th", columns=list(COLUMNS)),
    rows=[{"code": "CA-01", "value": 12, "comment": "ก" * 2001}, {"code": "CA-10", "value": "ข" * 5001}],
    raw_cell=None,
    name="values.xlsx",
    language="th",
)
def test_an_uploaded_workbook_is_checked_and_applied_whole_or_refused_with_reasons(
    cast, editor, application, layout, rows, raw_cell, name, language
):
    inputs(layout=layout, rows=rows, raw_cell=raw_cell, name=name, language=language)
    client = speaking(editor, language)
    with rolled_back():
        content = workbook_bytes(application, layout, rows, raw_cell)
        _check_upload(client, cast, application, content, name, language, echoed=(*_texts(rows), name))


# A good workbook damaged on its way: cut short, or one byte changed (kind, where, new byte).
DAMAGE = st.tuples(st.sampled_from(("cut", "flip")), st.floats(min_value=0, max_value=1), st.integers(0, 255))


def _damaged(content: bytes, damage: tuple[str, float, int]) -> bytes:
    kind, where, byte = damage
    position = min(int(where * len(content)), len(content) - 1)
    if kind == "cut":
        return content[:position]
    return content[:position] + bytes([byte]) + content[position + 1 :]


@fuzz(20)
@given(
    content=half(NOT_WORKBOOKS, st.none()),
    damage=DAMAGE,
    name=st.one_of(NASTY, TEXT_CELLS).map(lambda text: f"{text}.xlsx"),
    language=LANGUAGES,
)
def test_a_file_that_is_no_workbook_or_a_damaged_one_is_refused_with_a_reason(
    cast, editor, application, content, damage, name, language
):
    inputs(content=content, damage=damage, name=name, language=language)
    client = speaking(editor, language)
    if content is None:
        layout = Layout(sheet_name="ตัวชี้วัด", header_language="th", columns=list(COLUMNS))
        content = _damaged(workbook_bytes(application, layout, [{"code": PERCENT, "value": 85}], None), damage)
    with rolled_back():
        _check_upload(client, cast, application, content, name, language, echoed=(name,))


def _check_upload(client, cast, application, content: bytes, name: str, language: str, *, echoed) -> None:
    before = application_state(application)
    runs_before = set(ImportRun.objects.values_list("pk", flat=True))
    response = upload(client, application, content, name)
    runs = ImportRun.objects.exclude(pk__in=runs_before)
    if response.status_code == 200:  # the form itself refused the file (empty, too large)
        event("form refused")
        assert not runs.exists()
        with translation.override(language):  # the form's messages are lazy: read them as the page did
            errors = [
                str(error) for name in ("__all__", "file") for error in response.context["form"].errors.get(name, [])
            ]
        assert_explained(errors, language, echoed=echoed)
        assert application_state(application) == before
        return
    assert response.status_code == 302
    (run,) = runs
    assert response["Location"] == reverse("applications:excel-import-run", args=[application.pk, run.pk])
    assert application_state(application)[:4] == before[:4], "the dry run wrote to the application"
    assert "\x00" not in run.name
    page = client.get(response["Location"])
    assert page.status_code == 200
    if run.status == ImportStatus.REFUSED:
        event("refused")
        assert run.errors
        assert not run.changes
        assert all(error["row"] is None for error in run.errors)
        assert_explained([error["message"] for error in run.errors], language, echoed=echoed)
        return
    assert run.status == ImportStatus.CHECKED
    if run.errors:
        assert_explained([error["message"] for error in run.errors], language, echoed=echoed)
    state = application_state(application)
    client.cookies.pop("messages", None)
    applied = client.post(reverse("applications:excel-import-apply", args=[application.pk, run.pk]))
    assert applied.status_code == 302
    run.refresh_from_db()
    if run.errors:
        event("row errors")
        assert run.status == ImportStatus.CHECKED
        assert application_state(application)[:4] == state[:4], "a run with errors wrote to the application"
        assert_explained([str(message) for message in get_messages(applied.wsgi_request)], language)
        return
    event("applied" if run.changes else "nothing to change")
    assert run.status == ImportStatus.APPLIED, [str(message) for message in get_messages(applied.wsgi_request)]
    stored = values_as_text(application)
    for change in run.changes:  # what the dry run showed is what is stored
        empty = dict.fromkeys(("value", "description", "period", "source", "comment"), "")
        assert stored.get(change["code"], empty)[change["field"]] == change["new"], change
    again = check_import(application=application, file=SimpleUploadedFile(name, content), by=cast.editor_a)
    assert again.changes == [], "the same file, checked again after applying it, still changes something"
    assert again.errors == []
