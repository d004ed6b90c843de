"""The ranking board per (track, category, size class), the side-by-side comparison, and decisions in rounds.

The board is built from the applications the user may see (applications_visible_to) in a constant number of
queries: one for the current scores of the rank basis in the group, one for the other kind's totals, one for
reviewers' disagreement, one for the latest decisions of the rows on the page. Ranks, filters, sorting and
pagination then run in Python on those rows (about 0.2 s for 2,500 applications in one group).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from applications.models import Application, IndicatorValue
from applications.selectors import applications_visible_to
from indicators.enums import Track
from indicators.models import Area, AwardCycle, Indicator, SizeClass
from indicators.rules import UNITS
from portal.http import AuthenticatedHttpRequest
from portal.thai import thai_sort_key
from reviews.forms import BoardFilterForm, DecisionForm, parse_ids
from reviews.models import Decision
from reviews.permissions import can_decide, can_view_comparisons
from reviews.selectors import decisions_of, disagreement_by_application
from reviews.services import decide
from scoring.enums import ScoreKind
from scoring.models import ApplicationScore
from scoring.permissions import can_view_rankings
from scoring.selectors import SCORED_STATUSES, TIE_BREAK_FIELDS

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
        self.cycle = get_object_or_404(AwardCycle.objects.select_related("framework"), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------------------
# Ranking board
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    track: str
    category: str
    size_id: int | None
    label: str

    @property
    def key(self) -> str:
        return f"{self.track}|{self.category}|{self.size_id if self.size_id is not None else NO_SIZE}"


@dataclass
class BoardRow:
    application: Application
    score: ApplicationScore  # of the rank basis
    submitted_total: Decimal | None
    verified_total: Decimal | None
    areas: dict[str, Decimal | None]
    disagreement: bool
    rank: int | None = None
    decision: Decision | None = None
    area_cells: list[Decimal | None] = field(default_factory=list)

    @cached_property
    def name_key(self) -> str:
        return thai_sort_key(self.application.municipality.name_th)


def board_groups(visible: QuerySet[Application], cycle: AwardCycle, language: str) -> list[Group]:
    """The (track, category, size class) groups among the applications the user may see (two queries)."""
    keys = (
        visible.filter(cycle=cycle, status__in=SCORED_STATUSES)
        .order_by()
        .values_list("track", "category_code", "size_class_id")
        .distinct()
    )
    sizes = {size.pk: size for size in SizeClass.objects.filter(cycle=cycle)}
    groups = []
    for track, category, size_id in sorted(
        keys, key=lambda key: (key[0] != Track.ESC_AWARD, key[1], sizes[key[2]].min_population if key[2] else 0)
    ):
        what = category if track == Track.CERTIFICATE else _("ESC Award")
        size = sizes.get(size_id)
        where = (size.name_th if language == "th" else size.name_en) if size else _("outside the bands")
        groups.append(Group(track, category, size_id, f"{what} · {where}"))
    return groups


BOARD_FIELDS = (
    "application_id",
    "kind",
    "total",
    "completeness",
    "ranked",
    "tier",
    "governance",
    "areas",
    "application__status",
    "application__municipality__name_th",
    "application__municipality__full_name_th",
    "application__municipality__kind",
    "application__municipality__province__name_th",
    "application__municipality__province__name_en",
)


def group_scores(
    visible: QuerySet[Application], cycle: AwardCycle, group: Group, kind: str
) -> tuple[list[ApplicationScore], dict[int, Decimal]]:
    """Current scores of the rank basis for the group's visible applications (one query, only the fields the board
    shows) and the other kind's totals by application (one query)."""
    applications = visible.filter(
        cycle=cycle,
        track=group.track,
        category_code=group.category,
        size_class_id=group.size_id,
        status__in=SCORED_STATUSES,
    ).values("pk")
    current = ApplicationScore.objects.filter(is_current=True, application__in=applications)
    basis = list(current.filter(kind=kind).select_related("application__municipality__province").only(*BOARD_FIELDS))
    other = ScoreKind.VERIFIED if kind == ScoreKind.SUBMITTED else ScoreKind.SUBMITTED
    return basis, dict(current.filter(kind=other).values_list("application_id", "total"))


def board_rows(
    scores: Iterable[ApplicationScore], others: dict[int, Decimal], *, kind: str, flagged: dict[int, bool]
) -> tuple[list[BoardRow], list[BoardRow]]:
    """Rows of the rank basis with the other kind's total beside; split into ranked and unranked."""
    rows = []
    for score in scores:
        other = others.get(score.application_id)
        rows.append(
            BoardRow(
                application=score.application,
                score=score,
                submitted_total=score.total if kind == ScoreKind.SUBMITTED else other,
                verified_total=score.total if kind == ScoreKind.VERIFIED else other,
                areas={code: _decimal(data.get("score")) for code, data in score.areas.items()},
                disagreement=flagged.get(score.application_id, False),
            )
        )
    return [row for row in rows if row.score.ranked], [row for row in rows if not row.score.ranked]


def assign_ranks(rows: list[BoardRow], tie_breaks: list[str]) -> list[BoardRow]:
    """Order by total, then the cycle's tie-breaks (completeness, governance), then name; equal keys share a rank.

    The same order as scoring.selectors.ranking, over the rows the user may see.
    """
    names = ["total", *[key for key in tie_breaks if key in TIE_BREAK_FIELDS]]

    def key(row: BoardRow) -> tuple[Decimal, ...]:
        return tuple(
            getattr(row.score, name) if getattr(row.score, name) is not None else Decimal(-1) for name in names
        )

    ordered = sorted(rows, key=lambda row: (tuple(-value for value in key(row)), row.name_key))
    previous: tuple[Decimal, ...] | None = None
    for position, row in enumerate(ordered, start=1):
        current = key(row)
        row.rank = ordered[position - 2].rank if current == previous else position
        previous = current
    return ordered


