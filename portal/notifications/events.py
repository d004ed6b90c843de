"""The events the portal mails about: each one's placeholders, sample data for the preview, and its shipped default
text (the files templates/portal/email/<event>_{subject,body}.txt, translated through the catalogues)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.notifications.rendering import Addressed, Both

# Placeholders the events share, with what each one says.
PLACEHOLDERS: dict[str, Promise] = {
    "name": _("the recipient's name (in Thai with “คุณ” before a name without a title)"),
    "municipality": _("the municipality's full name"),
    "cycle": _("the award cycle"),
    "application": _("the application (track and category)"),
    "link": _("a link into the portal"),
    "reason": _("the reason given by the administrator"),
    "inviter": _("the name of the person who invites"),
    "submitted_at": _("date and time of submission"),
    "digest": _("SHA-256 of the submitted values and evidence"),
    "signatory": _("the signatory who submitted"),
    "code": _("the indicator's code"),
    "question": _("the reviewer's question"),
    "answer": _("the municipality's answer"),
    "deadline": _("the deadline"),
    "round": _("the decision's round"),
    "outcome": _("the decision"),
    "note": _("the committee's note"),
    "days_left": _("days left until the deadline"),
    "count": _("how many"),
    "due_on": _("the date by which it is due"),
}

SAMPLE: dict[str, Any] = {
    "name": Addressed("สมชาย ใจดี"),
    "municipality": Both("เทศบาลนครยะลา", "Yala City Municipality"),
    "cycle": Both("รางวัลเมืองสิ่งแวดล้อมยั่งยืนอาเซียน 2570", "ASEAN ESC Award 2027"),
    "application": Both("รางวัลเมืองสิ่งแวดล้อมยั่งยืน", "ESC Award"),
    "link": "https://esc-award.example/applications/42/",
    "reason": Both("หนังสือขอขยายเวลาลงวันที่ 3 มีนาคม", "Letter of 3 March asking for more time"),
    "inviter": "วิภา ศรีสุข",
    "submitted_at": dt.datetime(2027, 3, 14, 10, 30),  # noqa: DTZ001 -- shown as it is
    "digest": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "signatory": "ปรีชา มั่นคง",
    "code": "CA-01",
    "question": Both("โปรดแนบข้อมูลรายวันจากสถานีตรวจวัด", "Please attach the station's daily data."),
    "answer": Both("แนบรายงานประจำเดือนแล้ว", "The monthly report is attached."),
    "deadline": dt.datetime(2027, 3, 31, 16, 30),  # noqa: DTZ001 -- shown as it is
    "round": Both("คัดกรอง", "Screening"),
    "outcome": Both("ผ่านเข้ารอบ", "Shortlisted"),
    "note": Both("ข้อมูลครบถ้วน", "Complete data."),
    "days_left": 7,
    "count": 3,
    "due_on": dt.date(2027, 4, 30),
}


@dataclass(frozen=True)
class Event:
    key: str
    label: Promise
    placeholders: tuple[str, ...]
    # Announcements to many municipalities wait in the outbox for an admin; everything else goes at once.
    held: bool = False

    def sample_values(self) -> dict[str, Any]:
        return {name: SAMPLE[name] for name in self.placeholders}


EVENTS: dict[str, Event] = {
    event.key: event
    for event in (
        Event("verify_email", _("Registration: confirm the e-mail address"), ("name", "link")),
        Event("registration_waiting", _("Registration waiting for approval (to admins)"), ("name", "municipality")),
        Event("registration_approved", _("Registration approved"), ("name", "municipality")),
        Event("registration_rejected", _("Registration rejected"), ("name", "municipality", "reason")),
        Event("invitation", _("Invitation of an editor"), ("inviter", "municipality", "link")),
        Event("staff_welcome", _("New staff account"), ("name", "inviter", "link")),
        Event(
            "application_receipt",
            _("Submission receipt"),
            ("municipality", "cycle", "application", "submitted_at", "digest", "signatory"),
        ),
        Event("clarification_asked", _("Clarification asked"), ("municipality", "code", "question")),
        Event("clarification_answered", _("Clarification answered"), ("municipality", "code", "answer")),
        Event("application_reopened", _("Application reopened"), ("municipality", "application", "reason")),
        Event("deadline_extended", _("Deadline extension granted"), ("municipality", "cycle", "deadline", "reason")),
        Event(
            "decision_recorded",
            _("Shortlist or nomination decision"),
            ("municipality", "cycle", "application", "round", "outcome", "note"),
            held=True,
        ),
        Event("results_published", _("Results published"), ("municipality", "cycle", "link"), held=True),
        Event(
            "reminder_draft",
            _("Reminder: draft not submitted before the deadline"),
            ("municipality", "cycle", "application", "deadline", "days_left", "link"),
        ),
        Event("reminder_review", _("Reminder: reviews pending"), ("name", "cycle", "count", "due_on", "link")),
    )
}


def _token(name: str) -> str:
    return f"\x00{name}\x01"


def default_texts(event: Event, language: str) -> tuple[str, str]:
    """The shipped subject and body in `language`, written in the admins' placeholder syntax."""
    tokens = {name: _token(name) for name in event.placeholders}
    with translation.override(language):
        subject = render_to_string(f"portal/email/{event.key}_subject.txt", tokens).strip()
        body = render_to_string(f"portal/email/{event.key}_body.txt", tokens).strip() + "\n"

    def placeholder_syntax(text: str) -> str:
        text = text.replace("{", "{{").replace("}", "}}")
        for name, token in tokens.items():
            text = text.replace(token, "{" + name + "}")
        return text

    return placeholder_syntax(subject), placeholder_syntax(body)
