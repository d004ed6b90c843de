"""The application a request names: the one look-up every page and API endpoint of every app uses.

An application is fetched through the user's scope (`applications_visible_to`): one the user may not see does not
exist for them (404). What they may do with one they see is a question for the app's `permissions` (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View
from rest_framework.request import Request

from applications.models import Application
from applications.permissions import can_edit_application
from applications.selectors import applications_visible_to
from portal.http import user_of


def application_in_scope(request: HttpRequest | Request, pk: int, *, lean: bool = False) -> Application:
    """The application `pk` if the request's user may see it, else 404. `lean`: with its cycle and framework only
    (no municipality, province or size class), for the requests that need no more: an autosave."""
    applications = applications_visible_to(user_of(request))
    if lean:
        applications = applications.select_related(None).select_related("cycle__framework")
    return get_object_or_404(applications, pk=pk)


class ApplicationMixin(View):
    """A page about one application: `load_application` fetches it through the user's scope (404 outside it);
    `require` and `require_edit` refuse (403) what the user may not do with it."""

    application: Application

    def load_application(self, pk: int, *, lean: bool = False) -> Application:
        self.application = application_in_scope(self.request, pk, lean=lean)
        return self.application

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied

    def require_edit(self) -> None:
        self.require(can_edit_application(user_of(self.request), self.application))
