import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from experts import selectors, views
from experts.models import ExpertProfile

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


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_is_streamed_with_every_profile_its_offers_and_its_link(client, personas, two_hubs):
    _north, south = two_hubs
    offer(south, "feedback", session=True)
    client.force_login(personas.owner)
    response = client.get(reverse("experts:csv"))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="cpd-directory.csv"'
    rows = csv_rows(response)
    assert rows[0] == list(views.CSV_HEADER)
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Amelia Hughes"][1:5] == [
        "Teacher",
        "Ashgrove Primary School",
        "North",
        "Phonics for all",
    ]
    assert by_name["Amelia Hughes"][6] == personas.colleague.email
    assert by_name["Owen Bell"][5] == (
        "Feedback (advice by email, running a session); Questioning (advice by email)"
    )
    assert by_name["Owen Bell"][7] == f"http://testserver{south.get_absolute_url()}"


def test_the_csv_rows_are_read_a_chunk_at_a_time_with_each_chunk_offers(personas, two_hubs):
    for n in range(5):
        offer(ExpertProfileFactory(headline=f"Expert {n}"), "questioning")
    rows = list(selectors.export_rows(ExpertProfile.objects.visible().order_by("pk"), chunk=2))
    assert len(rows) == 7
    assert all(row[-1] for row in rows)  # every row has its own offers, whichever chunk
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_the_csv_follows_the_search_and_its_spelling_correction(client, personas, two_hubs):
    client.force_login(personas.owner)
    rows = csv_rows(client.get(reverse("experts:csv"), {"q": "questionning"}))
    assert [r[0] for r in rows[1:]] == ["Owen Bell"]


def test_the_printable_list_is_sorted_by_school_as_it_is_grouped(client, personas, two_hubs):
    # A third person at the first school, named to sort between the other two.
    ExpertProfileFactory(user=personas.leader, headline="Curriculum design")
    client.force_login(personas.owner)
    page = client.get(reverse("experts:print")).content.decode()
    assert page.count("<h2") == 2  # one heading per school, not one per change of school
    assert page.index("Ashgrove Primary School") < page.index("Thornbury High School")
    assert page.index("Amelia Hughes") < page.index("Priya Shah") < page.index("Owen Bell")


def test_the_printable_list_is_paginated(client, personas, two_hubs, monkeypatch):
    monkeypatch.setattr(views, "PRINT_PAGE_SIZE", 1)
    client.force_login(personas.owner)
    first = client.get(reverse("experts:print")).content.decode()
    assert "Amelia Hughes" in first
    assert "Owen Bell" not in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("experts:print"), {"page": 2}).content.decode()
    assert "Owen Bell" in second
    assert "Amelia Hughes" not in second


def test_too_large_a_printable_list_asks_for_a_hub_or_an_area(
    client, personas, two_hubs, monkeypatch
):
    monkeypatch.setattr(views, "PRINT_LIMIT", 1)
    client.force_login(personas.owner)
    page = client.get(reverse("experts:print")).content.decode()
    assert "More than 1 colleagues match: too many to print on one list." in page
    assert "Choose a hub or an area" in page
    assert "Owen Bell" not in page
    narrowed = client.get(reverse("experts:print"), {"hub": "south"}).content.decode()
    assert "Owen Bell" in narrowed
    assert "too many to print" not in narrowed


def test_the_printable_list_with_bad_filters_is_400(client, personas):
    client.force_login(personas.owner)
    assert client.get(reverse("experts:print"), {"hub": "nowhere"}).status_code == 400


def test_the_stale_list_is_paginated_oldest_first_and_reads_only_what_it_shows(
    client, personas, two_hubs, terms_around_today, monkeypatch
):
    north, south = two_hubs
    ExpertProfile.objects.filter(pk=north.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=400)
    )
    ExpertProfile.objects.filter(pk=south.pk).update(last_confirmed_at=None)
    monkeypatch.setattr(views, "STALE_PAGE_SIZE", 1)
    client.force_login(personas.coordinator)
    response = client.get(reverse("experts:stale"))
    first = response.content.decode()
    assert "Owen Bell" in first  # never confirmed comes first
    assert "Amelia Hughes" not in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("experts:stale"), {"page": 2}).content.decode()
    assert "Amelia Hughes" in second
    (listed,) = response.context["page"].object_list
    assert {"bio", "bio_html", "search_document", "search_vector"} <= listed.get_deferred_fields()
