import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from indicators.enums import CyclePhase
from indicators.models import AwardCycle
from indicators.rules import UNITS, describe_rule
from tests.factories.indicators import load_shipped_framework, make_cycle

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SHIPPED_FRAMEWORKS = (("esc-2021", 34), ("esc-2024", 42))
PROPOSAL_BADGE_TH = "ข้อเสนอ ยังไม่ใช่เกณฑ์ทางการ"
PROPOSAL_BADGE_EN = "Proposal, not an official rule"
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list["Element"]
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def within(self, other: "Element") -> bool:
        return any(ancestor is other for ancestor in self.ancestors)


class Page(HTMLParser):
    """The rendered guide as a flat list of elements that know their ancestors and their text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[Element] = []
        self.elements: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, list(self.open))
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.chunks.append(data)

    def find(self, *, tag: str | None = None, inside: Element | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.elements
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items())
            and (inside is None or element.within(inside))
        ]

    def cards(self) -> dict[str, Element]:
        return {
            element.attrs["id"]: element
            for element in self.elements
            if element.tag == "article" and "guide-indicator" in element.attrs.get("class", "").split()
        }

    def card_names(self) -> dict[str, str]:
        return {code: self.find(tag="h3", inside=card)[0].text for code, card in self.cards().items()}

    def table_rows(self, table_id: str) -> list[tuple[str, ...]]:
        (table,) = self.find(tag="table", id=table_id)
        return [
            tuple(cell.text for cell in self.find(tag="td", inside=row))
            for row in self.find(tag="tr", inside=table)
            if self.find(tag="td", inside=row)
        ]

    def text_of(self, testid: str) -> str:
        (element,) = self.find(data_testid=testid)
        return element.text


def public_cycle(framework_name: str = "esc-2021", **fields: Any) -> AwardCycle:
    return make_cycle(
        code=f"guide-{framework_name}",
        framework=load_shipped_framework(framework_name),
        **{"phase": CyclePhase.CALL_OPEN, **fields},
    )


def guide_url(cycle: AwardCycle) -> str:
    return reverse("indicators:guide-cycle", kwargs={"cycle_code": cycle.code})


def test_guide_index_lists_public_cycles_to_anonymous_visitors(client):
    archived = public_cycle("esc-2021", phase=CyclePhase.ARCHIVED, name_th="รอบ 2564", name_en="2021 cycle")
    current = public_cycle("esc-2024", name_th="รอบ 2570", name_en="2027 cycle")
    draft = make_cycle(code="guide-draft", framework=current.framework, name_th="รอบร่าง")

    response = client.get(reverse("indicators:guide-index"))

    assert response.status_code == 200
    page = Page(response.content.decode())
    links = [link.attrs["href"] for link in page.find(tag="a") if link.within(page.find(data_testid="guide-cycles")[0])]
    assert links == [guide_url(archived), guide_url(current)]  # same reference year, so by code
    assert {link.text for link in page.find(tag="a", href=guide_url(current))} == {"รอบ 2570"}
    assert page.find(tag="a", href=guide_url(draft)) == []


def test_guide_index_names_cycles_in_english_after_switching_language(client):
    cycle = public_cycle(name_en="7th ASEAN ESC Award (test)")
    client.cookies["django_language"] = "en"

    response = client.get(reverse("indicators:guide-index"))

    page = Page(response.content.decode())
    assert [link.text for link in page.find(tag="a", href=guide_url(cycle))] == ["7th ASEAN ESC Award (test)"]


def test_guide_cycle_page_is_open_to_anonymous_visitors(client):
    cycle = public_cycle()

    response = client.get(guide_url(cycle))

    assert response.status_code == 200
    assert response.templates[0].name == "indicators/guide/guide_cycle.html"


@pytest.mark.parametrize("code", ["guide-draft", "no-such-cycle"])
def test_guide_of_a_draft_or_unknown_cycle_is_not_found(client, code):
    make_cycle(code="guide-draft", phase=CyclePhase.DRAFT)

    response = client.get(reverse("indicators:guide-cycle", kwargs={"cycle_code": code}))

    assert response.status_code == 404


@pytest.mark.parametrize(("framework_name", "indicator_count"), SHIPPED_FRAMEWORKS)
def test_guide_shows_every_indicator_with_its_thai_name(client, framework_name, indicator_count):
    cycle = public_cycle(framework_name)

    response = client.get(guide_url(cycle))

    names = Page(response.content.decode()).card_names()
    assert names == {indicator.code: indicator.name_th for indicator in cycle.framework.indicators.all()}
    assert len(names) == indicator_count


@pytest.mark.parametrize(("framework_name", "indicator_count"), SHIPPED_FRAMEWORKS)
def test_guide_shows_every_indicator_with_its_english_name_after_switching_language(
    client, framework_name, indicator_count
):
    cycle = public_cycle(framework_name)
    client.cookies["django_language"] = "en"

    response = client.get(guide_url(cycle))

    names = Page(response.content.decode()).card_names()
    assert response["Content-Language"] == "en"
    assert names == {indicator.code: indicator.name_en for indicator in cycle.framework.indicators.all()}
    assert len(names) == indicator_count


@pytest.mark.parametrize(
    ("language", "badge_text"),
    [pytest.param("th", PROPOSAL_BADGE_TH, id="th"), pytest.param("en", PROPOSAL_BADGE_EN, id="en")],
)
def test_guide_marks_each_proposed_rule_once_and_a_sourced_rule_not_at_all(client, language, badge_text):
    cycle = public_cycle()
    cycle.framework.indicators.filter(code="CA-01").update(rule_source="https://www.pcd.go.th/laws/aqi-standard/")
    client.cookies["django_language"] = language

    response = client.get(guide_url(cycle))

    page = Page(response.content.decode())
    badges = {code: page.find(data_testid="proposal-badge", inside=card) for code, card in page.cards().items()}
    assert {code: len(found) for code, found in badges.items()} == {
        indicator.code: 0 if indicator.code == "CA-01" else 1 for indicator in cycle.framework.indicators.all()
    }
    assert {badge.text for found in badges.values() for badge in found} == {badge_text}
    assert len(page.find(data_testid="proposal-badge")) == 33


@pytest.mark.parametrize("language", ["th", "en"])
def test_guide_scoring_table_of_ca_02_shows_the_rows_of_describe_rule(client, language):
    cycle = public_cycle("esc-2021")
    indicator = cycle.framework.indicators.get(code="CA-02")
    sentence, rows = describe_rule(
        indicator.rule, unit_symbol=UNITS[indicator.unit].symbol(language), language=language, integer=True
    )
    client.cookies["django_language"] = language

    response = client.get(guide_url(cycle))

    page = Page(response.content.decode())
    assert page.table_rows("rule-CA-02") == [(condition, str(points)) for condition, points in rows]
    assert [paragraph.text for paragraph in page.find(data_testid="rule-sentence", inside=page.cards()["CA-02"])] == [
        sentence
    ]


@pytest.mark.parametrize(
    ("language", "shown"), [pytest.param("th", "พ.ศ. 2568", id="th"), pytest.param("en", "2025", id="en")]
)
def test_guide_shows_the_reference_year_in_buddhist_era_in_thai(client, language, shown):
    cycle = public_cycle(reference_year=2025)
    client.cookies["django_language"] = language

    response = client.get(guide_url(cycle))

    assert Page(response.content.decode()).text_of("reference-year") == shown


def test_guide_explains_scores_from_the_cycle_settings(client):
    cycle = public_cycle(
        completeness_minimum=Decimal("0.75"),
        esc_award_core_weight=Decimal("0.7"),
        esc_award_governance_weight=Decimal("0.3"),
        tiers=[
            {"min_score": "70", "code": "gold", "label_th": "ระดับทอง", "label_en": "Gold"},
            {"min_score": "0", "code": "none", "label_th": "ไม่ถึงเกณฑ์", "label_en": "No tier"},
        ],
    )
    client.cookies["django_language"] = "en"

    response = client.get(guide_url(cycle))

    page = Page(response.content.decode())
    assert page.text_of("area-formula") == "area score = 100 × Σ(weight × points) ÷ (4 × Σ weight)"
    assert page.text_of("composite-formula") == (
        "composite = 70 % × mean score of the category areas + 30 % × governance area score"
    )
    assert page.text_of("completeness") == (
        "Completeness is the share of the indicators that apply to the municipality for which a value was "
        "submitted. An application is ranked only when its completeness is at least 75 %."
    )
    assert page.table_rows("tiers") == [("Gold", "70"), ("No tier", "0")]


@pytest.mark.parametrize(("framework_name", "indicator_count"), SHIPPED_FRAMEWORKS)
def test_guide_cycle_query_count_does_not_grow_with_the_framework(
    client, django_assert_num_queries, framework_name, indicator_count
):
    cycle = public_cycle(framework_name)

    with django_assert_num_queries(3):  # the cycle with its framework, the areas, their indicators
        response = client.get(guide_url(cycle))

    assert len(Page(response.content.decode()).cards()) == indicator_count


@pytest.mark.parametrize("cycle_count", [1, 3])
def test_guide_index_query_count_does_not_grow_with_the_cycles(client, django_assert_num_queries, cycle_count):
    framework = load_shipped_framework()
    for number in range(cycle_count):
        make_cycle(code=f"guide-{number}", framework=framework, phase=CyclePhase.ARCHIVED)

    with django_assert_num_queries(1):
        response = client.get(reverse("indicators:guide-index"))

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "editor_a", "reviewer", "admin"])
def test_navigation_links_every_visitor_to_the_guide(client, cast, role):
    user = cast.by_name(role)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("indicators:guide-index") if user is None else reverse("home"))

    links = Page(response.content.decode()).find(data_testid="nav-guide")
    assert [(link.attrs["href"], link.text) for link in links] == [(reverse("indicators:guide-index"), "คู่มือตัวชี้วัด")]


ASEAN_DATES = {
    "asean_handover_on": dt.date(2026, 12, 1),
    "asean_selection_on": dt.date(2027, 3, 15),
    "asean_endorsement_on": dt.date(2027, 8, 20),
    "asean_ceremony_on": dt.date(2027, 10, 28),
}


def timeline(page: Page) -> dict[str, tuple[str, str]]:
    """The timeline's dates: {field: (label, date as shown)}, in the page's order."""
    (section,) = page.find(data_testid="cycle-timeline")
    terms = page.find(tag="dt", inside=section)
    dates = page.find(tag="dd", inside=section)
    return {dd.attrs["data-date"]: (term.text, dd.text) for term, dd in zip(terms, dates, strict=True)}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param(
            "th",
            {
                "call_opens_on": ("วันเปิดรับสมัคร", "2 มี.ค. 2569"),
                "asean_handover_on": ("ส่งมอบให้คณะทำงานอาเซียน", "1 ธ.ค. 2569"),
                "asean_selection_on": ("การคัดเลือกระดับอาเซียน", "15 มี.ค. 2570"),
                "asean_endorsement_on": ("การรับรองของเจ้าหน้าที่อาวุโส", "20 ส.ค. 2570"),
                "asean_ceremony_on": ("พิธีมอบรางวัลระดับรัฐมนตรี", "28 ต.ค. 2570"),
            },
            id="th",
        ),
        pytest.param(
            "en",
            {
                "call_opens_on": ("Call opens", "2 Mar 2026"),
                "asean_handover_on": ("Hand-over to the ASEAN working group", "1 Dec 2026"),
                "asean_selection_on": ("ASEAN regional selection", "15 Mar 2027"),
                "asean_endorsement_on": ("Senior officials' endorsement", "20 Aug 2027"),
                "asean_ceremony_on": ("Ministers' award ceremony", "28 Oct 2027"),
            },
            id="en",
        ),
    ],
)
def test_guide_timeline_lists_the_asean_dates_in_the_readers_calendar(client, language, expected):
    cycle = public_cycle(call_opens_on=dt.date(2026, 3, 2), **ASEAN_DATES)
    client.cookies["django_language"] = language

    response = client.get(guide_url(cycle))

    assert timeline(Page(response.content.decode())) == expected


def test_guide_has_no_timeline_while_no_date_is_set(client):
    cycle = public_cycle()

    response = client.get(guide_url(cycle))

    assert Page(response.content.decode()).find(data_testid="cycle-timeline") == []
