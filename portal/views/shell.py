"""Views for the portal shell: home page per role, language switch, health check."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from portal.enums import Role
from portal.forms import PasswordResetForm
from portal.health import read_signals, run_checks
from portal.http import user_of
from portal.ratelimit import client_ip, hit


class HomeView(TemplateView):
    """The dashboard: what this role does next."""

    templates_by_role: dict[str, str] = {
        Role.EDITOR: "portal/home_officer.html",
        Role.SIGNATORY: "portal/home_officer.html",
        Role.REVIEWER: "portal/home_reviewer.html",
        Role.ADMIN: "portal/home_admin.html",
    }

    def get_template_names(self) -> list[str]:
        return [self.templates_by_role.get(user_of(self.request).role, "portal/home_officer.html")]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["municipality"] = user_of(self.request).municipality
        return context


@method_decorator(login_not_required, name="dispatch")
class SetLanguageView(View):
    """Switch the interface language; the choice is kept in a cookie and on the user's profile."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        language = request.POST.get("language", "")
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        if language not in dict(settings.LANGUAGES):
            return response
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        )
        user = request.user
        if user.is_authenticated and user.preferred_language != language:
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        return response


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """503 "unavailable" when a check fails (database, Redis, workers); else 200, "degraded" when beat is stale or
    the queue is long or holds unsent tasks, "ok" otherwise. Beat and the queue are reported beside the checks."""
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    signals = read_signals(database_ok=next(check.ok for check in checks if check.name == "database"))
    status = "unavailable" if not healthy else "ok" if all(signal.ok for signal in signals) else "degraded"
    body: dict[str, object] = {
        "status": status,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    body.update({signal.name: signal.as_dict() for signal in signals})
    return JsonResponse(body, status=200 if healthy else 503)


def locked_out(request: HttpRequest, *args: object) -> HttpResponse:
    """django-axes lockout page: says in the user's language when log-in works again (HTTP 429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    until = timezone.localtime(timezone.now() + cooloff)
    minutes = max(1, round(cooloff.total_seconds() / 60))
    return render(request, "portal/locked_out.html", {"until": until, "minutes": minutes}, status=429)


PASSWORD_RESETS_PER_HOUR = 5


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited to a few requests per hour from one address."""

    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = hit("password-reset", client_ip(request), limit=PASSWORD_RESETS_PER_HOUR, window_seconds=3600)
        if retry_after is not None:
            return render(request, "portal/rate_limited.html", {"minutes": max(1, round(retry_after / 60))}, status=429)
        return super().post(request, *args, **kwargs)
