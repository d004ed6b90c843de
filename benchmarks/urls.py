"""The portal's URLs plus the throughput baselines, each behind the same middleware, session and log-in as any page
(none is exempt from log-in):

- hello: a hello-world page, and nothing else;
- the durable-write floors of an autosave: what any save of one value must do at the least, with nothing the portal
  adds (no scope or permission check, no validation, no warnings, no progress counters, no page fragment). One
  through the ORM (the locked read, the update, the history row, the commit), one as a single SQL statement. They
  exist only here, to show where a goal for the autosave sits against the least a durable write costs.
"""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from applications.enums import Channel
from applications.models import IndicatorValue, ValueChange
from indicators.display import canonical
from portal.http import user_of
from portal.urls import urlpatterns as portal_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def orm_write(request: HttpRequest, pk: int) -> HttpResponse:
    """One value's number written through the ORM as the autosave writes it, with its history row."""
    with transaction.atomic():
        value = IndicatorValue.objects.select_for_update().get(pk=pk)
        old, value.number = value.number, int(request.POST["value"])
        value.version += 1
        value.updated_at, value.updated_by = timezone.now(), user_of(request)
        value.save(update_fields=["number", "version", "updated_at", "updated_by"])
        ValueChange.objects.create(
            application_id=value.application_id,
            indicator_id=value.indicator_id,
            field="number",
            old=canonical(old),
            new=canonical(value.number),
            channel=Channel.FORM,
            changed_by=user_of(request),
        )
    return HttpResponse("saved")


# The same write as orm_write in one statement: lock, update and history row in one round trip, then the commit.
ONE_STATEMENT = """
WITH old AS (SELECT id, number FROM applications_indicatorvalue WHERE id = %(pk)s FOR UPDATE),
written AS (
    UPDATE applications_indicatorvalue AS value
    SET number = %(number)s, version = value.version + 1, updated_at = now(), updated_by_id = %(user)s
    FROM old WHERE value.id = old.id
    RETURNING value.application_id, value.indicator_id, old.number AS old
)
INSERT INTO applications_valuechange (application_id, indicator_id, field, old, new, channel, changed_by_id, changed_at)
SELECT application_id, indicator_id, 'number', trim_scale(old)::text, %(number)s::text, %(channel)s, %(user)s, now()
FROM written
"""


def statement_write(request: HttpRequest, pk: int) -> HttpResponse:
    """orm_write as one SQL statement."""
    number = int(request.POST["value"])
    with transaction.atomic(), connection.cursor() as cursor:
        parameters: dict[str, int | str] = {
            "pk": pk,
            "number": number,
            "user": user_of(request).pk,
            "channel": Channel.FORM,
        }
        cursor.execute(ONE_STATEMENT, parameters)
    return HttpResponse("saved")


urlpatterns = [
    *portal_urlpatterns,
    path("bench/hello/", hello, name="bench-hello"),
    path("bench/write/orm/<int:pk>/", orm_write, name="bench-orm-write"),
    path("bench/write/statement/<int:pk>/", statement_write, name="bench-statement-write"),
]
