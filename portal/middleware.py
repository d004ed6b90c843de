"""Thai-first language selection, default deny, and the session renewed without a write on every request."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ThaiFirstLocaleMiddleware:
    """Activate the language from the language cookie, else the user's saved choice, else Thai.

    Unlike django.middleware.locale.LocaleMiddleware this ignores Accept-Language on purpose: the
    portal is Thai first, whatever the browser says; English is one click away and then sticks.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response

    def _language_for(self, request: HttpRequest) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        user = getattr(request, "user", None)
        saved = getattr(user, "preferred_language", None) if user is not None else None
        if saved in self.supported:
            return saved
        return settings.LANGUAGE_CODE


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Default deny. A page goes to the log-in page; a background (htmx) request gets 401, so the page can say the
    session expired and keep what the officer typed, instead of swapping in the log-in page."""

    def handle_no_permission(self, request: HttpRequest, view_func: Callable[..., HttpResponse]) -> HttpResponse:
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(status=401, headers={"HX-Trigger": "session-expired"})
        return super().handle_no_permission(request, view_func)


class SessionRenewalMiddleware:
    """Keep an active officer's session alive (it ends after SESSION_COOKIE_AGE of idleness) without writing the
    session on every request: a logged-in session is saved again, with a fresh expiry, only when its last renewal is
    older than SESSION_RENEW_SECONDS. Idleness then ends a session between SESSION_COOKIE_AGE minus that interval and
    SESSION_COOKIE_AGE after the last request. Sessions of anonymous visitors are not touched."""

    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.get("_auth_user_id") is None:
            return response
        now = int(time.time())
        renewed_at = session.get(self.KEY)
        if not isinstance(renewed_at, int) or now - renewed_at >= settings.SESSION_RENEW_SECONDS:
            session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it with a new expiry
        return response
