"""The demo shows peer visits: one the demo teacher made (accepted, her notes hers alone, a
private session for her to book), one asked to her school that the demo CPD leader answers.
Idempotent."""

import pytest
from django.core.management import call_command

from enquiry import visits
from enquiry.models import PeerVisit
from hubs.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_shows_peer_visits_and_is_idempotent(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert PeerVisit.objects.count() == 2
    teacher = User.objects.get(email="teacher@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    (made,) = visits.visits_made(teacher)
    assert made.status == "accepted"
    assert made.session.kind == "peer_visit"
    assert made.session.proposed_by == teacher
    (asked,) = visits.visits_to_decide(leader)
    assert asked.host_school_id == teacher.school_id
    assert asked.status == "asked"
    client.force_login(teacher)
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Book the visit to ask for release time" in page
    assert made.notes in page
    client.force_login(leader)
    page = client.get(asked.get_absolute_url()).content.decode()
    assert "Answer the request" in page
    client.force_login(User.objects.get(email="coordinator@demo.test"))
    assert (
        "Peer visits: are they two-way?" in client.get("/coordinator/enquiries/").content.decode()
    )
