"""WCAG 2.1 AA, checked by axe-core in the browser: every page type, for every role that sees it, in Thai and in
English, has no violation; and the layout holds on a phone (the fields come first) and on a laptop (the ranking
board fits).

The pages run on the demo data (`seed_demo`: a cycle with applications in every state, reviews, scores and
standings) plus the few things it lacks (a question, an import check, an export, a registration awaiting
approval, a declared conflict). The data is built once for the module and served by a live server of the
module's own; each role keeps one logged-in browser tab per language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from applications.enums import ApplicationStatus, ImportStatus
from applications.models import Application, ClarificationRequest, Evidence, ImportRun
from applications.notifications import notify_results_published
from applications.selectors import application_sections
from indicators.models import AwardCycle
from portal.enums import RegistrationStatus, Role
from portal.models import Municipality, Notification, OfficerRegistration, ReviewerConflict, User
from reviews.models import ExportRun
from scoring.models import ScoreRun
from tests.e2e.conftest import SCREENSHOTS
from tests.test_permission_matrix import MATRIX

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam  # the cookie type sync_api does not export

# The mark makes pytest-django set up the test database; the data itself is the module's (`site`), committed.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
LANGUAGES = ("th", "en")
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# The demo accounts (portal/demo.py) that stand for each role.
ACCOUNTS = {
    "editor": "editor@demo.esc.th",
    "signatory": "signatory@demo.esc.th",
    "reviewer": "reviewer@demo.esc.th",
    "admin": "admin@demo.esc.th",
}
YALA, HAT_YAI = "9599", "9098"  # the demo officers' municipality; another municipality, for the registration


@dataclass
class Site:
    url: str
    objects: dict[str, Any]
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session cookie value


@dataclass(frozen=True)
class Visit:
    """A page of the portal as one role sees it: a URL name, its arguments, and an optional query string."""

    role: str
    name: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}
    query: str = ""
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.role}-{self.label or self.name.split(':')[-1]}"


def cycle(o: dict[str, Any]) -> dict[str, Any]:
    return {"code": o["cycle"].code}


def draft(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["draft"].pk}


def officer_pages(role: str) -> list[Visit]:
    """What a municipality's officer reads and fills in."""
    pages = [
        Visit(role, "home"),
        Visit(role, "applications:list"),
        Visit(role, "applications:detail", draft, "?section=profile", "form-profile"),
        Visit(role, "applications:history", draft),
        Visit(role, "applications:excel-import", draft),
        Visit(role, "applications:excel-import-run", lambda o: {"pk": o["draft"].pk, "run_id": o["import_run"].pk}),
        Visit(role, "applications:receipt", lambda o: {"pk": o["submitted"].pk}),
        Visit(role, "applications:clarifications"),
        Visit(
            role,
            "applications:clarification-answer",
            lambda o: {"pk": o["draft"].pk, "request_id": o["question"].pk},
        ),
        Visit(role, "reviews:decision-history", lambda o: {"pk": o["submitted"].pk}),
        Visit(role, "scoring:feedback", lambda o: {"pk": o["feedback_application"].pk}),
        Visit(role, "portal:municipality-detail", lambda o: {"code": YALA}),
        Visit(role, "password_change"),
        Visit(role, "password_change_done"),
        Visit(role, "portal:api-tokens"),
        Visit(role, "dashboards:municipality", label="municipality-dashboard"),
        Visit(role, "portal:notification-list"),
    ]
    return pages


# The signatory sees the editor's pages, plus the submit button and page; the ones that differ are checked.
SIGNATORY_PAGES = [
    Visit("signatory", "home"),
    Visit("signatory", "applications:list"),
    Visit("signatory", "applications:detail", draft, "?section=profile", "form-profile"),
    Visit("signatory", "applications:submit", draft),
    Visit("signatory", "applications:receipt", lambda o: {"pk": o["submitted"].pk}),
]


def section_pages(role: str, codes: list[str]) -> list[Visit]:
    return [Visit(role, "applications:detail", draft, f"?section={code}", f"form-{code}") for code in codes]


