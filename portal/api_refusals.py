"""A service's refusal (a Django ValidationError) as an API answer in the one error format, keeping the service's
own codes ("conflict", "draft", "quota", ...) so that callers can tell the refusals apart."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response

from portal.api import error

NON_FIELD_NAMES = ("__all__", "non_field_errors")


def refusal_errors(refused: ValidationError) -> list[dict[str, object]]:
    found = []
    if hasattr(refused, "error_dict"):
        for name, problems in refused.error_dict.items():
            field = None if name in NON_FIELD_NAMES else name
            for problem in problems:
                found += [error(problem.code or "invalid", message, field) for message in problem.messages]
    else:
        for problem in refused.error_list:
            found += [error(problem.code or "invalid", message) for message in problem.messages]
    return found


def refusal_response(refused: ValidationError, *, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": refusal_errors(refused)}, status=status_code)
