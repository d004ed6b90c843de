"""The signed-in user of a request behind login, typed."""

from django.http import HttpRequest
from rest_framework.request import Request

from portal.models import User


def user_of(request: HttpRequest | Request) -> User:
    """`request.user` as the portal's `User`. Pages are behind LoginRequiredMiddleware and the API behind
    IsAuthenticated (or IsAuthenticatedOrReadOnly for a write), so a view that needs the user always has one; the
    public views that do not never ask."""
    user = request.user
    assert isinstance(user, User), "a view behind login was reached without a signed-in user"
    return user
