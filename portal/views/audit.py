"""The audit log page: every admin and committee action, newest first, for admins. Read only: the log has no edit
or delete page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.views.generic import ListView

from portal.audit.models import AuditEntry
from portal.audit.presenters import audit_rows
from portal.audit.selectors import audit_entries, audited_actors, audited_cycles
from portal.forms import AuditFilterForm
from portal.http import user_of
from portal.i18n import current_language
from portal.permissions import can_view_audit_log


class AuditLogView(ListView):
    template_name = "portal/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_audit_log(user_of(request)):
            raise PermissionDenied
        self.form = AuditFilterForm(
            request.GET or None, cycles=audited_cycles(), actors=list(audited_actors()), auto_id="audit-%s"
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEntry]:
        self.form.is_valid()
        return audit_entries(self.form.narrowed())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            rows=audit_rows(context["entries"], language=current_language()),
            page_query=query.urlencode(),
            filtered=any(value for key, value in self.request.GET.items() if key != "page"),
        )
        return context
