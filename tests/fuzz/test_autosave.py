"""Fuzzing the autosave endpoint (one field of one indicator, as the form's htmx posts it): never a server error;
a refused field is not saved and says why in the reader's language; a saved field holds what the parser reads from
the entry, and saving what the page then shows changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from applications.models import IndicatorValue, ValueChange
from applications.services import save_value
from indicators.models import Indicator
from tests.fuzz.conftest import (
    CODES,
    FREE_TEXT,
    HOSTILE,
    LANGUAGES,
    RUBRIC,
    VERSIONS,
    YES_NO,
    application_state,
    assert_explained,
    fuzz,
    inputs,
    rolled_back,
    speaking,
)
from tests.fuzz.oracles import as_number, check_saved, fragment, shown

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FIELDS = ("value", "period", "source", "comment", "text")
# A value already there before the officer types, for some examples.
EARLIER = {"value": "3", "period": "2567", "source": "เทศบาล", "comment": "", "text": ""}


def autosave(client, application, code, data):
    return fragment(
        client.post(reverse("applications:value-save", args=[application.pk, code]), data, HTTP_HX_REQUEST="true")
    )


@fuzz(80)
@given(
    code=st.sampled_from(CODES),
    field=st.sampled_from(FIELDS),
    raw=HOSTILE,
    version=VERSIONS,
    earlier=st.booleans(),
    language=LANGUAGES,
)
def test_autosaving_one_field_saves_it_or_says_why(
    cast, editor, application, code, field, raw, version, earlier, language
):
    inputs(code=code, field=field, raw=raw, version=version, earlier=earlier, language=language)
    client = speaking(editor, language)
    indicator = Indicator.objects.get(framework=application.cycle.framework, code=code)
    with rolled_back():
        if earlier:
            earlier_value = "มี" if code == YES_NO else EARLIER["value"]
            changes = {**EARLIER, "value": earlier_value, "text": "ข้อความเดิม" if code == FREE_TEXT else ""}
            save_value(
                application=application, indicator=indicator, by=cast.editor_b, changes=changes, expected_version=None
            )
        before = application_state(application)
        current = IndicatorValue.objects.filter(application=application, indicator=indicator).first()
        current_version = current.version if current else 0
        version = str(current_version) if version == "current" else version
        data = {field: raw} if version is None else {field: raw, "version": version}

        state, alerts, body = autosave(client, application, code, data)
        event(f"{field}: {state}")

        value = IndicatorValue.objects.filter(application=application, indicator=indicator).first()
        posted_version = int(version) if version not in (None, "", "x") else None
        if posted_version is not None and posted_version != current_version:
            assert state == "conflict"
        if state == "saved":
            check_saved(indicator, field, raw, value)
            if value is not None and field == "value":  # saving what the page shows again changes nothing
                changes_before = ValueChange.objects.count()
                again, _alerts, _body = autosave(
                    client, application, code, {"value": shown(value), "version": str(value.version)}
                )
                assert again == "saved"
                assert ValueChange.objects.count() == changes_before
                assert IndicatorValue.objects.get(pk=value.pk).version == value.version
        else:
            assert application_state(application) == before, f"{state}, yet written: {data!r}"
            if state == "invalid":
                assert_explained(alerts, language, echoed=(raw,))
            else:
                assert state == "conflict"
                assert 'class="alert alert-warning py-2 px-2 small mb-1 conflict"' in body


@fuzz(40)
@given(raw=HOSTILE, language=LANGUAGES)
def test_a_rubric_level_outside_zero_to_max_points_is_refused_with_the_range(editor, application, raw, language):
    inputs(raw=raw, language=language)
    client = speaking(editor, language)
    with rolled_back():
        before = application_state(application)
        state, alerts, _body = autosave(client, application, RUBRIC, {"value": raw})
        number = as_number(raw)
        if number is not None and number.is_finite():  # entries are read to four decimal places
            number = number.quantize(Decimal("0.0001")) if number.copy_abs() < 10**12 else number
            if number != number.to_integral_value() or not 0 <= number <= 4:
                assert state == "invalid", f"{raw!r} saved"
        if state != "saved":
            assert application_state(application) == before
            assert_explained(alerts, language, echoed=(raw,))
