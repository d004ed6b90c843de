"""The API's OpenAPI pieces shared by every endpoint: the token scheme, the one error format, and its responses."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api_auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token `esc_<prefix>_<secret>`, created on the portal's API tokens page.",
        }


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The input field the error is about; null for all.")
    code = serializers.CharField(help_text="A stable code: invalid, required, not_found, permission_denied, ...")
    message = serializers.CharField(help_text="The message in the language asked for.")


class ErrorSerializer(serializers.Serializer):
    # A declared field, which DRF takes off the class; the stubs see Serializer.errors.
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]


ERROR_EXAMPLES = {
    400: ("invalid", "value", "The value must be from 0 to 366."),
    401: ("not_authenticated", None, "Authentication credentials were not provided."),
    403: ("permission_denied", None, "You do not have permission to perform this action."),
    404: ("not_found", None, "No Application matches the given query."),
    409: ("stale", "version", "Not saved: someone else changed this value. The current value is in “current”."),
    429: ("throttled", None, "Request was throttled. Expected available in 30 seconds."),
}

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=["th", "en"],
    required=False,
    description="The language of messages (and of nothing else): Thai by default, or Accept-Language.",
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The OpenAPI responses of the given error statuses, each with an example in the one error format."""
    responses = {}
    for status_code in statuses:
        code, field, message = ERROR_EXAMPLES[status_code]
        responses[status_code] = OpenApiResponse(
            ErrorSerializer,
            examples=[
                OpenApiExample(
                    code,
                    value={"errors": [{"field": field, "code": code, "message": message}]},
                    response_only=True,
                    status_codes=[str(status_code)],
                )
            ],
        )
    return responses
