"""Why a score run was requested, as people read it. A run stores its reason as a short code ("submitted",
"settings: tiers", "corrected CA-01"); pages show it in the reader's language."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from indicators.models import AwardCycle
from portal.models import model_field


def _simple() -> dict[str, str]:
    return {
        "submitted": pgettext("score run reason", "Application submitted"),
        "reopened": pgettext("score run reason", "Application reopened"),
        "amended": pgettext("score run reason", "Answer to a clarification"),
        "framework": pgettext("score run reason", "New framework version"),
        "command": pgettext("score run reason", "Rescore from the command line"),
        "manual": pgettext("score run reason", "Rescore requested by an administrator"),
        "demo": pgettext("score run reason", "Demo data"),
        "demo reviews": pgettext("score run reason", "Demo data: reviews"),
        "settings: reviewers": pgettext("score run reason", "Reviewers' points combined anew"),
    }


def _per_indicator() -> dict[str, str]:
    return {
        "verified": pgettext("score run reason", "Value verified: {code}"),
        "queried": pgettext("score run reason", "Value queried: {code}"),
        "corrected": pgettext("score run reason", "Value corrected: {code}"),
        "abstention": pgettext("score run reason", "Reviewer abstained: {code}"),
        "rubric score": pgettext("score run reason", "Rubric points given: {code}"),
    }


def _setting_label(field: str) -> str:
    if field == "size_classes":
        return _("Size classes")
    try:
        return str(model_field(AwardCycle, field).verbose_name)
    except FieldDoesNotExist:  # an unknown name is shown as it is
        return field


def run_reason_label(reason: str) -> str:
    """The reason in the active language; a reason the portal does not know is shown as it was stored."""
    reason = reason.strip()
    simple = _simple()
    if reason in simple:
        return simple[reason]
    if reason.startswith("settings: "):
        fields = [item.strip() for item in reason.removeprefix("settings: ").split(",") if item.strip()]
        return pgettext("score run reason", "Cycle settings changed: {fields}").format(
            fields=", ".join(_setting_label(field) for field in fields)
        )
    head, _space, code = reason.rpartition(" ")
    per_indicator = _per_indicator()
    if head in per_indicator and code:
        return per_indicator[head].format(code=code)
    return reason
