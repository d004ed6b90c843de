"""Use cases for award cycles and their indicator frameworks: load, freeze, version, clone, move phases.

``frameworks`` holds the framework versions' use cases, ``cycles`` the cycles' and ``cycle_settings`` the changes of
a cycle's settings and size classes (recorded, and announced to higher apps). Import the names below from
``indicators.services``.
"""

from indicators.services.cycle_settings import (
    CYCLE_SETTINGS,
    SizeClassEdit,
    update_cycle_settings,
    update_size_classes,
)
from indicators.services.cycles import (
    DATE_FIELDS,
    SETTINGS_FIELDS,
    adopt_framework,
    change_phase,
    clone_cycle,
    create_cycle,
    grant_extension,
    publish_results,
)
from indicators.services.frameworks import FrameworkLoad, copy_framework, load_framework, update_indicator

__all__ = [
    "CYCLE_SETTINGS",
    "DATE_FIELDS",
    "SETTINGS_FIELDS",
    "FrameworkLoad",
    "SizeClassEdit",
    "adopt_framework",
    "change_phase",
    "clone_cycle",
    "copy_framework",
    "create_cycle",
    "grant_extension",
    "load_framework",
    "publish_results",
    "update_cycle_settings",
    "update_indicator",
    "update_size_classes",
]
