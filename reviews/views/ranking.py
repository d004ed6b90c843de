"""The ranking board per (track, category, size class), the side-by-side comparison, and decisions in rounds.

The board is built from the applications the user may see (applications_visible_to) in a constant number of
queries: one for the current scores of the rank basis in the group, one for the other kind's totals, one for
reviewers' disagreement, one for the latest decisions of the rows on the page. Ranks, filters, sorting and
pagination then run in Python on those rows (about 0.2 s for 2,500 applications in one group).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from applications.models import IndicatorValue
from applications.selectors import applications_visible_to
from indicators.models import Area, AwardCycle, Indicator
from indicators.rules import UNITS
from portal.enums import Role
from portal.http import AuthenticatedHttpRequest
from reviews import board, board_cache
from reviews.board_html import RowWriter, select_options
from reviews.forms import DecisionForm, parse_ids
from reviews.permissions import can_decide, can_view_comparisons
from reviews.selectors import decisions_of
from reviews.services import decide
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.permissions import can_view_rankings
from scoring.selectors import group_counts

PAGE_SIZE = 50
COMPARE_MIN, COMPARE_MAX = 2, 4
NO_SIZE = "none"


def language_of(request: AuthenticatedHttpRequest) -> str:
    return "th" if (request.LANGUAGE_CODE or "th").startswith("th") else "en"


def tier_labels(cycle: AwardCycle, language: str) -> dict[str, str]:
    return {tier["code"]: tier["label_th" if language == "th" else "label_en"] for tier in cycle.tiers}


def _decimal(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def query_with(query: QueryDict, **changes: str | None) -> str:
    """The current query string with some parameters changed (None removes one)."""
    copy = query.copy()
    for name, value in changes.items():
        if value is None:
            copy.pop(name, None)
        else:
            copy[name] = value
    return f"?{copy.urlencode()}" if copy else "?"


class CycleMixin:
    """Check the predicate first (403), then find the cycle (404)."""

    request: AuthenticatedHttpRequest
    cycle: AwardCycle
    allowed: Callable[..., bool]

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not type(self).allowed(request.user):
            raise PermissionDenied
        self.cycle = get_object_or_404(
            AwardCycle.objects.select_related("framework").defer("framework__source_text"), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------------------
# Ranking board
# ---------------------------------------------------------------------------------------------------------------


class RankingBoardView(TemplateView):
    """One group of the stored standing, on one basis, filtered, sorted and paged in SQL (reviews.board); its content
    kept in the cache under a fingerprint of everything it shows (reviews.board_cache)."""

    template_name = "reviews/board.html"
    request: AuthenticatedHttpRequest

    def dispatch(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The predicate first (403); then the cached content when nothing it shows has changed (one query), else
        the cycle's standings with the cycle (one query), or the cycle alone when it has none yet (404 if unknown)."""
        if not can_view_rankings(request.user):
            raise PermissionDenied
        self.cached: str | None = None
        self.cache_key = ""
        if board_cache.enabled():
            row = board_cache.fingerprint(kwargs["code"], request.user)
            if row is None:
                raise Http404
            self.cache_key = board_cache.key(request, request.user, row)
            self.pending = row[board_cache.PENDING_REGISTRATIONS]
            self.cached = board_cache.get(self.cache_key)
        if self.cached is None:
            self.kind = ScoreKind.VERIFIED if request.GET.get("basis") == ScoreKind.VERIFIED else ScoreKind.SUBMITTED
            self.standings = board.standings_of(self.kind, cycle__code=kwargs["code"])
            self.cycle = (
                self.standings[0].cycle if self.standings else get_object_or_404(AwardCycle, code=kwargs["code"])
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = self.cached
        if content is None:
            context.update(self.board_context())
            content = get_template("reviews/_board_content.html").render(context)
            if self.cache_key:
                board_cache.put(self.cache_key, content)
        if self.cache_key and self.request.user.role == Role.ADMIN:
            context["pending_registrations"] = self.pending  # counted with the fingerprint
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(self.request)}">'
        context["content"] = mark_safe(content.replace(board_cache.CSRF_FIELD, csrf))  # noqa: S308 -- our own markup
        return context

    def board_context(self) -> dict[str, Any]:
        cycle, query, user, kind = self.cycle, self.request.GET, self.request.user, self.kind
        context: dict[str, Any] = {"csrf_field": mark_safe(board_cache.CSRF_FIELD)}  # noqa: S308 -- a comment
        language = language_of(self.request)
        areas = {area.code: area for area in board.framework_areas(cycle)}
        groups = board.board_groups(self.standings, areas, language)
        current = next((group for group in groups if group.key == query.get("group")), groups[0] if groups else None)
        tiers = tier_labels(cycle, language)
        provinces = board.board_provinces(current.standing, language) if current else []
        filters = board.Filters.parse(query, provinces=provinces, tiers=tiers)
        choices = filters.choices(groups=groups, current=current, kind=kind, provinces=provinces, tiers=tiers)
        area_columns = board.area_columns(areas, current.standing if current else None)
        sort = self.sort_key(query.get("sort", ""), area_columns)
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
            board_url=self.request.get_full_path(),
            compare_url=reverse("reviews:compare", kwargs={"code": cycle.code}),
            area_columns=[(area, area.name_th if language == "th" else area.name_en) for area in area_columns],
            columns=self.columns(sort, area_columns, language),
            colspan=10 + len(area_columns),
        )
        if current is None:
            return context
        visible = board.visible_scope(user, applications_visible_to(user))
        rows = board.group_rows(cycle, kind, current.key, visible=visible, filters=filters)
        ranked_count, unranked_count = board.row_counts(
            rows, current.standing, everything=visible is None and not filters
        )
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
            page_links=self.page_links(query, page, "page"),
            unranked_links=self.page_links(query, unranked_page, "upage"),
        )
        return context

    @staticmethod
    def sort_key(requested: str, area_columns: list[Area]) -> str:
        allowed = {*board.SORTS, *[f"area-{area.code}" for area in area_columns]}
        return requested if requested.lstrip("-") in allowed else "rank"

    def columns(self, sort: str, area_columns: list[Area], language: str) -> list[dict[str, Any]]:
        """Sortable headers: each links to its own sort (scores start high-to-low; rank low-to-high)."""
        query = self.request.GET
        labels = [
            ("total", pgettext("score column", "Submitted"), _("Submitted total")),
            ("verified", pgettext("score column", "Verified"), _("Verified total")),
            *[
                (f"area-{area.code}", area.code, area.name_th if language == "th" else area.name_en)
                for area in area_columns
            ],
            ("completeness", _("Completeness"), ""),
        ]
        columns = []
        for key, label, title in [("rank", _("Rank"), ""), *labels]:
            active = sort.lstrip("-") == key
            first = key if key == "rank" else f"-{key}"
            target = (key if sort.startswith("-") else f"-{key}") if active else first
            columns.append(
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
        return columns

    @staticmethod
    def page_links(query: QueryDict, page: Page, name: str) -> dict[str, str]:
        links = {}
        if page.has_previous():
            links["previous"] = query_with(query, **{name: str(page.previous_page_number())})
        if page.has_next():
            links["next"] = query_with(query, **{name: str(page.next_page_number())})
        return links


# ---------------------------------------------------------------------------------------------------------------
# Comparison of 2–4 cities
# ---------------------------------------------------------------------------------------------------------------


def value_display(value: IndicatorValue | None, unit_symbol: str) -> str:
    if value is None:
        return ""
    if value.level is not None:
        return _("level {level}").format(level=value.level)
    if value.flag is not None:
        return _("yes") if value.flag else _("no")
    if value.number is not None:
        number = format(value.number.normalize(), ",f")
        return f"{number} {unit_symbol}".strip()
    return _("described") if value.text.strip() else ""


class CompareView(CycleMixin, TemplateView):
    template_name = "reviews/compare.html"
    allowed = staticmethod(can_view_comparisons)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle, query = self.cycle, self.request.GET
        language = language_of(self.request)
        kind = ScoreKind.VERIFIED if query.get("basis") == ScoreKind.VERIFIED else ScoreKind.SUBMITTED
        context.update(cycle=cycle, kind=kind, board_url=reverse("reviews:board", kwargs={"code": cycle.code}))
        ids = parse_ids(query.getlist("ids"))
        if ids is None or not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
            context["error"] = _("Choose two to four applications to compare (you chose {count}).").format(
                count=len(ids or [])
            )
            return context
        found = {
            application.pk: application
            for application in applications_visible_to(self.request.user).filter(cycle=cycle, pk__in=ids)
        }
        if len(found) != len(ids):
            raise Http404
        applications = [found[pk] for pk in ids]
        scores: dict[tuple[int, str], ApplicationScore] = {
            (score.application_id, score.kind): score
            for score in ApplicationScore.objects.filter(application_id__in=ids, is_current=True)
        }
        values: dict[tuple[int, int], IndicatorValue] = {
            (value.application_id, value.indicator_id): value
            for value in IndicatorValue.objects.filter(application_id__in=ids)
        }
        indicators = list(
            Indicator.objects.filter(framework_id=cycle.framework_id)
            .select_related("area")
            .order_by("area__position", "position")
        )
        tiers = tier_labels(cycle, language)
        cities = [
            {
                "index": index,
                "application": application,
                "score": scores.get((application.pk, kind)),
                "submitted": scores.get((application.pk, ScoreKind.SUBMITTED)),
                "verified": scores.get((application.pk, ScoreKind.VERIFIED)),
            }
            for index, application in enumerate(applications, start=1)
        ]
        counts = group_counts(cycle, kind, [city["score"].group_key for city in cities if city["score"]])
        for city in cities:
            score = city["score"]
            # The stored standing's rank, the same number as on the board, the packet and the export.
            city["rank"] = score.rank if score else None
            city["ranked_count"] = counts.get(score.group_key, 0) if score else 0
            city["final"] = score.is_final if score else False
            city["tier"] = tiers.get(score.tier, "") if score and score.is_final else ""
            city["points"] = {item["code"]: item for item in (score.indicators if score else [])}
            city["areas"] = score.areas if score else {}
        areas = list({indicator.area.pk: indicator.area for indicator in indicators}.values())
        context.update(
            cities=cities,
            area_bars=self.area_bars(areas, cities, language),
            sections=self.sections(indicators, cities, values, language),
            ids=",".join(str(pk) for pk in ids),
        )
        return context

    @staticmethod
    def area_bars(areas: list[Area], cities: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
        bars = []
        for area in areas:
            if not any(area.code in city["areas"] for city in cities):
                continue
            bars.append(
                {
                    "area": area,
                    "name": area.name_th if language == "th" else area.name_en,
                    "cities": [
                        {"city": city, "score": _decimal(city["areas"].get(area.code, {}).get("score"))}
                        for city in cities
                    ],
                }
            )
        return bars

    @staticmethod
    def sections(
        indicators: list[Indicator],
        cities: list[dict[str, Any]],
        values: dict[tuple[int, int], IndicatorValue],
        language: str,
    ) -> list[dict[str, Any]]:
        """Indicator by indicator, grouped by area: each city's value with its unit and its points; the best
        points are marked when at least one other city has fewer (or none)."""
        sections: dict[int, dict[str, Any]] = {}
        for indicator in indicators:
            if not any(indicator.code in city["points"] for city in cities):
                continue
            unit = UNITS.get(indicator.unit)
            symbol = unit.symbol(language) if unit else ""
            cells = []
            for city in cities:
                item = city["points"].get(indicator.code)
                cells.append(
                    {
                        "applicable": item is not None,
                        "value": value_display(values.get((city["application"].pk, indicator.pk)), symbol),
                        "points": _decimal(item.get("points")) if item else None,
                        "max": item.get("max") if item else None,
                        "best": False,
                    }
                )
            scored = [cell["points"] for cell in cells if cell["points"] is not None]
            if scored and (len(set(scored)) > 1 or len(scored) < sum(1 for cell in cells if cell["applicable"])):
                best = max(scored)
                for cell in cells:
                    cell["best"] = cell["points"] == best
            section = sections.setdefault(
                indicator.area_id,
                {
                    "area": indicator.area,
                    "name": indicator.area.name_th if language == "th" else indicator.area.name_en,
                },
            )
            section.setdefault("rows", []).append(
                {
                    "indicator": indicator,
                    "name": indicator.name_th if language == "th" else indicator.name_en,
                    "cells": cells,
                }
            )
        return list(sections.values())


# ---------------------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------------------


class DecideView(CycleMixin, View):
    """Bulk decision from the board (admins): round, outcome and note for the ticked applications."""

    http_method_names = ["post"]
    allowed = staticmethod(can_decide)

    def post(self, request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
        target = self.back_url()
        form = DecisionForm(request.POST)
        ids = parse_ids(request.POST.getlist("ids"))
        if not form.is_valid():
            messages.error(request, _("Choose a round and an outcome for the ticked applications."))
            return redirect(target)
        if ids is None:
            messages.error(request, _("The ticked applications could not be read. Tick them again."))
            return redirect(target)
        applications = list(applications_visible_to(request.user).filter(cycle=self.cycle, pk__in=ids))
        if len(applications) != len(ids):
            messages.error(request, _("Some ticked applications are not in this cycle. Nothing was decided."))
            return redirect(target)
        try:
            decisions = decide(
                applications=applications,
                round=form.cleaned_data["round"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(target)
        outcome = dict(form.fields["outcome"].choices)[form.cleaned_data["outcome"]]
        messages.success(
            request,
            _("Decision recorded for {count} application(s): {outcome}.").format(count=len(decisions), outcome=outcome),
        )
        return redirect(target)

    def back_url(self) -> str:
        target = self.request.POST.get("next", "")
        board = reverse("reviews:board", kwargs={"code": self.cycle.code})
        if target.startswith(board) and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return board


class DecisionHistoryView(TemplateView):
    """Every decision on one application, in every round, newest first; for whoever may see the application."""

    template_name = "reviews/decision_history.html"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = get_object_or_404(applications_visible_to(self.request.user), pk=kwargs["pk"])
        context.update(
            application=application,
            decisions=decisions_of(application).order_by("-decided_at", "-pk"),
            board_url=(
                reverse("reviews:board", kwargs={"code": application.cycle.code})
                if can_view_rankings(self.request.user)
                else None
            ),
        )
        return context
