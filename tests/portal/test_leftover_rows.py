"""A test run killed half-way never breaks the next one (the suite empties the reused test database at start)."""

import pytest

from portal.models import Municipality
from tests.conftest import empty_the_tables
from tests.factories.portal import MunicipalityFactory


@pytest.mark.django_db(transaction=True)
def test_the_start_of_a_run_removes_rows_a_killed_transactional_test_left_behind():
    # What a transactional test has committed when its run is killed before it ends and empties the tables.
    MunicipalityFactory.create_batch(2)
    assert Municipality.objects.count() == 2

    empty_the_tables()  # what the next run does first (the session's django_db_setup)

    assert Municipality.objects.count() == 0
