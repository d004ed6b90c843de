"""Framework files: ``parse_framework`` reads a whole YAML file and refuses it with every problem found."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils.translation import gettext as _

from indicators.rules.cycle_data import DEFAULT_SIZE_CLASSES, quota_problems
from indicators.rules.indicator_section import check_codes_unique, parse_areas
from indicators.rules.readers import is_text, to_decimal
from indicators.rules.settings_section import parse_defaults, parse_header, parse_settings
from indicators.rules.specs import AreaSpec, CheckSpec, CycleSettingsSpec, FrameworkError, FrameworkSpec
from indicators.rules.vocabulary import CHECK_TYPES, QUANTITATIVE_VALUE_TYPES

_TOP_KEYS: Final = ("framework", "settings", "defaults", "areas", "checks")


def _load_yaml(yaml: Any, text: str) -> object:
    """Load YAML safely with floats read as Decimal, refusing duplicate keys (YAML would silently keep the last).

    ``yaml`` is the PyYAML module, imported by ``parse_framework`` only.
    """
    duplicates: list[str] = []

    # libyaml's parser when PyYAML was built with it (its wheels are): the same safe constructors, several times faster.
    base = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

    class _Loader(base):  # type: ignore[valid-type,misc]  # a base chosen at run time
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)
                seen: set[object] = set()
                for key_node, _value_node in node.value:
                    key = self.construct_object(key_node, deep=True)
                    if isinstance(key, str | int) and key in seen:
                        duplicates.append(
                            _("line {line}: key “{key}” appears twice in the same block").format(
                                line=key_node.start_mark.line + 1, key=key
                            )
                        )
                    if isinstance(key, str | int):
                        seen.add(key)
            return dict(super().construct_mapping(node, deep=deep))

    def construct_decimal(loader: Any, node: Any) -> object:
        scalar = str(loader.construct_scalar(node)).replace("_", "")
        try:
            return Decimal(scalar)
        except InvalidOperation:
            # ".inf" and ".nan" are not plausible values; keep the text so the field check reports it.
            return scalar

    _Loader.add_constructor("tag:yaml.org,2002:float", construct_decimal)
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader derives from SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        raise FrameworkError([_("The file is not valid YAML: {problem}").format(problem=exc)]) from exc
    if duplicates:
        raise FrameworkError(duplicates)
    null_characters = [
        _("{where}: the text holds a character that cannot be saved (a NUL byte, \\0 in YAML); remove it").format(
            where=where
        )
        for where in _holding_null_characters(data)
    ]
    if null_characters:
        raise FrameworkError(null_characters)
    return data


def _holding_null_characters(data: object, where: str = "", seen: set[int] | None = None) -> list[str]:
    """Where a key or a text of the loaded file holds a NUL byte, which PostgreSQL cannot store ("areas.0.name_th").
    A block repeated by a YAML alias is looked at once."""
    if isinstance(data, str):
        return [where or "-"] if "\x00" in data else []
    seen = set() if seen is None else seen
    if id(data) in seen:
        return []
    found: list[str] = []
    if isinstance(data, Mapping):
        seen.add(id(data))
        for key, value in data.items():
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and "\x00" in key:
                found.append(path.replace("\x00", "\\0"))
            else:
                found += _holding_null_characters(value, path, seen)
    elif isinstance(data, list):
        seen.add(id(data))
        for position, item in enumerate(data):
            found += _holding_null_characters(item, f"{where}.{position}" if where else str(position), seen)
    return found


def _parse_checks(raw: object, areas: tuple[AreaSpec, ...], errors: list[str]) -> tuple[CheckSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(_("checks: must be a list"))
        return ()
    quantitative = {
        item.code for area in areas for item in area.indicators if item.value_type in QUANTITATIVE_VALUE_TYPES
    }
    checks = []
    for position, item in enumerate(raw, start=1):
        where = _("checks, item {position}").format(position=position)
        if not isinstance(item, Mapping):
            errors.append(_("{where}: must be a mapping").format(where=where))
            continue
        check_type = item.get("type")
        if check_type not in CHECK_TYPES:
            errors.append(
                _("{where}: unknown check type “{value}” (known: {choices})").format(
                    where=where, value=check_type, choices=", ".join(CHECK_TYPES)
                )
            )
            continue
        if check_type == "at_most":
            codes: tuple[Any, ...] = (item.get("indicator"), item.get("other"))  # YAML values, checked below
            limit = None
        else:
            listed = item.get("indicators")
            codes = tuple(listed) if isinstance(listed, list) else ()
            limit = to_decimal(item.get("limit"))
            if limit is None:
                errors.append(_("{where}: “limit” must be a number").format(where=where))
        if len(codes) < 2 or any(code not in quantitative for code in codes):
            errors.append(
                _("{where}: needs at least two number, percent or count indicators of this framework").format(
                    where=where
                )
            )
            continue
        message_th, message_en = item.get("message_th"), item.get("message_en")
        if not is_text(message_th) or not is_text(message_en):
            errors.append(_("{where}: needs message_th and message_en").format(where=where))
            continue
        checks.append(
            CheckSpec(
                type=check_type,
                indicators=tuple(codes),
                limit=limit,
                message_th=message_th.strip(),
                message_en=message_en.strip(),
            )
        )
    return tuple(checks)


def _quota_problems(settings: CycleSettingsSpec, areas: tuple[AreaSpec, ...]) -> list[str]:
    """The file's quotas against its own categories and size classes (the defaults when it lists none)."""
    if settings.quotas is None:
        return []
    return quota_problems(
        certificates_total=settings.quotas.certificates_total,
        per_category_and_size=settings.quotas.per_category_and_size,
        categories=sum(1 for area in areas if area.kind == "category"),
        size_classes=len(settings.size_classes or DEFAULT_SIZE_CLASSES),
        where="settings.quotas",
    )


def parse_framework(text: str) -> FrameworkSpec:
    """Parse a framework file (YAML text) into a ``FrameworkSpec``.

    Raises ``FrameworkError`` whose ``errors`` list every problem in the file (invalid YAML and duplicate keys stop
    the check early, since nothing after them can be trusted). See docs/framework-format.md for the format.
    """
    import yaml  # noqa: PLC0415 -- only file parsing needs PyYAML; rule validation and descriptions do not

    data = _load_yaml(yaml, text)
    if not isinstance(data, Mapping):
        raise FrameworkError(
            [_("The file must be a YAML mapping with the keys framework, settings, defaults and areas")]
        )
    errors: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(_("unknown top-level key “{key}”").format(key=key))
    for key in ("framework", "settings", "areas"):
        if data.get(key) is None:
            errors.append(_("missing top-level key “{key}”").format(key=key))
    header = parse_header(data, errors) if data.get("framework") is not None else None
    settings = parse_settings(data, errors) if data.get("settings") is not None else None
    max_points = settings.max_points if settings else 4
    defaults = parse_defaults(data, max_points, errors)
    areas: tuple[AreaSpec, ...] = ()
    if data.get("areas") is not None:
        areas = parse_areas(data, max_points=max_points, defaults=defaults, errors=errors)
    if settings is not None and areas:
        check_codes_unique(areas, settings, errors)
        errors.extend(_quota_problems(settings, areas))
    checks = _parse_checks(data.get("checks"), areas, errors)
    if errors or header is None or settings is None:
        raise FrameworkError(errors)
    return FrameworkSpec(
        checks=checks,
        code=header.code,
        version=header.version,
        name_th=header.name_th,
        name_en=header.name_en,
        description_th=header.description_th,
        description_en=header.description_en,
        settings=settings,
        areas=areas,
    )
