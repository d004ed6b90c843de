"""Signals indicators sends; higher apps (scoring, reviews) listen.

Two timings, on purpose:

* ``framework_adopted`` and ``results_published`` are sent **after commit** (``transaction.on_commit``): their
  receivers only queue work (a rescore, e-mails), and must never queue it for a change that rolled back.
* ``cycle_settings_changed`` is sent **inside the transaction** that changes the settings. Its receivers write
  derived data in that same transaction (for example re-deriving each application's size class after the bands
  changed, or marking the cycle's standings as due for a rescore) and queue their own tasks with
  ``transaction.on_commit``. A settings change and everything it implies then commit or roll back together: a
  receiver that fails undoes the change, and no task ever runs against settings that were not saved. Receivers must
  therefore be quick and must not swallow errors they cannot handle.
"""

from typing import Final

from django.dispatch import Signal

# A cycle now scores with another framework version. kwargs: cycle_id, framework_id. Sent after commit.
framework_adopted = Signal()

# An admin published the cycle's results (publish_results): they are public from now on. kwargs: cycle (AwardCycle,
# as saved with its results_published_at). Sent after commit, once per cycle: the notification worker connects here
# to tell the municipalities (portal never imports indicators' services; it listens).
results_published = Signal()

# Settings of a cycle changed, and at least one of them changes scores or standings. kwargs: cycle_id (int),
# fields (list[str]: every field the change touched, in model order; intersect with SCORE_SETTINGS to see what
# affects scores), by_id (int: the user who made the change). Sent inside the transaction, once per recorded change
# (one CycleSettingsChange row), never for a change that touches none of SCORE_SETTINGS.
cycle_settings_changed = Signal()

# The cycle settings that change scores or standings ("size_classes" is the cycle's set of SizeClass rows).
SCORE_SETTINGS: Final = (
    "max_points",
    "area_score_formula",
    "completeness_minimum",
    "tiers",
    "esc_award_core_weight",
    "esc_award_governance_weight",
    "tie_breaks",
    "normalise_reviewers",
    "disagreement_threshold",
    "size_classes",
)
