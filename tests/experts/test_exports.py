import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hubs(personas):
    north = ExpertProfileFactory(
        user=personas.colleague, headline="Phonics for all", contact_preference="email"
    )
    offer(north, "early-reading-and-phonics", visit=True)
    south = ExpertProfileFactory(user=personas.outsider, headline="Questioning")
    offer(south, "questioning")
    return north, south


def test_printable_directory_filtered_by_hub(client, personas, two_hubs):
    client.force_login(personas.owner)
    page = client.get(reverse("experts:print"), {"hub": "north"}).content.decode()
    assert "Phonics for all" in page
    assert "hosting a visit or observation" in page
    assert personas.colleague.email in page  # she chose to show her address
    assert "Owen Bell" not in page


def test_csv_of_the_directory_filtered_by_area(client, personas, two_hubs):
    client.force_login(personas.owner)
    response = client.get(reverse("experts:csv"), {"area": "questioning"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Name", "Job role", "School"]
    assert [r[0] for r in rows[1:]] == ["Owen Bell"]
    assert rows[1][6] == "Contact form"  # his address stays private


def test_csv_with_bad_filters_is_400(client, personas):
    client.force_login(personas.owner)
    assert client.get(reverse("experts:csv"), {"hub": "nowhere"}).status_code == 400


def test_coordinator_sees_stale_profiles_and_nobody_else_does(
    client, personas, two_hubs, terms_around_today
):
    north, _ = two_hubs
    north.last_confirmed_at = timezone.now() - datetime.timedelta(days=365)
    north.save()
    client.force_login(personas.coordinator)
    page = client.get(reverse("experts:stale")).content.decode()
    assert "Amelia Hughes" in page
    assert "Owen Bell" not in page
    client.force_login(personas.leader)
    assert client.get(reverse("experts:stale")).status_code == 403
