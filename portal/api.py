"""The API's shared base: DRF authenticates inside the view, so the log-in redirect middleware stands aside and
IsAuthenticated guards instead (401/403 as JSON). Django ValidationErrors from services become 400s."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler


@method_decorator(login_not_required, name="dispatch")
class PortalApiView(APIView):
    pass


def portal_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        error = exceptions.ValidationError(detail=detail)
    return exception_handler(error, context)
