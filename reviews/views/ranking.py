"""The ranking board per (track, category, size class), the side-by-side comparison, and decisions in rounds: the
requests. The board's content is built by reviews.presenters.board from the stored standing (reviews.board, a
constant number of queries) and kept under a fingerprint of everything it shows (reviews.board_cache); the comparison
by reviews.presenters.compare.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import get_template
from django.template.response import TemplateResponse
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
from portal.notifications.selectors import UnreadCount
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
    """One group of the stored standing, on one basis, filtered, sorted and paged in SQL (reviews.board); its content,
    and each viewer's whole page, kept in the cache under a fingerprint of everything it shows (reviews.board_cache)."""

    template_name = "reviews/board.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The predicate first (403); then the viewer's kept page, or the kept content, when nothing they show has
        changed (one query), else the cycle's standings with the cycle (one query), or the cycle alone when it has
        none yet (404 if unknown)."""
        user = user_of(request)
        if not can_view_rankings(user):
            raise PermissionDenied
        self.cached: str | None = None
        self.cache_key = self.page_key = ""
        if board_cache.enabled():
            row = board_cache.fingerprint(kwargs["code"], user)
            if row is None:
                raise Http404
            self.row = row
            self.cache_key = board_cache.key(request, user, row)
            # A page with messages to show is built (and not kept): the messages are this request's only.
            if not len(messages.get_messages(request)):
                self.page_key = board_cache.page_key(self.cache_key, user, row)
                page = board_cache.get(self.page_key)
                if page is not None:
                    return HttpResponse(board_cache.with_token(page, get_token(request)))
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
        if self.cache_key:
            # The header's counts come with the fingerprint, and the page is built with the token's marker.
            if user_of(self.request).role == Role.ADMIN:
                context["pending_registrations"] = self.row[board_cache.PENDING_REGISTRATIONS]
            context["unread_notifications"] = UnreadCount(
                user_of(self.request), counted=self.row[board_cache.UNREAD_NOTIFICATIONS]
            )
            context["csrf_token"] = board_cache.TOKEN
        token = board_cache.TOKEN if self.cache_key else get_token(self.request)
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        context["content"] = mark_safe(content.replace(board_cache.CSRF_FIELD, csrf))  # noqa: S308 -- our own markup
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        """With the cache on, the page is built with the marker in place of the token: kept as such, then served with
        this request's token."""
        response = cast(TemplateResponse, super().render_to_response(context, **response_kwargs))
        if not self.cache_key:
            return response
        page = response.render().content.decode()
        if self.page_key:
            board_cache.put(self.page_key, page)
        response.content = board_cache.with_token(page, get_token(self.request)).encode()
        return response


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
