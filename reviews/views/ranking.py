"""The ranking board per (track, category, size class), the side-by-side comparison, and decisions in rounds: the
requests. The board's content is built by reviews.presenters.board from the stored standing (reviews.board, a
constant number of queries) and kept under a fingerprint of everything it shows (reviews.board_cache); the comparison
by reviews.presenters.compare.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.http import application_in_scope
from applications.selectors import applications_visible_to
from indicators.models import AwardCycle
from indicators.views.mixins import CycleMixin
from portal.enums import Role
from portal.http import user_of
from reviews import board, board_cache
from reviews.enums import DecisionOutcome
from reviews.forms import DecisionForm, parse_ids
from reviews.permissions import can_decide, can_view_comparisons
from reviews.presenters.board import board_context
from reviews.presenters.compare import COMPARE_MAX, COMPARE_MIN, compare_context
from reviews.selectors import decisions_of, visible_applications
from reviews.services_decisions import decide
from scoring.enums import ScoreKind
from scoring.permissions import can_view_rankings

# ---------------------------------------------------------------------------------------------------------------
# Ranking board
# ---------------------------------------------------------------------------------------------------------------


class RankingBoardView(TemplateView):
    """One group of the stored standing, on one basis, filtered, sorted and paged in SQL (reviews.board); its content
    kept in the cache under a fingerprint of everything it shows (reviews.board_cache)."""

    template_name = "reviews/board.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The predicate first (403); then the cached content when nothing it shows has changed (one query), else
        the cycle's standings with the cycle (one query), or the cycle alone when it has none yet (404 if unknown)."""
        if not can_view_rankings(user_of(request)):
            raise PermissionDenied
        self.cached: str | None = None
        self.cache_key = ""
        if board_cache.enabled():
            row = board_cache.fingerprint(kwargs["code"], user_of(request))
            if row is None:
                raise Http404
            self.cache_key = board_cache.key(request, user_of(request), row)
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
            context.update(
                board_context(
                    cycle=self.cycle,
                    standings=self.standings,
                    kind=self.kind,
                    query=self.request.GET,
                    user=user_of(self.request),
                    board_url=self.request.get_full_path(),
                )
            )
            content = get_template("reviews/_board_content.html").render(context)
            if self.cache_key:
                board_cache.put(self.cache_key, content)
        if self.cache_key and user_of(self.request).role == Role.ADMIN:
            context["pending_registrations"] = self.pending  # counted with the fingerprint
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(self.request)}">'
        context["content"] = mark_safe(content.replace(board_cache.CSRF_FIELD, csrf))  # noqa: S308 -- our own markup
        return context


# ---------------------------------------------------------------------------------------------------------------
# Comparison of 2–4 cities
# ---------------------------------------------------------------------------------------------------------------


class CompareView(CycleMixin, TemplateView):
    template_name = "reviews/compare.html"
    allowed = staticmethod(can_view_comparisons)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cycle, query = self.cycle, self.request.GET
        kind = ScoreKind.VERIFIED if query.get("basis") == ScoreKind.VERIFIED else ScoreKind.SUBMITTED
        context.update(cycle=cycle, kind=kind, board_url=reverse("reviews:board", kwargs={"code": cycle.code}))
        ids = parse_ids(query.getlist("ids"))
        if ids is None or not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
            context["error"] = _("Choose two to four applications to compare (you chose {count}).").format(
                count=len(ids or [])
            )
            return context
        applications = visible_applications(user_of(self.request), cycle, ids)
        if applications is None:
            raise Http404
        context.update(compare_context(cycle, applications, kind))
        return context


# ---------------------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------------------


class DecideView(CycleMixin, View):
    """Bulk decision from the board (admins): round, outcome and note for the ticked applications."""

    http_method_names = ["post"]
    allowed = staticmethod(can_decide)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        target = self.back_url()
        form = DecisionForm(request.POST)
        ids = parse_ids(request.POST.getlist("ids"))
        if not form.is_valid():
            messages.error(request, _("Choose a round and an outcome for the ticked applications."))
            return redirect(target)
        if ids is None:
            messages.error(request, _("The ticked applications could not be read. Tick them again."))
            return redirect(target)
        applications = list(applications_visible_to(user_of(request)).filter(cycle=self.cycle, pk__in=ids))
        if len(applications) != len(ids):
            messages.error(request, _("Some ticked applications are not in this cycle. Nothing was decided."))
            return redirect(target)
        try:
            decisions = decide(
                applications=applications,
                round=form.cleaned_data["round"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=user_of(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(target)
        outcome = DecisionOutcome(form.cleaned_data["outcome"]).label
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = application_in_scope(self.request, kwargs["pk"])
        context.update(
            application=application,
            decisions=decisions_of(application).order_by("-decided_at", "-pk"),
            board_url=(
                reverse("reviews:board", kwargs={"code": application.cycle.code})
                if can_view_rankings(user_of(self.request))
                else None
            ),
        )
        return context
