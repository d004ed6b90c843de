"""Fuzzing the application form's posts: starting an application (track and category), the city profile (one field
at a time) and an indicator's whole form (value, period, source, comment, description). Never a server error; a
refusal leaves the database as it was and says why in the reader's language; what is saved is what the entry
says, and saving again what the page then shows changes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from applications.models import Application, IndicatorValue
from indicators.models import Indicator
from tests.fuzz.conftest import (
    CODES,
    HOSTILE,
    LANGUAGES,
    THAI_TEXT,
    VERSIONS,
    application_state,
    assert_explained,
    fuzz,
    half,
    inputs,
    rolled_back,
    speaking,
)
from tests.fuzz.oracles import check_saved, fragment, shown

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PROFILE_FIELDS = ("population", "population_year", "households", "area_km2", "national_certificate")
WHOLE_NUMBERS = ("population", "population_year", "households")


# -- starting an application ---------------------------------------------------------------------------------------


@fuzz(40)
@given(
    track=half(
        st.just("certificate"), st.one_of(st.sampled_from(("esc_award", "ESC_AWARD", "certificate\x00")), HOSTILE)
    ),
    category=half(st.sampled_from(("CA", "CW", "CL")), st.one_of(st.sampled_from(("GOV", "ca", "CA\x00")), HOSTILE)),
    language=LANGUAGES,
)
def test_starting_an_application_starts_one_or_says_why(cast, client, application, track, category, language):
    inputs(track=track, category=category, language=language)
    """The municipality already has its ESC Award application (the fixture): only a certificate can start."""
    client.raise_request_exception = False
    client.force_login(cast.editor_a)
    speaking(client, language)
    url = reverse("applications:start", args=[application.cycle.code])
    with rolled_back():
        before = set(Application.objects.values_list("pk", flat=True))
        client.cookies.pop("messages", None)  # only this example's messages
        response = client.post(url, {"track": track, "category_code": category})
        assert response.status_code < 500, response.status_code
        assert response.status_code == 302
        started = set(Application.objects.values_list("pk", flat=True)) - before
        if response["Location"] == reverse("applications:list"):
            event("refused")
            assert not started
            shown_messages = [str(message) for message in get_messages(response.wsgi_request)]
            assert_explained(shown_messages, language, echoed=(track, category))
        else:
            event("started")
            (pk,) = started
            assert response["Location"] == reverse("applications:detail", args=[pk])
            new = Application.objects.get(pk=pk)
            assert (new.track, new.category_code) == ("certificate", category)
        return


# -- the city profile ----------------------------------------------------------------------------------------------


def profile_number(raw: str) -> Decimal | None:
    """The number in a profile entry (1,234 and digits in any script), read independently of the view."""
    text = raw.strip().replace(",", "")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


@fuzz(80)
@given(
    field=half(st.sampled_from(PROFILE_FIELDS), st.sampled_from(("size_class", "status", "", "population\x00"))),
    raw=HOSTILE,
    version=VERSIONS,
    language=LANGUAGES,
)
@example(field="area_km2", raw="sNaN", version=None, language="th")  # was a server error: compared, then logged
@example(field="area_km2", raw="1e999999999", version=None, language="en")  # was a server error: logged as text
@example(field="national_certificate", raw="ระดับดีเด่น\x00", version=None, language="th")  # PostgreSQL refused
@example(field="national_certificate", raw="ระดับดีเด่น, 2566", version=None, language="th")  # lost its comma
@example(field="population_year", raw="9999", version="current", language="en")  # 9456: read as BE when saved again
def test_a_profile_field_is_saved_as_typed_or_says_why(editor, application, field, raw, version, language):
    inputs(field=field, raw=raw, version=version, language=language)
    client = speaking(editor, language)
    url = reverse("applications:profile-save", args=[application.pk])
    with rolled_back():
        before = application_state(application)
        current_version = Application.objects.get(pk=application.pk).profile_version
        version = str(current_version) if version == "current" else version
        data = {"field": field, "value": raw} | ({} if version is None else {"version": version})

        state, alerts, _body = fragment(client.post(url, data, HTTP_HX_REQUEST="true"))
        event(f"profile: {state}")

        if state != "saved":
            assert application_state(application) == before, f"{state}, yet written: {data!r}"
            if state == "invalid":
                assert_explained(alerts, language, echoed=(raw, field))
            return
        assert field in PROFILE_FIELDS
        stored = getattr(Application.objects.get(pk=application.pk), field)
        if field == "national_certificate":
            assert stored == raw.strip()
            assert "\x00" not in stored
        elif stored is None:
            assert not raw.strip().replace(",", "")
        else:
            number = profile_number(raw)
            assert number is not None, f"{raw!r} saved as {stored!r}"
            if field == "population_year" and number > 2400:
                number -= 543  # a Buddhist-Era year
            assert stored == number
            assert stored > 0 or (stored == 0 and field != "area_km2")
        # What the page shows now, saved again, changes nothing.
        saved = Application.objects.get(pk=application.pk)
        again = "" if stored is None else format(stored.normalize(), ",f") if field == "area_km2" else str(stored)
        state, _alerts, _body = fragment(
            client.post(
                url,
                {"field": field, "value": again, "version": str(saved.profile_version)},
                HTTP_HX_REQUEST="true",
            )
        )
        assert state == "saved"
        assert Application.objects.get(pk=application.pk).profile_version == saved.profile_version
        return


# -- an indicator's whole form -------------------------------------------------------------------------------------


@fuzz(60)
@given(
    code=st.sampled_from(CODES),
    entry=st.fixed_dictionaries(
        {"value": HOSTILE},
        optional={
            "period": st.one_of(HOSTILE, THAI_TEXT),
            "source": st.one_of(HOSTILE, THAI_TEXT),
            "comment": st.one_of(HOSTILE, THAI_TEXT),
            "text": st.one_of(HOSTILE, THAI_TEXT),
        },
    ),
    version=VERSIONS,
    language=LANGUAGES,
)
def test_an_indicator_form_is_saved_whole_or_not_at_all(editor, application, code, entry, version, language):
    inputs(code=code, entry=entry, version=version, language=language)
    client = speaking(editor, language)
    indicator = Indicator.objects.get(framework=application.cycle.framework, code=code)
    url = reverse("applications:value-save", args=[application.pk, code])
    with rolled_back():
        before = application_state(application)
        version = "0" if version == "current" else version
        data = entry | ({} if version is None else {"version": version})

        state, alerts, body = fragment(client.post(url, data, HTTP_HX_REQUEST="true"))
        event(f"form: {state}")

        value = IndicatorValue.objects.filter(application=application, indicator=indicator).first()
        if state != "saved":
            assert application_state(application) == before, f"{state}, yet written: {data!r}"
            if state == "invalid":
                assert_explained(alerts, language, echoed=tuple(entry.values()))
            else:
                assert state == "conflict"
                assert "conflict" in body
            return
        for field, raw in entry.items():  # every field at once
            check_saved(indicator, field, raw, value)
        if value is not None and shown(value):
            state, _alerts, _body = fragment(
                client.post(url, {"value": shown(value), "version": str(value.version)}, HTTP_HX_REQUEST="true")
            )
            assert state == "saved"
            assert IndicatorValue.objects.get(pk=value.pk).version == value.version
        return
