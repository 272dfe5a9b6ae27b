"""The person with a need sees, on the need's own page, what the coordinator did about it: her
replies to the school and her introductions to experts in the need's area."""

import pytest

from coordination import services
from portfolios.models import Need
from tests.experts.factories import ExpertProfileFactory, offer
from tests.portfolios.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_the_owner_sees_the_coordinators_reply_and_introduction_on_the_need(
    client, personas, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    need = NeedFactory(owner=personas.owner, status=Need.Status.PASSED)  # questioning
    expert = ExpertProfileFactory(user=personas.outsider)
    offer(expert, "questioning")
    elsewhere = ExpertProfileFactory(user=personas.other_leader)
    offer(elsewhere, "feedback")
    with django_capture_on_commit_callbacks(execute=True):
        services.need_reply(need=need, body="Owen at Thornbury can help.", by=personas.coordinator)
        services.introduce(need=need, profile=expert, by=personas.coordinator)
        services.introduce(need=need, profile=elsewhere, by=personas.coordinator)
    client.force_login(personas.owner)
    with django_assert_max_num_queries(30):
        page = client.get(f"/portfolio/needs/{need.pk}/").content.decode()
    assert "From the coordinator" in page
    assert "Owen at Thornbury can help." in page
    assert "Owen Bell" in page  # introduced for this need's area
    assert "Ruth Kaur" not in page  # an introduction for another area is not this need's
    client.force_login(personas.colleague)  # nobody else opens the need
    assert client.get(f"/portfolio/needs/{need.pk}/").status_code == 404


def test_a_need_with_nothing_from_the_coordinator_shows_no_such_panel(client, personas):
    need = NeedFactory(owner=personas.owner)
    client.force_login(personas.owner)
    assert "From the coordinator" not in client.get(f"/portfolio/needs/{need.pk}/").content.decode()
