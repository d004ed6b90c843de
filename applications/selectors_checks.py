"""Reads that judge an application's values: outlier warnings (against the previous cycle and the size class's
peers) and the framework's checks across indicators. Nothing here writes; the services and pages call them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from applications.models import Application, IndicatorValue
from applications.outliers import is_change_outlier, is_peer_outlier, peer_stats
from applications.selectors import numbers_by_code, previous_application, value_comparison
from applications.validation import failed_checks
from indicators.display import canonical
from indicators.models import Indicator
from portal.i18n import current_language


@dataclass(frozen=True)
class OutlierContext:
    """What outlier warnings compare against, for every indicator of one application at once."""

    previous: dict[str, Decimal | None]  # indicator code → the previous cycle's value
    peers: dict[int, list[Decimal]]  # indicator id → values of the size class's other applications


def outlier_context(application: Application) -> OutlierContext:
    """Load the previous cycle's values and the peers' values in bulk (three queries), so that a page listing
    every indicator does not query per row."""
    previous = previous_application(application)
    previous_values = dict(previous.values.values_list("indicator__code", "number")) if previous is not None else {}
    peers: dict[int, list[Decimal]] = defaultdict(list)
    if application.size_class_id is not None:
        for indicator_id, number in (
            IndicatorValue.objects.filter(
                application__cycle_id=application.cycle_id,
                application__size_class_id=application.size_class_id,
                number__isnull=False,
            )
            .exclude(application_id=application.pk)
            .values_list("indicator_id", "number")
        ):
            assert number is not None  # filtered on number__isnull=False
            peers[indicator_id].append(number)
    return OutlierContext(previous=previous_values, peers=peers)


def outlier_warnings(
    application: Application, indicator: Indicator, value: IndicatorValue, context: OutlierContext | None = None
) -> list[str]:
    """Warnings that ask for an explanatory comment; they never block. Pass `context` when warning on many rows."""
    if value.number is None:
        return []
    warnings = []
    if context is not None:
        old = context.previous.get(indicator.code)
        peer_values = context.peers.get(indicator.pk, [])
    else:
        comparison = value_comparison(application, indicator, codes=())
        old, peer_values = comparison.previous, comparison.peers
    if is_change_outlier(value.number, old):
        warnings.append(
            _("Very different from your previous cycle ({old}). Please explain in the comment.").format(
                old=canonical(old)
            )
        )
    stats = peer_stats(peer_values)
    if stats is not None and is_peer_outlier(value.number, stats):
        warnings.append(
            _(
                "Unusual among municipalities of your size class (median {median}). Please check the unit and "
                "explain in the comment."
            ).format(median=canonical(stats.median.quantize(Decimal("0.01"))))
        )
    return warnings


def checks_naming(application: Application, indicator: Indicator | None = None) -> list[dict[str, Any]]:
    """The framework's checks across indicators (only those naming `indicator`, if given)."""
    checks = application.cycle.framework.checks
    if indicator is not None:
        checks = [check for check in checks if indicator.code in check["indicators"]]
    return list(checks)


def failure_messages(checks: list[dict[str, Any]], numbers: dict[str, Decimal | None]) -> list[str]:
    """Messages of those of `checks` that fail on `numbers` (indicator code → number), in the active language."""
    if not checks:
        return []
    failures = failed_checks(checks, numbers, language=current_language())
    return [failure.message for failure in failures]


def check_errors(application: Application, indicator: Indicator | None = None) -> list[str]:
    """Messages of the framework's checks across indicators that fail (only those naming `indicator`, if given)."""
    checks = checks_naming(application, indicator)
    if not checks:
        return []
    return failure_messages(checks, numbers_by_code(application))
