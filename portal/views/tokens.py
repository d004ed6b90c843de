"""Personal API tokens on the user's own page: create one (shown once), list them, revoke one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from portal.forms import ApiTokenForm
from portal.http import user_of
from portal.selectors import api_tokens_of
from portal.services_tokens import create_api_token, revoke_api_token
from portal.views.registration import add_service_errors


class ApiTokenListView(FormView):
    """Every logged-in user may hold tokens; a token acts with its owner's rights, never more."""

    template_name = "portal/api_tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tokens=api_tokens_of(user_of(self.request)), now=timezone.now(), **kwargs)

    def form_valid(self, form: ApiTokenForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            issued = create_api_token(
                user=user_of(self.request),
                name=data["name"],
                scope=data["scope"],
                expires_at=timezone.now() + dt.timedelta(days=data["lifetime_days"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        # Shown on this response only: the token is not stored, so a reload cannot show it again.
        response = self.render_to_response(self.get_context_data(form=ApiTokenForm(), issued=issued))
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(api_tokens_of(user_of(request)), pk=pk)
        revoke_api_token(token=token)
        messages.success(request, _("The token “{name}” was revoked.").format(name=token.name))
        return redirect("portal:api-tokens")
