"""The cycle a request names: the one mixin every page about a cycle uses, in every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views import View

from indicators.models import AwardCycle
from portal.http import user_of
from portal.models import User


class CycleMixin(View):
    """A page about the cycle in the URL (`code`): the predicate `allowed` first (403), then the cycle (404), so that
    nobody learns from a 404 which cycles exist where they may not look. A public page sets `allowed = None`.

    `self.cycle` has its framework (without the framework's source text); the template context gets it as `cycle`.
    """

    cycle: AwardCycle
    allowed: Callable[[User], bool] | None

    def cycles(self) -> QuerySet[AwardCycle]:
        return AwardCycle.objects.select_related("framework").defer("framework__source_text")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        allowed = type(self).allowed
        if allowed is not None and not allowed(user_of(request)):
            raise PermissionDenied
        self.cycle = get_object_or_404(self.cycles(), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]  # a TemplateView's
        context.setdefault("cycle", self.cycle)
        return context
