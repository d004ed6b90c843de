"""One application's nomination packet as a PDF, in Thai or English, for admins and reviewers.

Rendered on request (one to two seconds); the batch export builds every packet of a cycle in a task instead.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View

from applications.http import application_in_scope
from portal.http import user_of
from reviews.packets import LANGUAGES, packet_filename, render_packet_pdf
from scoring.permissions import can_view_rankings


class PacketView(View):
    """GET /applications/<pk>/packet/<th|en>.pdf: the PDF, shown inline, with an ASCII file name.

    404 for another language or an application outside the user's scope; 403 for municipal officers, even for
    their own application: the packet carries the reviewers' findings and the ranks of other municipalities'
    applications, which only those who may see rankings (admins, reviewers) may read.
    """

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int, language: str) -> HttpResponse:
        if language not in LANGUAGES:
            raise Http404
        application = application_in_scope(request, pk)
        if not can_view_rankings(user_of(request)):
            raise PermissionDenied
        response = HttpResponse(render_packet_pdf(application, language=language), content_type="application/pdf")
        disposition = content_disposition_header(as_attachment=False, filename=packet_filename(application, language))
        assert disposition is not None  # there is a filename
        response["Content-Disposition"] = disposition
        # Reviewers' findings: never kept by a shared cache.
        patch_cache_control(response, private=True, no_store=True)
        return response
