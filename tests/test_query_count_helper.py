"""The query-count helper explains a wrong count: the failure message holds the SQL."""

import pytest


@pytest.mark.django_db
def test_a_failing_query_count_comparison_prints_the_sql(client, personas, count_queries):
    client.force_login(personas.owner)
    count = count_queries("/")
    with pytest.raises(AssertionError) as failure:
        assert count == count + 1
    message = str(failure.value)
    assert "SELECT" in message
    assert f"{int(count)} queries for /" in message
