"""The request id, Thai-first language selection, default deny, the session renewed without a write on every
request, and query parameters no database can hold refused with a message."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from portal.i18n import asked_language
from portal.request_context import HEADER, accepted_request_id, request_id_var


class RequestIdMiddleware:
    """Give every request an id: the incoming X-Request-ID when it is sane (a proxy's), else a new one. It is bound
    for the request (every log record and every task queued meanwhile carries it) and returned in X-Request-ID.

    It stays bound after the middleware returns, so that the handler's own log line about the response ("Not Found:
    ...") carries it too; request_finished unbinds it (portal.request_context)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(HEADER))
        # Kept on the request for whatever holds it; HttpRequest declares no such attribute.
        request.request_id = request_id  # type: ignore[attr-defined]
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


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

    # The stubs narrow the answer to the default redirect; process_view returns whatever response this gives.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponse:
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


class NulQueryMiddleware:
    """A query parameter with a NUL byte (which PostgreSQL cannot hold in text, and no one types) is refused with 400
    and a message in the reader's language, before any view puts it in a query: a page, an htmx request and the API
    (in its error format, in the language it asks for) alike. Posted fields are checked where they are read: forms
    refuse NUL with their own message (Django's ProhibitNullCharactersValidator), and so do the services."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            parameters = request.GET.lists()
        except TooManyFieldsSent:
            # A query that cannot be read is refused where it is read: by the view, or the API in its error format.
            return self.get_response(request)
        poisoned = next((key for key, value in parameters if "\x00" in key or any("\x00" in v for v in value)), None)
        if poisoned is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            language = asked_language(request.GET.get("lang"), request.headers.get("Accept-Language")) or "th"
            with translation.override(language):
                message = nul_message()
            field = poisoned.replace("\x00", "")
            return JsonResponse(
                {"errors": [{"field": field, "code": "null_characters", "message": message}]}, status=400
            )
        return render(request, "400.html", {"message": nul_message()}, status=400)


def nul_message() -> str:
    return _("The address holds a character that cannot be read (a NUL byte). Go back and try again from the page.")