# The ESC Award application's sections on the 2024 framework (checked against the data in `site`).
SECTIONS = ["CA", "CW", "CL", "UB", "CE", "GOV"]

VISITS: list[Visit] = [
    # Anyone, logged in or not
    Visit("anonymous", "login"),
    Visit("anonymous", "reviews:results-list"),
    Visit("anonymous", "reviews:results-cycle", lambda o: {"code": "esc-2021"}),  # the demo's published cycle
    Visit("anonymous", "reviews:data-dictionary", lambda o: {"code": "esc-2021"}),
    Visit("anonymous", "password_reset"),
    Visit("anonymous", "password_reset_done"),
    Visit("anonymous", "password_reset_confirm", lambda o: {"uidb64": "MQ", "token": "bad-token"}),
    Visit("anonymous", "password_reset_complete"),
    Visit("anonymous", "portal:register"),
    Visit("anonymous", "portal:register-sent"),
    Visit("anonymous", "portal:register-verify", lambda o: {"token": "forged"}),
    Visit("anonymous", "portal:invitation-accept", lambda o: {"token": "forged"}),
    Visit("anonymous", "indicators:guide-index"),
    Visit("anonymous", "indicators:guide-cycle", lambda o: {"cycle_code": o["cycle"].code}),
    # Municipal officers: every section of the form for the editor, the last (with "Review and submit") for the
    # signatory
    *officer_pages("editor"),
    *section_pages("editor", SECTIONS),
    *SIGNATORY_PAGES,
    *section_pages("signatory", SECTIONS[-1:]),
    # Reviewers
    Visit("reviewer", "home"),
    Visit("reviewer", "applications:list"),
    Visit("reviewer", "reviews:workspace"),
    Visit("reviewer", "reviews:sheet", lambda o: {"pk": o["reviewed"].pk}),
    Visit("reviewer", "reviews:board", cycle),
    Visit("reviewer", "reviews:compare", cycle, "?ids={compare}"),
    Visit("reviewer", "reviews:decision-history", lambda o: {"pk": o["decided"].pk}),
    Visit("reviewer", "portal:conflict-list"),
    Visit("reviewer", "portal:municipality-list"),
    Visit("reviewer", "portal:municipality-detail", lambda o: {"code": YALA}),
    # Administrators
    Visit("admin", "home"),
    Visit("admin", "applications:list"),
    Visit("admin", "applications:detail", draft, "", "application-read"),
    Visit("admin", "reviews:sheet", lambda o: {"pk": o["reviewed"].pk}),
    Visit("admin", "indicators:cycle-list"),
    Visit("admin", "indicators:cycle-create"),
    Visit("admin", "indicators:cycle-detail", cycle),
    Visit("admin", "indicators:cycle-update", cycle),
    Visit("admin", "indicators:size-classes", cycle),
    Visit("admin", "indicators:cycle-clone", cycle),
    Visit("admin", "indicators:extension-create", cycle),
    Visit("admin", "indicators:framework-detail", lambda o: {"pk": o["cycle"].framework_id}),
    Visit("admin", "indicators:indicator-update", lambda o: {"pk": o["indicator"].pk}),
    Visit("admin", "portal:registration-list"),
    Visit("admin", "portal:registration-detail", lambda o: {"pk": o["registration"].pk}),
    Visit("admin", "portal:user-list"),
    Visit("admin", "portal:staff-user-create"),
    Visit("admin", "portal:municipality-list"),
    Visit("admin", "portal:municipality-correct", lambda o: {"code": YALA}),
    Visit("admin", "reviews:assignments", cycle),
    Visit("admin", "reviews:board", cycle),
    Visit("admin", "reviews:exports", cycle),
    Visit("admin", "indicators:cycle-publish", cycle),
    Visit("admin", "reviews:asean-outcomes", lambda o: {"code": "esc-2021"}),
    Visit("admin", "scoring:runs", cycle),
    Visit("admin", "dashboards:cycle", cycle, label="cycle-dashboard"),
    Visit("admin", "scoring:feedback", lambda o: {"pk": o["feedback_application"].pk}),
    Visit("admin", "portal:notification-list"),
    Visit("admin", "portal:mail-template-list"),
    Visit("admin", "portal:mail-template-edit", lambda o: {"event": "decision_recorded"}),
    Visit("admin", "portal:sent-mail-list"),
    Visit("admin", "portal:mailing-list"),
    Visit("admin", "portal:mailing-detail", lambda o: {"pk": o["mailing"].pk}),
    Visit("admin", "portal:audit-log"),
]

