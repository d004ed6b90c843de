"""The API's shared base: DRF authenticates inside the view, so the log-in redirect middleware stands aside and
IsAuthenticated guards instead (401/403 as JSON).

Every error answers in one format, `{"errors": [{"field": ..., "code": ..., "message": ...}]}` (field is null when
the error is about the whole request), in the language asked for: `?lang=th|en`, else Accept-Language, else the
caller's own (a token's owner, a session's cookie or preference), else Thai.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from portal.i18n import asked_language, current_language

NON_FIELD = "non_field_errors"


@method_decorator(login_not_required, name="dispatch")
class PortalApiView(APIView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language = asked_language(request.query_params.get("lang"), request.headers.get("Accept-Language"))
        # A mark the token authentication reads (with getattr); DRF's Request declares no such attribute.
        request.language_asked = language is not None  # type: ignore[attr-defined]
        if language is not None:
            translation.activate(language)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = current_language()
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response


def error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"field": field, "code": code, "message": str(message)}


def error_response(code: str, message: str, *, status_code: int, field: str | None = None, **extra: Any) -> Response:
    """An error the view decides itself (409 stale version), in the one format."""
    return Response({"errors": [error(code, message, field)], **extra}, status=status_code)


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        found = []
        for key, inner in detail.items():
            name = None if key in (NON_FIELD, "__all__") else (f"{field}.{key}" if field else str(key))
            found += _flatten(inner, name)
        return found
    if isinstance(detail, list):
        return [item for inner in detail for item in _flatten(inner, field)]
    return [error(getattr(detail, "code", "invalid"), str(detail), field)]


def _refused_request(exc: SuspiciousOperation, request: HttpRequest) -> exceptions.APIException | None:
    """Django's refusal to read a request (too many fields or files, too large) as the API's 400. Django would answer
    with its HTML 400 page; the log line it writes to django.security is kept."""
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        refused = exceptions.ParseError(_("The request has too many fields or files."), code="too_many_fields")
    elif isinstance(exc, RequestDataTooBig):
        refused = exceptions.ParseError(_("The request is too large."), code="too_large")
    else:
        return None
    # As Django does: reading POST again would raise. A private method of HttpRequest, which the stubs leave out.
    request._mark_post_parse_error()  # type: ignore[attr-defined]
    security_logger = logging.getLogger(f"django.security.{type(exc).__name__}")
    security_logger.error(str(exc), extra={"status_code": 400, "request": request})
    return refused


def portal_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, SuspiciousOperation):
        exc = _refused_request(exc, context["request"]._request) or exc
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
    else:  # DRF put the detail (an ErrorDetail, which knows its code) under "detail"
        errors = _flatten(response.data.get("detail", ""))
    response.data = {"errors": errors}
    return response


def moved_to(name: str) -> Any:
    """A view that answers 308 (method and body kept) to the named /api/v1/ URL, for an API path that moved."""

    @login_not_required
    @csrf_exempt
    def redirect_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        target = reverse(name, kwargs=kwargs)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target, preserve_request=True)

    return redirect_view


class PublicApiMixin(APIView):
    """Public reads: anyone may call, anonymous callers are throttled per address."""

    permission_classes = [AllowAny]


class PublicReadMixin(APIView):
    """Public reads on a URL that also takes writes: anyone may read; a write needs credentials (else 401), and the
    view's predicate decides who may make it (else 403)."""

    permission_classes = [IsAuthenticatedOrReadOnly]


@extend_schema(exclude=True)
class ApiNotFound(PublicApiMixin, PortalApiView):
    """Any other path under /api/v1/: a 404 in the error format, not the portal's HTML page."""

    def dispatch_not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound

    get = post = put = patch = delete = dispatch_not_found
