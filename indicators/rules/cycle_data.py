"""Size classes and nomination quotas as data with their source.

A framework file may propose them in its ``settings`` (``size_classes``, ``quotas``); a cycle starts from them, or
from the defaults below when the file has none, and admins change them per cycle. The checks here serve both: the
file parser and the admin's size-class and settings services word the same problems the same way.

Defaults (kept with their sources so that a cycle never carries a number nobody can trace):

* Size classes: small 20,000–750,000 and big 750,000–1,500,000 people, the bands ASEAN published for the 2011
  and 2017 editions (environment.asean.org, 2011 recipients page). Big-city recipients since 2014 exceed
  1.5 million (Tangerang 1,918,556), so the upper limit was not applied or has changed; admins may remove it.
* Quotas: one ESC Award nominee per ASEAN member state, and at most six Certificate of Recognition nominees, one
  big and one small city for each of the three categories: the 2021 rule (indonesiamandiri.web.id, 2021).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, Final

from django.utils.translation import gettext as _

from indicators.rules.readers import Checker
from indicators.rules.specs import QuotaSpec, SizeClassSpec
from indicators.rules.vocabulary import URL_PATTERN

SIZE_CLASS_SOURCE: Final = "http://environment.asean.org/recipients-of-asean-esc-award-2011/"
QUOTA_SOURCE_2021: Final = "https://www.indonesiamandiri.web.id/2021/10/tiga-kota-indonesia-masuk-kota-ramah.html"
DEFAULT_SIZE_CLASSES: Final = (
    SizeClassSpec("small", "เมืองขนาดเล็ก", "Small city", 20_000, 750_000, SIZE_CLASS_SOURCE),
    SizeClassSpec("big", "เมืองขนาดใหญ่", "Big city", 750_000, 1_500_000, SIZE_CLASS_SOURCE),
)
DEFAULT_QUOTAS: Final = QuotaSpec(esc_award=1, certificates_total=6, per_category_and_size=1, source=QUOTA_SOURCE_2021)

SIZE_CLASS_CODE_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
_SIZE_CLASS_KEYS: Final = ("code", "name_th", "name_en", "min_population", "max_population", "source")
_QUOTA_KEYS: Final = ("esc_award", "certificates_total", "per_category_and_size", "source")
_MAX_POPULATION: Final = 2_000_000_000  # the database column's ceiling (PositiveIntegerField)
_MAX_QUOTA: Final = 1000
_NAME_LENGTH: Final = 100
_SOURCE_LENGTH: Final = 500


def is_source(text: str) -> bool:
    """A source is a web address (http:// or https://) or the word "proposed"."""
    return text == "proposed" or bool(URL_PATTERN.match(text))


def size_class_problems(size_classes: Sequence[SizeClassSpec], *, where: str) -> list[str]:
    """Every problem of a list of bands, listed from the smallest population up.

    Codes are unique; each band's maximum lies above its minimum; a band starts at or after the end of the one
    before it (bands may leave a gap but never overlap, so every population has at most one size class); only the
    last band may have no maximum.
    """
    problems: list[str] = []
    codes = [size.code for size in size_classes]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(_("{where}: size class code “{code}” is used twice").format(where=where, code=code))
    for size in size_classes:
        if size.max_population is not None and size.max_population <= size.min_population:
            problems.append(
                _("{where}: size class “{code}”: the maximum population {high} must be above the minimum {low}").format(
                    where=where, code=size.code, high=size.max_population, low=size.min_population
                )
            )
    for smaller, larger in pairwise(size_classes):
        if larger.min_population < smaller.min_population:
            problems.append(
                _(
                    "{where}: list the size classes from the smallest population up (“{first}” before “{second}”)"
                ).format(where=where, first=larger.code, second=smaller.code)
            )
        elif smaller.max_population is None:
            problems.append(
                _("{where}: only the last size class may have no maximum population (“{code}” has none)").format(
                    where=where, code=smaller.code
                )
            )
        elif larger.min_population < smaller.max_population:
            problems.append(
                _(
                    "{where}: size classes “{first}” and “{second}” overlap: “{second}” starts at {start}, "
                    "before “{first}” ends at {end}"
                ).format(
                    where=where,
                    first=smaller.code,
                    second=larger.code,
                    start=larger.min_population,
                    end=smaller.max_population,
                )
            )
    return problems


def quota_problems(
    *, certificates_total: int, per_category_and_size: int, categories: int, size_classes: int, where: str
) -> list[str]:
    """Certificate nominees in all cannot exceed what the per-category quota allows over every category and size
    class (2021: 3 × 2 × 1 = 6; 2024: 5 × 2 × 1 = 10)."""
    most = categories * size_classes * per_category_and_size
    if certificates_total <= most:
        return []
    return [
        _(
            "{where}: {total} certificate nominees in all is more than the {most} that {categories} categories × "
            "{sizes} size classes × {per} per category and size class allow"
        ).format(
            where=where,
            total=certificates_total,
            most=most,
            categories=categories,
            sizes=size_classes,
            per=per_category_and_size,
        )
    ]


def _source(check: Checker, data: Mapping[str, Any]) -> str:
    source = check.text(data, "source")
    if source and not is_source(source):
        check.fail(
            _("{code}: source must be a web address or “proposed” (got “{value}”)").format(
                code=check.where, value=source
            )
        )
    elif len(source) > _SOURCE_LENGTH:
        check.fail(_("{code}: source is longer than {limit} characters").format(code=check.where, limit=_SOURCE_LENGTH))
    return source


def _size_class(check: Checker, raw: Mapping[str, Any]) -> SizeClassSpec:
    check.keys(raw, _SIZE_CLASS_KEYS)
    code = check.text(raw, "code")
    if code and not SIZE_CLASS_CODE_PATTERN.match(code):
        check.fail(
            _("{code}: size class code “{value}” must be 1 to 20 lower-case letters, digits, - and _").format(
                code=check.where, value=code
            )
        )
    names = [check.text(raw, "name_th"), check.text(raw, "name_en")]
    for key, name in zip(("name_th", "name_en"), names, strict=True):
        if len(name) > _NAME_LENGTH:
            check.fail(
                _("{code}: “{key}” is longer than {limit} characters").format(
                    code=check.where, key=key, limit=_NAME_LENGTH
                )
            )
    low = check.whole(raw, "min_population", low=0, high=_MAX_POPULATION)
    high = None
    if raw.get("max_population") is not None:
        high = check.whole(raw, "max_population", low=1, high=_MAX_POPULATION)
    return SizeClassSpec(code, names[0], names[1], low or 0, high, _source(check, raw))


def parse_size_classes(errors: list[str], raw: object) -> tuple[SizeClassSpec, ...]:
    """Read ``settings.size_classes``: a list of bands from the smallest population up."""
    where = "settings.size_classes"
    if not isinstance(raw, list) or not raw:
        errors.append(_("{where}: must list at least one size class").format(where=where))
        return ()
    sizes: list[SizeClassSpec] = []
    found = len(errors)
    for position, item in enumerate(raw, start=1):
        check = Checker(_("{where}, size class {position}").format(where=where, position=position), errors)
        if not isinstance(item, Mapping):
            check.fail(_("{code}: must be a mapping of keys").format(code=check.where))
            continue
        sizes.append(_size_class(check, item))
    if len(errors) > found:  # bands read with holes in them would only add confusing follow-up problems
        return ()
    errors.extend(size_class_problems(sizes, where=where))
    return tuple(sizes)


def parse_quotas(errors: list[str], raw: object) -> QuotaSpec | None:
    """Read ``settings.quotas``; how they fit the categories and size classes is checked with the whole file."""
    check = Checker("settings.quotas", errors)
    if not isinstance(raw, Mapping):
        check.fail(_("{code}: must be a mapping of keys").format(code=check.where))
        return None
    check.keys(raw, _QUOTA_KEYS)
    esc_award, certificates_total, per_category = (
        check.whole(raw, key, low=0, high=_MAX_QUOTA)
        for key in ("esc_award", "certificates_total", "per_category_and_size")
    )
    source = _source(check, raw)
    if esc_award is None or certificates_total is None or per_category is None:
        return None
    return QuotaSpec(esc_award, certificates_total, per_category, source)


def size_classes_from_json(rows: Sequence[Mapping[str, Any]]) -> tuple[SizeClassSpec, ...]:
    """Size classes stored in ``FrameworkVersion.defaults`` (``SizeClassSpec.as_json``)."""
    return tuple(
        SizeClassSpec(
            str(row["code"]),
            str(row["name_th"]),
            str(row["name_en"]),
            int(row["min_population"]),
            None if row.get("max_population") is None else int(row["max_population"]),
            str(row.get("source", "")),
        )
        for row in rows
    )


def quotas_from_json(data: Mapping[str, Any]) -> QuotaSpec:
    """Quotas stored in ``FrameworkVersion.defaults`` (``QuotaSpec.as_json``)."""
    return QuotaSpec(
        int(data["esc_award"]),
        int(data["certificates_total"]),
        int(data["per_category_and_size"]),
        str(data.get("source", "")),
    )
