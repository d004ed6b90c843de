"""Planner statistics after bulk writes.

A PostgreSQL server may run without autovacuum; then nothing refreshes the statistics of a table that a bulk load
or a whole-cycle score run has just filled, and the planner's plans for it can be several times slower until
someone runs ANALYZE. The services that write in bulk call this at their end. Other databases: nothing to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def analyze(model: type[Model], *, columns: Sequence[str] = ()) -> None:
    """ANALYZE the model's table (only `columns` when given: statistics of large text columns cost most and help
    no query)."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = f" ({', '.join(connection.ops.quote_name(name) for name in columns)})" if columns else ""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}{names}")
