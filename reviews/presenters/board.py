"""The ranking board as its content template shows it: groups, filters, sortable columns, the page of ranked rows
and the page of unranked ones with their links, the decision form; the tiers' labels and query-string links it
shares with the comparison and the assignments page.

Everything is read through reviews.board (the stored standing, in a constant number of queries); the rendered
content is kept by the view under reviews.board_cache's fingerprint.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import QueryDict
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.selectors import applications_visible_to
from indicators.models import Area, AwardCycle
from portal.i18n import current_language, localized
from portal.models import User
from reviews import board, board_cache
from reviews.board_html import RowWriter, select_options
from reviews.forms import DecisionForm
from reviews.permissions import can_decide
from scoring.models import Standing


def query_with(query: QueryDict, **changes: str | None) -> str:
    """The current query string with some parameters changed (None removes one)."""
    copy = query.copy()
    for name, value in changes.items():
        if value is None:
            copy.pop(name, None)
        else:
            copy[name] = value
    return f"?{copy.urlencode()}" if copy else "?"


def board_context(
    *, cycle: AwardCycle, standings: list[Standing], kind: str, query: QueryDict, user: User, board_url: str
) -> dict[str, Any]:
    """The content of the board of `cycle` on the basis `kind` as `query` asks for it (group, filters, sort, pages),
    for `user`; `board_url` is the page's own address (where a decision returns to)."""
    context: dict[str, Any] = {"csrf_field": mark_safe(board_cache.CSRF_FIELD)}  # noqa: S308 -- a comment
    language = current_language()
    areas = {area.code: area for area in board.framework_areas(cycle)}
    groups = board.board_groups(standings, areas, language)
    current = next((group for group in groups if group.key == query.get("group")), groups[0] if groups else None)
    tiers = cycle.tier_labels(language)
    provinces = board.board_provinces(current.standing, language) if current else []
    filters = board.Filters.parse(query, provinces=provinces, tiers=tiers)
    choices = filters.choices(groups=groups, current=current, kind=kind, provinces=provinces, tiers=tiers)
    area_columns = board.area_columns(areas, current.standing if current else None)
    sort = sort_key(query.get("sort", ""), area_columns)
    can_decide_here = can_decide(user)
    context.update(
        cycle=cycle,
        groups=groups,
        current=current,
        kind=kind,
        options={name: select_options(options, chosen) for name, (options, chosen) in choices.items()},
        disagreement_only=filters.disagreement,
        sort=sort,
        tiers=tiers,
        minimum=cycle.completeness_minimum,
        can_decide=can_decide_here,
        decision_form=DecisionForm(),
        board_url=board_url,
        compare_url=reverse("reviews:compare", kwargs={"code": cycle.code}),
        area_columns=[(area, localized(area, "name", language)) for area in area_columns],
        columns=columns(query, sort, area_columns, language),
        colspan=10 + len(area_columns),
    )
    if current is None:
        return context
    visible = board.visible_scope(user, applications_visible_to(user))
    rows = board.group_rows(cycle, kind, current.key, visible=visible, filters=filters)
    ranked_count, unranked_count = board.row_counts(rows, current.standing, everything=visible is None and not filters)
    codes = [area.code for area in area_columns]
    page = board.paginate(
        board.sorted_rows(rows.filter(rank__isnull=False), sort, kind), query.get("page"), count=ranked_count
    )
    unranked_page = board.paginate(
        rows.filter(rank__isnull=True).order_by("position"), query.get("upage"), count=unranked_count
    )
    ranked_rows = board.present(page, kind, codes)
    writer = RowWriter(kind=kind, tiers=tiers, form_id="decide-form" if can_decide_here else "compare-form")
    context.update(
        note=board.run_note(current.standing),
        page_obj=page,
        rows=ranked_rows,
        row_html=writer.rows(ranked_rows),
        unranked_page=unranked_page,
        unranked=board.present(unranked_page, kind, codes),
        total_ranked=ranked_count,
        total_unranked=unranked_count,
        page_links=page_links(query, page, "page"),
        unranked_links=page_links(query, unranked_page, "upage"),
    )
    return context


def sort_key(requested: str, area_columns: list[Area]) -> str:
    allowed = {*board.SORTS, *[f"area-{area.code}" for area in area_columns]}
    return requested if requested.lstrip("-") in allowed else "rank"


def columns(query: QueryDict, sort: str, area_columns: list[Area], language: str) -> list[dict[str, Any]]:
    """Sortable headers: each links to its own sort (scores start high-to-low; rank low-to-high)."""
    labels = [
        ("total", pgettext("score column", "Submitted"), _("Submitted total")),
        ("verified", pgettext("score column", "Verified"), _("Verified total")),
        *[(f"area-{area.code}", area.code, localized(area, "name", language)) for area in area_columns],
        ("completeness", _("Completeness"), ""),
    ]
    headers = []
    for key, label, title in [("rank", _("Rank"), ""), *labels]:
        active = sort.lstrip("-") == key
        first = key if key == "rank" else f"-{key}"
        target = (key if sort.startswith("-") else f"-{key}") if active else first
        headers.append(
            {
                "key": key,
                "label": label,
                "title": title,
                "url": query_with(query, sort=target, page=None),
                "active": active,
                "descending": sort.startswith("-"),
                "aria_sort": ("descending" if sort.startswith("-") else "ascending") if active else "none",
            }
        )
    return headers


def page_links(query: QueryDict, page: Page, name: str) -> dict[str, str]:
    links = {}
    if page.has_previous():
        links["previous"] = query_with(query, **{name: str(page.previous_page_number())})
    if page.has_next():
        links["next"] = query_with(query, **{name: str(page.next_page_number())})
    return links
