"""What several endpoints of the applications API share: a service's ValidationError as a 400 in the one error
format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import status
from rest_framework.response import Response

from portal.api import error as api_error


def validation_error_response(
    error: ValidationError,
    *,
    field: str | None = None,
    rename: dict[str, str] | None = None,
    default_code: str = "invalid",
) -> Response:
    """A service's ValidationError as a 400 in the one error format, keeping each error's code."""
    items: list[dict[str, Any]] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = None if name == NON_FIELD_ERRORS else (rename or {}).get(name, name)
            items += [api_error(e.code or default_code, message, target) for e in errors for message in e.messages]
    else:
        items = [api_error(e.code or default_code, message, field) for e in error.error_list for message in e.messages]
    return Response({"errors": items}, status=status.HTTP_400_BAD_REQUEST)
