"""Fuzzing with hypothesis: the settings profile, hostile values, one rolled-back savepoint per example, and the
checks every target shares (no server error, every refusal explained in the reader's language)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, note, settings
from hypothesis import strategies as st

from applications.models import Application, Evidence, ImportRun, IndicatorValue, ValueChange
from applications.services import start_application
from indicators.enums import CyclePhase
from indicators.models import Indicator
from tests.factories.indicators import make_cycle

# Reproducible in CI: the same examples on every run, none kept on disk. FUZZ_SCALE=10 runs ten times as many,
# fresh random ones (a failure prints how to reproduce it). The test database is shared by all examples of one
# test, so each example works inside a savepoint that it rolls back (`rolled_back`).
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
settings.register_profile(
    "fuzz",
    database=None,
    deadline=None,
    derandomize=SCALE == 1,
    max_examples=60,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),  # no "explain": it reruns many examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(examples: int) -> settings:
    """The fuzz profile with `examples` examples (times FUZZ_SCALE)."""
    return settings(settings.get_profile("fuzz"), max_examples=max(1, round(examples * SCALE)))


def inputs(**values: object) -> None:
    """Print an example's inputs with its failure: next to schemathesis' pytest plugin, hypothesis prints the
    falsifying example with its values left out."""
    note("\n".join(f"{name} = {value!r}"[:2000] for name, value in values.items()))


THAI = re.compile(r"[\u0e00-\u0e7f]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
LANGUAGES = st.sampled_from(("th", "en"))

# -- hostile values ----------------------------------------------------------------------------------------------

# Text a browser can send: any character but a lone surrogate (not encodable in UTF-8), NUL included on purpose.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
THAI_TEXT = st.text(st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F), min_size=1, max_size=20)
NASTY = st.sampled_from(
    (
        "",
        " ",
        "\x00",
        "12\x00",
        "nan",
        "NaN",
        "sNaN",
        "-nan",
        "inf",
        "-Infinity",
        "1e999999999",
        "-1e999999999",
        "1e-999999999",
        "9" * 40,
        "9" * 5000,
        "0." + "0" * 40 + "1",
        "๑๒๓",
        "๑๒.๕",
        "๑,๒๓๔",
        "１２３",
        "٣",
        "1_000",
        "1,234.5",
        "1,2,3",
        "12.5%",
        "85 %",
        "%",
        ",",
        "-1",
        "-0",
        "+5",
        "0x10",
        "1/2",
        "2568",
        "99999",
        "32767",
        "2147483648",
        "yes",
        "NO",
        "มี",
        "ไม่มี",
        "ใช่",
        "true",
        "=1+1",
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "ปีงบประมาณ 2568",
        "x" * 101,
        "x" * 301,
        "ก" * 2001,
        "ก" * 5001,
    )
)
DECIMALS = st.decimals(allow_nan=True, allow_infinity=True).map(str)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    DECIMALS,
)
SPICE = st.sampled_from(("\x00", "๑", ",", "%", " ", "\u200b", "\ufeff", "\n", "e", "-", "."))
MIXED = st.builds("".join, st.lists(st.one_of(NUMBERS, THAI_TEXT, SPICE), min_size=2, max_size=4))
LONG = st.builds(lambda length, letter: letter * length, st.integers(90, 5100), st.sampled_from(("x", "ก", "9")))


T = TypeVar("T")


def half(first: st.SearchStrategy[T], second: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`first` in about half of the examples, `second` in the others (one_of would weigh each of its branches,
    flattened, alike)."""
    return st.builds(lambda pick, one, other: one if pick else other, st.booleans(), first, second)


HOSTILE = half(NASTY, st.one_of(NUMBERS, TEXT, THAI_TEXT, MIXED, LONG))
# The version a form sends back: mostly none or the one it read ("current"), sometimes a stale or broken one.
VERSIONS = st.one_of(
    st.none(),
    st.just("current"),
    st.integers(min_value=-1, max_value=3).map(str),
    st.sampled_from(("", "x", "9" * 30, "๑")),
)

# -- the application an officer fills in -------------------------------------------------------------------------

# Codes of the esc-2021 framework by kind of value; two of them are turned into the kinds it does not ship.
PERCENT, COUNT, NUMBER, RUBRIC, YES_NO, FREE_TEXT = "CA-01", "CA-02", "CA-04", "CA-09", "CA-08", "CA-10"
CODES = (PERCENT, COUNT, NUMBER, RUBRIC, YES_NO, FREE_TEXT)


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def application(cast, _media) -> Application:
    cycle = make_cycle(
        code="esc-fuzz", phase=CyclePhase.CALL_OPEN, submission_deadline=timezone.now() + timedelta(days=30)
    )
    framework = cycle.framework
    Indicator.objects.filter(framework=framework, code=YES_NO).update(
        value_type="yes_no", min_value=None, max_value=None
    )
    Indicator.objects.filter(framework=framework, code=FREE_TEXT).update(
        value_type="text", min_value=None, max_value=None
    )
    return start_application(
        cycle=cycle, municipality=cast.municipality_a, track="esc_award", category_code="", by=cast.editor_a
    )


@pytest.fixture
def editor(cast) -> Client:
    """The municipality's editor, logged in once for all examples; a server error comes back as a 500 response."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.editor_a)
    return client


def speaking(client: Client, language: str) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


# -- one example, one savepoint ----------------------------------------------------------------------------------


class _RollBackError(Exception):
    """Raised at the end of an example to undo what it wrote."""


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint and roll it back, so that every example starts from the same database."""
    try:
        with transaction.atomic():
            yield
            raise _RollBackError
    except _RollBackError:
        pass


def application_state(application: Application) -> tuple[object, ...]:
    """Everything an officer's write can touch, as plain data to compare before and after."""
    return (
        Application.objects.filter(pk=application.pk).values().get(),
        list(IndicatorValue.objects.filter(application=application).order_by("pk").values()),
        list(ValueChange.objects.filter(application=application).order_by("pk").values()),
        list(Evidence.objects.filter(application=application).order_by("pk").values()),
        list(ImportRun.objects.filter(application=application).order_by("pk").values()),
    )


# -- refusals ----------------------------------------------------------------------------------------------------


def assert_explained(messages: list[str], language: str, *, echoed: tuple[str, ...] = ()) -> None:
    """A refusal carries at least one message, and each reads in the reader's language: with Thai letters in Thai,
    with English words in English. `echoed` are the entered texts a message may quote; they do not count."""
    assert messages, "refused without a message"
    for message in messages:
        own = message
        for text in sorted(echoed, key=len, reverse=True):  # "ไม่มี" before "มี"
            if text.strip():
                own = own.replace(text.strip(), "")
        assert own.strip(), f"an empty message: {message!r}"
        if language == "th":
            assert THAI.search(own), f"not in Thai: {message!r}"
        else:
            assert ENGLISH_WORD.search(own), f"not in English: {message!r}"
            assert not THAI.search(own), f"not in English: {message!r}"
