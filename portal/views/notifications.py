"""Notifications: a user's in-app notices; for admins, the mail templates (with a live preview), the outbox of bulk
mailings and the log of sent mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from portal.http import user_of
from portal.notifications.enums import MailStatus
from portal.notifications.events import EVENTS, PLACEHOLDERS, Event
from portal.notifications.forms import MailTemplateForm
from portal.notifications.models import Mailing, Notification, SentMail
from portal.notifications.selectors import (
    mail_template_of,
    mail_template_rows,
    mailing_samples,
    mailings,
    notifications_of,
    sent_mails,
)
from portal.notifications.services import (
    LANGUAGES,
    Texts,
    cancel_mailing,
    check_mail_texts,
    mark_all_notifications_read,
    mark_notification_read,
    release_mailing,
    render_texts,
    restore_default_mail_template,
    save_mail_template,
    template_texts,
)
from portal.permissions import can_manage_mail
from portal.views.registration import add_service_errors


class MailManagerMixin(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage_mail(user_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _event(key: str) -> Event:
    if key not in EVENTS:
        raise Http404
    return EVENTS[key]


def preview(event: Event, texts: dict[str, str]) -> dict[str, Any]:
    """The event's mail in both languages, filled with sample data; or the errors that keep it from rendering."""
    try:
        check_mail_texts(event, texts)
    except ValidationError as error:
        return {"preview_errors": [message for messages_ in error.message_dict.values() for message in messages_]}
    sample = event.sample_values()
    return {
        "previews": [
            (language, render_texts(Texts(texts[f"subject_{language}"], texts[f"body_{language}"]), sample, language))
            for language in LANGUAGES
        ]
    }


class MailTemplateListView(MailManagerMixin, TemplateView):
    template_name = "portal/mail_template_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rows=mail_template_rows(), **kwargs)


class MailTemplateEditView(MailManagerMixin, FormView):
    template_name = "portal/mail_template_form.html"
    form_class = MailTemplateForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.event = _event(kwargs["event"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        template = mail_template_of(self.event)
        initial = {}
        for language in LANGUAGES:
            texts = template_texts(self.event, template, language)
            initial[f"subject_{language}"], initial[f"body_{language}"] = texts.subject, texts.body
        self.is_customised = template is not None
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = kwargs.get("form") or self.get_form()
        texts = {name: form[name].value() or "" for name in form.fields}
        return super().get_context_data(
            event=self.event,
            placeholders=[(name, PLACEHOLDERS[name]) for name in self.event.placeholders],
            is_customised=getattr(self, "is_customised", mail_template_of(self.event) is not None),
            **preview(self.event, texts),
            **kwargs,
        )

    def form_valid(self, form: MailTemplateForm) -> HttpResponse:
        try:
            save_mail_template(event=self.event.key, texts=form.cleaned_data, by=user_of(self.request))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The e-mail “{event}” is saved.").format(event=self.event.label))
        return redirect("portal:mail-template-list")


class MailTemplatePreviewView(MailManagerMixin, View):
    """The live preview (htmx): the texts as typed, rendered with sample data in both languages."""

    def post(self, request: HttpRequest, event: str) -> HttpResponse:
        spec = _event(event)
        texts = {name: request.POST.get(name, "") for name in MailTemplateForm.base_fields}
        return TemplateResponse(request, "portal/_mail_preview.html", preview(spec, texts))


class MailTemplateResetView(MailManagerMixin, View):
    def post(self, request: HttpRequest, event: str) -> HttpResponse:
        spec = _event(event)
        restore_default_mail_template(event=spec.key)
        messages.success(request, _("The e-mail “{event}” is back to the shipped text.").format(event=spec.label))
        return redirect("portal:mail-template-edit", event=spec.key)


class SentMailListView(MailManagerMixin, ListView):
    template_name = "portal/sent_mail_list.html"
    context_object_name = "mails"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[SentMail]:
        status = self.request.GET.get("status", "")
        return sent_mails(status=status if status in MailStatus.values else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            statuses=MailStatus.choices, current_status=self.request.GET.get("status", ""), events=EVENTS, **kwargs
        )


class MailingListView(MailManagerMixin, ListView):
    template_name = "portal/mailing_list.html"
    context_object_name = "mailings"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Mailing]:
        return mailings()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(events=EVENTS, **kwargs)


class MailingDetailView(MailManagerMixin, DetailView):
    template_name = "portal/mailing_detail.html"
    context_object_name = "mailing"

    def get_queryset(self) -> QuerySet[Mailing]:
        return mailings()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            event=EVENTS.get(self.object.event),
            samples=mailing_samples(self.object),
            recipients=self.object.mails.select_related("user").order_by("recipient"),
            **kwargs,
        )


class MailingDecideView(MailManagerMixin, View):
    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        mailing = get_object_or_404(mailings(), pk=pk)
        if decision not in ("release", "cancel"):
            raise Http404
        try:
            if decision == "release":
                release_mailing(mailing=mailing, by=user_of(request))
                messages.success(request, _("The mailing is released: its e-mails are on their way."))
            else:
                cancel_mailing(mailing=mailing, by=user_of(request))
                messages.success(request, _("The mailing is cancelled: nothing was sent."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("portal:mailing-detail", pk=mailing.pk)


class NotificationListView(ListView):
    template_name = "portal/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(user_of(self.request))


class NotificationOpenView(View):
    """Mark one's notification read and follow its link."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = mark_notification_read(notification=get_object_or_404(notifications_of(user_of(request)), pk=pk))
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        return redirect("portal:notification-list")


class NotificationReadAllView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = mark_all_notifications_read(user=user_of(request))
        if count:
            messages.success(request, _("All notifications are marked read."))
        return redirect("portal:notification-list")
