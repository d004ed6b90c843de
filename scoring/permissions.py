"""Who may see rankings and run rescoring."""

from applications.models import Application
from indicators.enums import DECIDED_PHASES
from portal.enums import Role
from portal.models import User

# From the national decision on, a municipality may see where its application stood in its group.
RESULT_PHASES = DECIDED_PHASES


def can_view_rankings(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role in (Role.ADMIN, Role.REVIEWER)


def can_rescore(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN


def can_see_own_rank(user: User, application: Application) -> bool:
    """The committee sees ranks all along; the municipality (whose application it is: the caller resolved it through
    applications_visible_to) once the cycle's results are decided."""
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.REVIEWER):
        return True
    return application.cycle.phase in RESULT_PHASES


def can_read_feedback(user: User, application: Application) -> bool:
    """The municipality's own officers (the caller resolved the application through applications_visible_to) and
    admins; reviewers judge applications, the report is addressed to the municipality."""
    if not user.is_authenticated:
        return False
    return user.role in (Role.ADMIN, Role.EDITOR, Role.SIGNATORY)
