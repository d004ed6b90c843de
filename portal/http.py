"""Request types for views behind login."""

from django.http import HttpRequest

from portal.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
