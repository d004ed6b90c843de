"""Fuzzing the framework loader with files derived from the shipped esc-2024 framework (trimmed to three
indicators an area, so that an example stays fast): keys deleted or renamed, values of the wrong type or out of
range (NaN, infinite, huge, negative, Thai digits, NUL bytes, very long text), items repeated, and text cut or
spliced into the YAML. A file is loaded whole or refused with every problem listed in the reader's language; a
refused file leaves the frameworks, areas and indicators exactly as they were; a loaded one stores what the parser
read, and loading it again changes nothing."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import event, example, given
from hypothesis import strategies as st

from indicators.models import Area, FrameworkVersion, Indicator
from indicators.rules import FrameworkError, parse_framework
from indicators.services import load_framework
from tests.factories.indicators import framework_text
from tests.fuzz.conftest import ENGLISH_WORD, LANGUAGES, LONG, NASTY, THAI, THAI_TEXT, fuzz, half, inputs, rolled_back

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

KEPT = 2  # indicators kept an area
LONG_TEXTS = ("description_th", "description_en", "data_preparation_th", "data_preparation_en", "note_th", "note_en")
LISTS = ("sources", "items_th", "items_en")


def _trimmed(data: Any) -> Any:
    """Long prose cut short and lists of sources and evidence to their first item, wherever they are."""
    if isinstance(data, dict):
        return {
            key: value[:60] if key in LONG_TEXTS else value[:1] if key in LISTS else _trimmed(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_trimmed(item) for item in data]
    return data


def _base() -> dict[str, Any]:
    """esc-2024 with the areas its check names (two categories) and governance, each with its first indicators and
    those the check names; the certificate quota fits the two categories."""
    data = yaml.safe_load(framework_text("esc-2024"))
    named = {code for check in data.get("checks", []) for code in (check.get("indicator"), check.get("other"))}
    data["areas"] = [
        area
        for area in data["areas"]
        if area["kind"] == "governance" or any(item["code"] in named for item in area["indicators"])
    ]
    categories = sum(1 for area in data["areas"] if area["kind"] == "category")
    data["settings"]["quotas"]["certificates_total"] = categories * len(data["settings"]["size_classes"])
    for area in data["areas"]:
        area["indicators"] = [
            item for position, item in enumerate(area["indicators"]) if position < KEPT or item["code"] in named
        ]
    data["framework"]["code"] = "esc-fuzz"
    return _trimmed(data)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


BASE = _base()
BASE_TEXT = dump(BASE)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(BASE)
# Values of every type YAML can carry, plausible or hostile.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    half(NASTY, st.one_of(THAI_TEXT, LONG)),
    st.lists(st.one_of(st.integers(), THAI_TEXT), max_size=3),
    st.dictionaries(st.sampled_from(("min", "points", "code", "x", "ค่า")), st.one_of(st.integers(), NASTY), max_size=2),
)
KEYS = st.one_of(st.sampled_from(("weigth", "code", "ค่า", "", "min", "levels")), st.integers(), NASTY)
# Edits an administrator makes: another text where there was text, another number where there was a number.
EDITABLE = ("name_th", "name_en", "label_th", "label_en", "description_th", "description_en", "message_en", "weight")
EDITS = st.lists(
    st.tuples(
        st.just("edit"),
        st.sampled_from([path for path in PATHS if path[-1] in EDITABLE]),
        st.one_of(THAI_TEXT, st.integers(min_value=0, max_value=100)),
    ),
    max_size=3,
)
DAMAGE = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(PATHS), VALUES),
        st.tuples(st.just("delete"), st.sampled_from(PATHS), st.none()),
        st.tuples(st.just("rename"), st.sampled_from(PATHS), KEYS),
        st.tuples(st.just("repeat"), st.sampled_from(PATHS), st.none()),
    ),
    min_size=1,
    max_size=3,
)
MUTATIONS = st.builds(lambda edits, damage, damaged: edits + damage if damaged else edits, EDITS, DAMAGE, st.booleans())
# Text spliced into the file itself.
SPLICES = st.one_of(
    st.sampled_from(
        ("\t", ":", ": :", "- ", "&a ", "*a", "!!python/object/apply:os.system ['true']", "\x00", "{", "]")
    ),
    st.text(max_size=10),
)


def mutated(mutations: list[tuple[str, tuple[Any, ...], Any]]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for kind, path, argument in mutations:
        parent: Any = data
        for step in path[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if parent is None or not isinstance(parent, dict | list):
            continue
        if isinstance(parent, list) and not (isinstance(last, int) and last < len(parent)):
            continue
        if isinstance(parent, dict) and last not in parent:
            continue
        if kind == "set":
            parent[last] = argument
        elif kind == "edit":
            before = parent[last]
            if isinstance(before, str) == isinstance(argument, str) and not isinstance(before, bool | dict | list):
                parent[last] = argument
        elif kind == "delete":
            del parent[last]
        elif kind == "repeat" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif kind == "rename" and isinstance(parent, dict):
            parent[argument] = parent.pop(last)
    return data


def database_state() -> tuple[object, ...]:
    return (
        list(FrameworkVersion.objects.order_by("pk").values()),
        list(Area.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
    )


def assert_listed_in(messages: list[str], language: str) -> None:
    """Every problem is a sentence in the reader's language. Quoted parts (“…”) quote the file, and so does what
    PyYAML says of a file it cannot read, in whatever language the file is written."""
    assert messages, "refused without a message"
    with translation.override(language):
        not_yaml = translation.gettext("The file is not valid YAML: {problem}").format(problem="")
    for message in messages:
        assert message.strip(), "an empty message"
        own = not_yaml if message.startswith(not_yaml) else re.sub(r"“[^”]*”", "", message)
        if language == "th":
            assert THAI.search(own), f"not in Thai: {message!r}"
        else:
            assert ENGLISH_WORD.search(own), f"not in English: {message!r}"


def test_the_trimmed_base_is_a_valid_framework():
    spec = parse_framework(BASE_TEXT)
    assert [len(area.indicators) for area in spec.areas] == [len(area["indicators"]) for area in BASE["areas"]]
    assert spec.checks


@fuzz(30)
@given(
    mutations=MUTATIONS,
    splice=st.builds(  # in one file of four: where, what, and whether the file is cut there instead
        lambda spliced, where: where if spliced else None,
        st.sampled_from((False, False, False, True)),
        st.tuples(st.floats(min_value=0, max_value=1), SPLICES, st.booleans()),
    ),
    preload=st.sampled_from((False, False, True)),  # the same code and version loaded before, in one of three
    language=LANGUAGES,
)
@example(  # a NUL byte in a name, escaped as YAML writes it
    mutations=[("set", ("framework", "name_th"), "กรอบ\x00ทดสอบ")], splice=None, preload=False, language="th"
)
@example(mutations=[("set", ("settings", "max_points"), float("nan"))], splice=None, preload=False, language="en")
@example(
    mutations=[("set", ("areas", 0, "indicators", 0, "weight"), "1e999999999")],
    splice=None,
    preload=False,
    language="th",
)
@example(  # a name over its column's 200 characters
    mutations=[("set", ("framework", "name_en"), "x" * 201)], splice=None, preload=False, language="en"
)
@example(  # a threshold of a billion digits, once written out in full in the refusal
    mutations=[("set", ("areas", 0, "indicators", 0, "scoring", "levels", 0, "max"), "1e999999999")],
    splice=None,
    preload=False,
    language="th",
)
@example(  # a plausible maximum the parser reads, with more digits than its column holds
    mutations=[("set", ("areas", 0, "indicators", 0, "range", "max"), "1e12")],
    splice=None,
    preload=False,
    language="en",
)
@example(
    mutations=[("set", ("settings", "completeness_minimum"), "1e-99999999")],
    splice=None,
    preload=False,
    language="th",
)
@example(
    mutations=[("set", ("framework", "name_en"), "Changed")], splice=None, preload=True, language="en"
)  # the same code and version already loaded with other content
def test_a_framework_file_is_loaded_whole_or_refused_with_every_problem(mutations, splice, preload, language):
    inputs(mutations=mutations, splice=splice, preload=preload, language=language)
    text = dump(mutated(mutations))
    if splice is not None:
        where, fragment, cut = splice
        position = int(where * len(text))
        text = text[:position] if cut else text[:position] + fragment + text[position:]
    with rolled_back():
        if preload:
            load_framework(text=BASE_TEXT)
        before = database_state()
        with translation.override(language):
            try:
                result = load_framework(text=text)
            except ValidationError as error:
                event("refused")
                assert database_state() == before, "a refused file left rows behind"
                assert_listed_in(error.messages, language)
                return
        try:
            spec = parse_framework(text)
        except FrameworkError as error:  # pragma: no cover - the loader accepted what the parser refuses
            pytest.fail(f"loaded, yet the parser refuses it: {error.errors}")
        framework = result.framework
        assert (framework.code, framework.version) == (spec.code, spec.version)
        assert framework.source_text == text
        if not result.created:
            event("already loaded")
            assert database_state() == before
            return
        event("loaded")
        assert [(area.code, len(area.indicators)) for area in spec.areas] == list(result.indicators_per_area)
        stored = {item.code: item for item in Indicator.objects.filter(framework=framework)}
        for area in spec.areas:
            for item in area.indicators:
                indicator = stored[item.code]
                assert (indicator.value_type, indicator.weight, indicator.rule) == (
                    item.value_type,
                    item.weight,
                    item.rule,
                )
                assert (indicator.min_value, indicator.max_value) == (item.min_value, item.max_value)
        after = database_state()
        again = load_framework(text=text)
        assert not again.created
        assert database_state() == after
