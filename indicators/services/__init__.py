"""Use cases for award cycles and their indicator frameworks: load, freeze, version, clone, move phases.

``frameworks`` holds the framework versions' use cases and ``cycles`` the cycles'. Import the names below from
``indicators.services``.
"""

from indicators.services.cycles import (
    DATE_FIELDS,
    SETTINGS_FIELDS,
    adopt_framework,
    change_phase,
    clone_cycle,
    create_cycle,
    grant_extension,
)
from indicators.services.frameworks import FrameworkLoad, copy_framework, load_framework, update_indicator

__all__ = [
    "DATE_FIELDS",
    "SETTINGS_FIELDS",
    "FrameworkLoad",
    "adopt_framework",
    "change_phase",
    "clone_cycle",
    "copy_framework",
    "create_cycle",
    "grant_extension",
    "load_framework",
    "update_indicator",
]
