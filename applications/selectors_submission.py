"""Reads for submitting an application: the report the confirmation page shows (what blocks, what is missing,
warnings) and the digest of the submitted content printed on the receipt. Nothing here writes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from applications.enums import PROFILE_FIELDS, VALUE_FIELDS
from applications.models import Application
from applications.selectors import application_sections
from applications.selectors_checks import check_errors
from indicators.display import canonical
from indicators.models import Indicator
from portal.i18n import localized


@dataclass
class SubmissionReport:
    """What the confirmation page shows: problems that block, things that are missing, warnings."""

    blocking: list[str]
    missing: list[str]
    warnings: list[str]
    answered: int
    applicable: int

    @property
    def can_submit(self) -> bool:
        return not self.blocking


def submission_report(application: Application) -> SubmissionReport:
    sections = application_sections(application)
    blocking, missing, warnings = [], [], []
    for label, profile_value in (
        (_("registered population"), application.population),
        (_("population reference year"), application.population_year),
        (_("households"), application.households),
        (_("municipal area"), application.area_km2),
    ):
        if profile_value is None:
            blocking.append(_("City profile: {field} is missing.").format(field=label))
    if application.population is not None and application.size_class is None:
        warnings.append(_("The population is outside every size class of this cycle."))
    for section in sections:
        for row in section.rows:
            indicator, value = row.indicator, row.value
            if value is None or not value.is_answered:
                missing.append(f"{indicator.code} {_name(indicator)}")
                continue
            if value.is_copied:
                blocking.append(
                    _("{code}: copied from the previous cycle; confirm or change it.").format(code=indicator.code)
                )
            if row.evidence_missing:
                blocking.append(_("{code}: attach the required evidence.").format(code=indicator.code))
    blocking += check_errors(application)
    answered = sum(section.answered for section in sections)
    applicable = sum(section.applicable for section in sections)
    return SubmissionReport(blocking, missing, warnings, answered, applicable)


def _name(indicator: Indicator) -> str:
    return localized(indicator)


def receipt_digest(application: Application) -> str:
    """SHA-256 of the submitted content in a canonical form (sorted JSON), printed on the receipt."""
    values = {
        value.indicator.code: {name: canonical(getattr(value, name)) for name in VALUE_FIELDS}
        for value in application.values.select_related("indicator")
    }
    evidence: dict[str, list[str]] = {}
    for item in application.evidence.select_related("indicator").order_by("sha256"):
        evidence.setdefault(item.indicator.code, []).append(item.sha256)
    content = {
        "cycle": application.cycle.code,
        "municipality": application.municipality.code,
        "track": application.track,
        "category": application.category_code,
        "profile": {name: canonical(getattr(application, name)) for name in PROFILE_FIELDS},
        "values": values,
        "evidence": evidence,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
