"""Signals indicators sends; higher apps (scoring) listen. Sent after commit."""

from django.dispatch import Signal

# A cycle now scores with another framework version. kwargs: cycle_id, framework_id.
framework_adopted = Signal()