def sort_value(row: BoardRow, column: str) -> Decimal | int | None:
    if column == "rank":
        return row.rank
    if column == "total":
        return row.submitted_total
    if column == "verified":
        return row.verified_total
    if column == "completeness":
        return row.score.completeness
    return row.areas.get(column.removeprefix("area-"))


def sort_rows(rows: list[BoardRow], sort: str) -> list[BoardRow]:
    """Sort by one column; rows without a value go last whichever the direction."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    rows = sorted(rows, key=lambda row: (row.rank or 0, row.name_key))
    present = [row for row in rows if sort_value(row, column) is not None]
    missing = [row for row in rows if sort_value(row, column) is None]
    present.sort(key=lambda row: sort_value(row, column), reverse=descending)  # type: ignore[arg-type,return-value]
    return present + missing


def latest_decisions(application_ids: list[int]) -> dict[int, Decision]:
    decisions: dict[int, Decision] = {}
    for decision in (
        Decision.objects.filter(application_id__in=application_ids)
        .select_related("decided_by")
        .order_by("application_id", "-decided_at", "-pk")
    ):
        decisions.setdefault(decision.application_id, decision)
    return decisions


class RankingBoardView(CycleMixin, TemplateView):
    template_name = "reviews/board.html"
    allowed = staticmethod(can_view_rankings)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle, query, user = self.cycle, self.request.GET, self.request.user
        language = language_of(self.request)
        visible = applications_visible_to(user)
        groups = board_groups(visible, cycle, language)
        current = next((group for group in groups if group.key == query.get("group")), groups[0] if groups else None)
        kind = ScoreKind.VERIFIED if query.get("basis") == ScoreKind.VERIFIED else ScoreKind.SUBMITTED
        areas = list(Area.objects.filter(framework_id=cycle.framework_id).order_by("position"))
        scores, others = group_scores(visible, cycle, current, kind) if current else ([], {})
        flagged = disagreement_by_application(cycle) if scores else {}
        ranked, unranked = board_rows(scores, others, kind=kind, flagged=flagged)
        ranked = assign_ranks(ranked, cycle.tie_breaks)
        present = {code for row in [*ranked, *unranked] for code in row.areas}
        area_columns = [area for area in areas if area.code in present]
        tiers = tier_labels(cycle, language)
        provinces = {
            row.application.municipality.province_id: row.application.municipality.province
            for row in [*ranked, *unranked]
        }
        form = BoardFilterForm(
            query,
            groups=[(group.key, group.label) for group in groups],
            provinces=[
                (province.pk, province.name_th if language == "th" else province.name_en)
                for province in sorted(provinces.values(), key=lambda province: thai_sort_key(province.name_th))
            ],
            tiers=list(tiers.items()),
        )
        ranked = self.filtered(ranked, form)
        unranked = sorted(self.filtered(unranked, form), key=lambda row: (-row.score.completeness, row.name_key))
        sort = self.sort_key(query.get("sort", ""), area_columns)
        ranked = sort_rows(ranked, sort)
        page = Paginator(ranked, PAGE_SIZE).get_page(query.get("page"))
        unranked_page = Paginator(unranked, PAGE_SIZE).get_page(query.get("upage"))
        shown: list[BoardRow] = [*page.object_list, *unranked_page.object_list]
        decisions = latest_decisions([row.application.pk for row in shown])
        for row in shown:
            row.decision = decisions.get(row.application.pk)
            row.area_cells = [row.areas.get(area.code) for area in area_columns]
        context.update(
            cycle=cycle,
            groups=groups,
            current=current,
            kind=kind,
            form=form,
            page_obj=page,
            rows=page.object_list,
            unranked_page=unranked_page,
            unranked=unranked_page.object_list,
            area_columns=[(area, area.name_th if language == "th" else area.name_en) for area in area_columns],
            columns=self.columns(sort, area_columns, language),
            sort=sort,
            tiers=tiers,
            minimum=cycle.completeness_minimum,
            can_decide=can_decide(user),
            decision_form=DecisionForm(),
            board_url=self.request.get_full_path(),
            total_ranked=len(ranked),
            total_unranked=len(unranked),
            page_links=self.page_links(query, page, "page"),
            unranked_links=self.page_links(query, unranked_page, "upage"),
            compare_url=reverse("reviews:compare", kwargs={"code": cycle.code}),
            colspan=10 + len(area_columns),
        )
        return context

    @staticmethod
    def filtered(rows: list[BoardRow], form: BoardFilterForm) -> list[BoardRow]:
        province, municipality_kind = form.value("province"), form.value("kind")
        tier, status, disagreement = form.value("tier"), form.value("status"), form.value("disagreement")
        return [
            row
            for row in rows
            if (province in (None, "") or row.application.municipality.province_id == province)
            and (not municipality_kind or row.application.municipality.kind == municipality_kind)
            and (not tier or row.score.tier == tier)
            and (not status or row.application.status == status)
            and (not disagreement or row.disagreement)
        ]

    @staticmethod
    def sort_key(requested: str, area_columns: list[Area]) -> str:
        allowed = {"rank", "total", "verified", "completeness", *[f"area-{area.code}" for area in area_columns]}
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
        for city in cities:
            score = city["score"]
            city["tier"] = tiers.get(score.tier, "") if score else ""
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
