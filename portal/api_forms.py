"""A portal page's form as an API endpoint's input: the page's own fields, rules and messages, so that the API and
the page cannot disagree. Its errors answer in the one error format, each with its field and code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api_refusals import refusal_response

# A browser session's form post carries its CSRF token as a field: no input of the form.
NOT_INPUT = frozenset({"csrfmiddlewaretoken"})


def form_input(request: Request) -> Mapping[str, Any]:
    """The request's body as a form's data: a JSON object or form fields; anything else is a 400."""
    if not isinstance(request.data, Mapping):
        raise exceptions.ParseError
    return request.data


def form_refusal(form: forms.BaseForm) -> Response | None:
    """None when the bound form is valid; else a 400 with every problem, each with its field and code.

    A field the form does not have is refused too (code "unknown"), rather than dropped without a word: a misspelt
    name, or a setting that another endpoint changes.
    """
    unknown = {
        name: [ValidationError(_("Unknown field: this request does not take it."), code="unknown")]
        for name in sorted(set(form.data) - set(form.fields) - NOT_INPUT)
    }
    if misshapen := _misshapen(form):  # a form field would fail on them, or read them as something else
        return refusal_response(ValidationError({**misshapen, **unknown}))
    if form.is_valid() and not unknown:
        return None
    return refusal_response(ValidationError({**form.errors.as_data(), **unknown}))


# Fields whose input is more than one value: a list of choices, or JSON. A field of the portal's own that reads a
# list or an object as well as text (the cycle's tiers) says so with `takes_structures = True`.
_MANY_VALUES = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField, forms.JSONField)


# Fields that read only text (a date or a moment is written as text in JSON): Django's would fail on anything else.
_TEXT_ONLY = (forms.DateField, forms.DateTimeField, forms.TimeField, forms.DurationField)

# Fields for which JSON's null means nothing: a text, a yes or no, a list (a date or a number may be cleared with it).
_NEVER_NULL = (forms.CharField, forms.BooleanField, forms.JSONField)

# What a yes-or-no field takes as text (a form post); JSON gives true or false.
_YES_OR_NO = frozenset({"true", "false", "1", "0", "on", "off", ""})


def _misshapen(form: forms.BaseForm) -> dict[str, list[ValidationError]]:
    """What a Django form field would fail on, or silently read as something else, in a JSON body: a list or an object
    for a one-value field; text that is neither yes nor no for a yes-or-no field (read as yes); a date that is not text,
    or is empty text; null for a text, a yes-or-no or a list (read as empty); true or false for any other field."""
    problems: dict[str, list[ValidationError]] = {}
    for name, field in form.fields.items():
        value = form.data.get(name)
        if isinstance(value, list | dict) and not (
            isinstance(field, _MANY_VALUES) or getattr(field, "takes_structures", False)
        ):
            message = _("This field takes one value, not a list or an object.")
            problems[name] = [ValidationError(message, code="invalid")]
        elif isinstance(field, forms.BooleanField) and isinstance(value, str) and value.lower() not in _YES_OR_NO:
            problems[name] = [ValidationError(_("Give true or false."), code="invalid")]
        elif value is not None and not isinstance(value, str) and isinstance(field, _TEXT_ONLY):
            problems[name] = [ValidationError(_("Give this field as text."), code="invalid")]
        elif value == "" and isinstance(field, _TEXT_ONLY) and not isinstance(form.data, QueryDict):
            # A form post sends an empty date as empty text; JSON has null for it.
            problems[name] = [ValidationError(_("Give a date, or null to leave it empty."), code="invalid")]
        elif value is None and name in form.data and isinstance(field, _NEVER_NULL):
            # A form reads null as empty text, as no, as no list: the API says what it takes instead.
            problems[name] = [ValidationError(_("This field does not take null."), code="invalid")]
        elif isinstance(value, bool) and not isinstance(field, forms.BooleanField | forms.JSONField):
            problems[name] = [ValidationError(_("This field does not take true or false."), code="invalid")]
    return problems