# URL names of the permission matrix that are not pages: actions (POST), files, the JSON API, redirects, and the
# htmx fragments that the pages above load into themselves (so axe checks them inside their page).
NOT_PAGES = {
    "healthz": "JSON",
    "set-language": "POST",
    "logout": "POST",
    "portal:invite-editor": "POST",
    "portal:registration-decide": "POST",
    "portal:registration-letter": "file",
    "portal:user-active": "POST",
    "portal:conflict-withdraw": "POST",
    "portal:notification-open": "POST",
    "portal:notification-read-all": "POST",
    "portal:mail-template-preview": "fragment of the template page",
    "portal:mail-template-reset": "POST",
    "portal:mailing-decide": "POST",
    "portal:municipality-search": "fragment of the registration form",
    "indicators:cycle-phase": "POST",
    "indicators:framework-new-version": "POST",
    "indicators:framework-adopt": "POST",
    "applications:start": "POST",
    "applications:profile-save": "POST",
    "applications:value-save": "POST",
    "applications:value-confirm": "POST",
    "applications:evidence-upload": "POST",
    "applications:evidence-file": "file",
    "applications:evidence-delete": "POST",
    "applications:prefill": "POST",
    "applications:reopen": "POST",
    "applications:api-detail-moved": "redirect to the API",
    "applications:api-value-moved": "redirect to the API",
    "api:docs": "Swagger UI, vendored as published (not our markup)",
    "portal:api-token-revoke": "POST",
    "applications:excel-template": "file",
    "applications:excel-import-apply": "POST",
    "scoring:application-scores": "fragment of the application page",
    "scoring:estimate": "fragment of the application form",
    "scoring:ranking": "redirect to the board",
    "dashboards:cycle-latest": "redirect to the newest cycle's dashboard",
    "scoring:run-progress": "fragment of the score runs page",
    "reviews:site-visit-photo": "file",
    "reviews:value-review": "POST",
    "reviews:rubric-score": "POST",
    "reviews:site-visit": "POST",
    "reviews:complete": "POST",
    "reviews:clarification-close": "POST",
    "reviews:assign": "POST",
    "reviews:unassign": "POST",
    "reviews:decide": "POST",
    "reviews:packet": "PDF",
    "scoring:feedback-pdf": "PDF (its text is checked in tests/scoring/test_feedback.py)",
    "reviews:export-progress": "fragment of the exports page",
    "reviews:export-download": "file",
    "reviews:export-excel": "file",
    "reviews:export-csv": "file",
    "indicators:cycle-publish POST": "POST",
    "reviews:asean-outcomes POST": "POST",
    "reviews:results-cycle GET": "404 for an unpublished cycle",
    "reviews:open-data-csv GET": "404 for an unpublished cycle",
    "reviews:open-data-csv": "file",
    "reviews:open-data-json": "file",
    "reviews:data-dictionary-csv": "file",
    "reviews:data-dictionary-json": "file",
}


@pytest.mark.unit
def test_every_page_of_the_permission_matrix_is_checked():
    """A new URL gets a row in the permission matrix; this makes it a page here too, or says why it is none."""
    visited = {visit.name for visit in VISITS}
    api = {name for name in MATRIX if name.startswith("api:") and name not in NOT_PAGES}  # JSON (and the schema)
    assert sorted(set(MATRIX) - visited - set(NOT_PAGES) - api) == []
    assert sorted(visited & set(NOT_PAGES)) == []


