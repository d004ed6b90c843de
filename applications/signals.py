"""What applications announce; scoring (a higher app) listens. Each is sent after the transaction commits.

kwargs: application_id (int), by_id (int: the user whose action it was); application_values_changed also sends
status (str: the application's status when its values changed).
"""

from django.dispatch import Signal

application_submitted = Signal()
application_reopened = Signal()
application_values_changed = Signal()
