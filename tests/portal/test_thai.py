import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.models import Municipality
from portal.thai import addressed, format_date, thai_sort_key
from tests.factories.portal import MunicipalityFactory


@pytest.mark.unit
@pytest.mark.parametrize(
    ("language", "expected"),
    [("th", "27 พ.ย. 2569"), ("en", "27 Nov 2026")],
)
def test_be_date_filter_uses_the_buddhist_era_in_thai(language, expected):
    template = Template("{{ day|be_date }}")

    with translation.override(language):
        rendered = template.render(Context({"day": dt.date(2026, 11, 27)}))

    assert rendered == expected


@pytest.mark.unit
def test_be_datetime_filter_shows_bangkok_local_time():
    moment = dt.datetime(2026, 11, 27, 7, 32, tzinfo=dt.UTC)

    with translation.override("th"):
        rendered = Template("{{ moment|be_datetime }}").render(Context({"moment": moment}))

    assert rendered == "27 พ.ย. 2569 14:32"


@pytest.mark.unit
def test_format_date_full_month_in_thai():
    assert format_date(dt.date(2021, 10, 21), language="th", full_month=True) == "21 ตุลาคม 2564"


@pytest.mark.unit
def test_thai_sort_key_puts_leading_vowels_in_dictionary_order():
    assert sorted(["ลำปาง", "ไชยา", "เชียงใหม่", "กรุงเทพมหานคร"], key=thai_sort_key) == [
        "กรุงเทพมหานคร",
        "เชียงใหม่",
        "ไชยา",
        "ลำปาง",
    ]


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_orders_thai_names_in_dictionary_order():
    for name in ["ลำปาง", "ไชยา", "เชียงใหม่", "กรุงเทพมหานคร"]:
        MunicipalityFactory(name_th=name)

    names = list(Municipality.objects.order_by("name_th").values_list("name_th", flat=True))

    assert names == ["กรุงเทพมหานคร", "เชียงใหม่", "ไชยา", "ลำปาง"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        ("สมชาย ใจดี", "th", "คุณสมชาย ใจดี"),
        ("นายสมชาย ใจดี", "th", "นายสมชาย ใจดี"),
        ("นางสาวสมศรี ใจดี", "th", "นางสาวสมศรี ใจดี"),
        ("น.ส.สมศรี ใจดี", "th", "น.ส.สมศรี ใจดี"),
        ("ผศ.ดร.สมศรี ใจดี", "th", "ผศ.ดร.สมศรี ใจดี"),
        ("คุณสมศรี", "th", "คุณสมศรี"),
        ("  สมชาย  ", "th", "คุณสมชาย"),
        ("Somchai Jaidee", "th", "Somchai Jaidee"),
        ("สมชาย ใจดี", "en", "สมชาย ใจดี"),
        ("", "th", ""),
    ],
)
def test_addressed_adds_khun_only_to_a_thai_name_without_a_title(name, language, expected):
    assert addressed(name, language=language) == expected


def test_addressed_filter_follows_the_active_language():
    template = Template("{% load thai %}{{ name|addressed }}")

    with translation.override("th"):
        thai = template.render(Context({"name": "สมชาย ใจดี"}))
    with translation.override("en"):
        english = template.render(Context({"name": "สมชาย ใจดี"}))

    assert (thai, english) == ("คุณสมชาย ใจดี", "สมชาย ใจดี")


@pytest.mark.parametrize(("language", "expected"), [("th", "2568"), ("en", "2025")])
def test_year_filter_counts_in_the_reader_s_era(language, expected):
    with translation.override(language):
        assert Template("{{ y|year }}|{{ none|year }}").render(Context({"y": 2025, "none": None})) == f"{expected}|"