def build_objects() -> dict[str, Any]:
    call_command("seed_demo", stdout=StringIO())
    users = {role: User.objects.get(email=email) for role, email in ACCOUNTS.items()}
    cycle = AwardCycle.objects.get(code="esc-2027")
    draft = Application.objects.get(cycle=cycle, municipality__code=YALA, status=ApplicationStatus.DRAFT)
    assert [section.area.code for section in application_sections(draft)] == SECTIONS
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT).get(municipality__code=YALA)
    reviewed = Application.objects.filter(
        cycle=cycle, status=ApplicationStatus.UNDER_REVIEW, assignments__reviewer=users["reviewer"]
    ).first()
    assert reviewed is not None
    decided = Application.objects.filter(cycle=cycle, status=ApplicationStatus.SHORTLISTED).first()
    compared = Application.objects.filter(cycle=cycle, category_code="CA").exclude(status=ApplicationStatus.DRAFT)[:2]
    indicator = cycle.framework.indicators.get(code="CA-01")
    evidence = Evidence(
        application=draft,
        indicator=indicator,
        name="aqi-2569.pdf",
        file_type="pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
        uploaded_by=users["editor"],
    )
    evidence.file.save("aqi-2569.pdf", ContentFile(MINIMAL_PDF), save=False)
    evidence.save()
    question = ClarificationRequest.objects.create(
        application=draft, indicator=indicator, question="โปรดแนบข้อมูลรายวันจากสถานีตรวจวัด", asked_by=users["reviewer"]
    )
    reviewed_value = reviewed.values.select_related("indicator").first()
    assert reviewed_value is not None
    ClarificationRequest.objects.create(
        application=reviewed,
        indicator=reviewed_value.indicator,
        question="โปรดยืนยันปีของข้อมูล",
        asked_by=users["reviewer"],
    )
    import_run = ImportRun.objects.create(
        application=draft,
        name="values.xlsx",
        sha256="0" * 64,
        status=ImportStatus.CHECKED,
        changes=[
            {"row": 5, "code": "CA-01", "name_th": indicator.name_th, "name_en": indicator.name_en}
            | {"field": "value", "old": "", "new": "88"}
        ],
        created_by=users["editor"],
    )
    ExportRun.objects.create(cycle=cycle, status=ExportRun.Status.DONE, total=1, done=1, requested_by=users["admin"])
    registration = OfficerRegistration(
        email="applicant@example.go.th",
        full_name="ผู้สมัคร ทดสอบ",
        position="นักวิชาการสิ่งแวดล้อม",
        phone="073 000 000",
        municipality=Municipality.objects.get(code=HAT_YAI),
        requested_role=Role.EDITOR,
        password_hash="!",
        authorisation_letter_name="letter.pdf",
        authorisation_letter_sha256="0" * 64,
        status=RegistrationStatus.AWAITING_APPROVAL,
    )
    registration.authorisation_letter.save("letter.pdf", ContentFile(MINIMAL_PDF), save=False)
    registration.save()
    ReviewerConflict.objects.create(
        reviewer=users["reviewer"], municipality=Municipality.objects.get(code=HAT_YAI), reason="เคยทำงานที่นี่"
    )
    assert ScoreRun.objects.filter(cycle=cycle).exists()
    # The feedback report needs published results: those of the submitted application's cycle.
    AwardCycle.objects.filter(pk=submitted.cycle_id).update(results_published_at=timezone.now())
    # Decisions on two applications wait in the outbox; the officers have notifications.
    mailing = notify_results_published(cycle, by=users["admin"])
    for role in ("editor", "signatory", "admin"):
        Notification.objects.create(user=users[role], event="invitation", title="ผลการคัดเลือกประกาศแล้ว", link="/")
    return {
        "mailing": mailing,
        "users": users,
        "cycle": cycle,
        "draft": draft,
        "submitted": submitted,
        "reviewed": reviewed,
        "decided": decided,
        "compare": ",".join(str(application.pk) for application in compared),
        "indicator": indicator,
        "question": question,
        "import_run": import_run,
        "registration": registration,
        "feedback_application": submitted,
    }


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The demo data and a live server, once for the module; the database is emptied afterwards, as a
    transactional test would leave it."""
    with django_db_blocker.unblock():
        try:
            objects = build_objects()
            sessions = {}
            for role, user in objects["users"].items():
                client = Client()
                client.force_login(user)
                sessions[role] = client.cookies["sessionid"].value
            server = LiveServer("localhost")  # pytest-django's, started here so that the data outlives each test
            try:
                yield Site(url=server.url, objects=objects, sessions=sessions)
            finally:
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def tabs(browser: Browser, site: Site) -> Iterator[Callable[..., Page]]:
    """One logged-in browser tab per role, language and viewport, made when first asked for and kept for the module."""
    made: dict[tuple[str, str, str], BrowserContext] = {}

    def get(role: str, language: str, viewport: ViewportSize | None = None) -> Page:
        viewport = viewport or {"width": 1280, "height": 800}
        key = (role, language, f"{viewport['width']}x{viewport['height']}")
        if key not in made:
            context = browser.new_context(locale="en-US", viewport=viewport, base_url=site.url)
            cookies: list[SetCookieParam] = [{"name": "django_language", "value": language, "url": site.url}]
            if role != "anonymous":
                cookies.append({"name": "sessionid", "value": site.sessions[role], "url": site.url})
            context.add_cookies(cookies)
            context.add_init_script(CSP_LISTENER)
            context.new_page()
            made[key] = context
        return made[key].pages[0]

    yield get
    for context in made.values():
        context.close()


def address(site: Site, visit: Visit) -> str:
    query = visit.query.format(compare=site.objects["compare"])
    return reverse(visit.name, kwargs=visit.kwargs(site.objects)) + query


def open_page(page: Page, path: str) -> Page:
    page.goto(path)
    # The fragments htmx loads into the page (estimate, scores, progress) are requested before `load`; wait for them.
    # A locator, not wait_for_function: that evaluates a string in the page, which the CSP refuses.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    return page


def report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


AXE = Axe()
# Every page records what the Content-Security-Policy refused (an inline script or style, a foreign source).
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"} ${where}`);
});
"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.id)
def test_page_has_no_accessibility_violations(tabs, site, visit, language):
    page = open_page(tabs(visit.role, language), address(site, visit))
    assert page.locator("html").get_attribute("lang") == language
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # nothing runs off
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        pytest.fail(f"{page.url}\n{report(violations)}", pytrace=False)
    assert page.evaluate("window.cspViolations") == [], page.url


def test_on_a_phone_the_fields_come_before_the_sidebar_and_the_estimate(tabs, site):
    page = open_page(tabs("editor", "th", PHONE), address(site, Visit("editor", "applications:detail", draft)))
    first_field = page.locator(".indicator-card").first.bounding_box()
    sidebar = page.locator(".app-sidebar").bounding_box()
    estimate = page.get_by_test_id("estimate-panel").bounding_box()
    assert first_field["y"] + first_field["height"] <= sidebar["y"] < estimate["y"]
    # Keyboard order follows: the first field's input comes before the first section link.
    order = page.evaluate(
        """() => [...document.querySelectorAll('.indicator-card input, .indicator-card textarea, .section-link')]
               .map(element => element.classList.contains('section-link') ? 'sidebar' : 'field')"""
    )
    assert order.index("field") < order.index("sidebar")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "a11y-form-phone.png")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_on_a_laptop_the_ranking_board_fits_its_container(tabs, site, role, language):
    page = open_page(tabs(role, language, LAPTOP), address(site, Visit(role, "reviews:board", cycle)))
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    holder = page.locator(".table-responsive:has([data-testid=board-table])")
    box = holder.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= LAPTOP["width"]
    scroll_width, client_width = holder.evaluate("element => [element.scrollWidth, element.clientWidth]")
    if scroll_width > client_width:  # it scrolls inside its own container: one a keyboard can reach and name
        assert holder.get_attribute("tabindex") == "0"
        assert holder.get_attribute("aria-label") or holder.get_attribute("aria-labelledby")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"a11y-board-laptop-{role}-{language}.png", full_page=True)
