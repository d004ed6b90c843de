"""What the audit log records: one code per admin or committee action."""

from django.db import models
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    # Cycles, their phases and settings
    CYCLE_CREATED = "cycle_created", pgettext_lazy("audit action", "Cycle created")
    CYCLE_CLONED = "cycle_cloned", pgettext_lazy("audit action", "Cycle cloned from a previous one")
    PHASE_CHANGED = "phase_changed", pgettext_lazy("audit action", "Phase changed")
    SETTINGS_CHANGED = "settings_changed", pgettext_lazy("audit action", "Cycle settings changed")
    SIZE_CLASSES_CHANGED = "size_classes_changed", pgettext_lazy("audit action", "Size classes changed")
    EXTENSION_GRANTED = "extension_granted", pgettext_lazy("audit action", "Deadline extended")
    RESULTS_PUBLISHED = "results_published", pgettext_lazy("audit action", "Results published")
    # Frameworks
    FRAMEWORK_LOADED = "framework_loaded", pgettext_lazy("audit action", "Framework loaded from a file")
    FRAMEWORK_COPIED = "framework_copied", pgettext_lazy("audit action", "New framework version")
    FRAMEWORK_ADOPTED = "framework_adopted", pgettext_lazy("audit action", "Framework version adopted")
    INDICATOR_CHANGED = "indicator_changed", pgettext_lazy("audit action", "Indicator changed")
    # People and reference data
    REGISTRATION_APPROVED = "registration_approved", pgettext_lazy("audit action", "Registration approved")
    REGISTRATION_REJECTED = "registration_rejected", pgettext_lazy("audit action", "Registration rejected")
    STAFF_ACCOUNT_CREATED = "staff_account_created", pgettext_lazy("audit action", "Staff account created")
    ACCOUNT_ACTIVATED = "account_activated", pgettext_lazy("audit action", "Account activated")
    ACCOUNT_DEACTIVATED = "account_deactivated", pgettext_lazy("audit action", "Account deactivated")
    MUNICIPALITY_CORRECTED = "municipality_corrected", pgettext_lazy("audit action", "Municipality data corrected")
    # Applications and the committee's work
    APPLICATION_REOPENED = "application_reopened", pgettext_lazy("audit action", "Application reopened")
    REVIEWERS_ASSIGNED = "reviewers_assigned", pgettext_lazy("audit action", "Reviewers assigned")
    REVIEWER_UNASSIGNED = "reviewer_unassigned", pgettext_lazy("audit action", "Reviewer unassigned")
    REVIEWERS_AUTO_ASSIGNED = (
        "reviewers_auto_assigned",
        pgettext_lazy("audit action", "Reviewers assigned automatically"),
    )
    DECISION_RECORDED = "decision_recorded", pgettext_lazy("audit action", "Decision recorded")
    ASEAN_OUTCOME_RECORDED = "asean_outcome_recorded", pgettext_lazy("audit action", "ASEAN outcome recorded")
