"""
What leaders see of coaching: a school's CPD leaders their school's figures, the coordinator the
community's; counts only, any figure about fewer than 5 people reading "fewer than 5" on the page
and in every CSV; the same number of queries with one relationship or many.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching import activity, services
from coaching.models import Category
from cpdhub.small_numbers import FEWER_THAN_FIVE, FEWER_THAN_FIVE_PEOPLE, protect
from tests.conftest import QueryCount
from tests.factories import SchoolFactory, UserFactory

from .factories import days, full_cycle, pair

pytestmark = pytest.mark.django_db


def test_protect_hides_one_to_four_people_and_shows_the_rest():
    assert [protect(n) for n in range(7)] == [0, *[FEWER_THAN_FIVE] * 4, 5, 6]
    assert protect(3, "2.5 days") == FEWER_THAN_FIVE_PEOPLE
    assert protect(5, "2.5 days") == "2.5 days"
    assert protect(0, "40%") == "none"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _coached(personas, n: int, *, school=None, coach=None):
    """n teachers of the school, each coached by ``coach`` (default: someone in another
    school), with an observation, a rehearsed meeting and a step embedded."""
    coach = coach or personas.outsider
    made = []
    for _ in range(n):
        teacher = UserFactory(school=school or personas.school)
        relationship = pair(coach, teacher, by=personas.coordinator)
        _, _, step = full_cycle(relationship, coach, teacher)
        services.step_move(step=step, by=teacher, status="embedded")
        made.append(relationship)
    return made


def test_one_pair_reads_fewer_than_five_everywhere(client, personas):
    _coached(personas, 1)
    client.force_login(personas.leader)
    page = client.get(f"/schools/{personas.school.urn}/coaching/").content.decode()
    assert FEWER_THAN_FIVE in page
    for part in ("summary", "schools", "roles", "subjects", "coaches", "categories", "pairs"):
        rows = _csv(client.get(f"/schools/{personas.school.urn}/coaching/{part}.csv"))
        cells = [cell for row in rows[1:] for cell in row]
        assert "1" not in cells, (part, rows)  # the one teacher is never a figure
        # The coach is in the other school: the school's own coaches' table is empty.
        assert FEWER_THAN_FIVE in cells or (part == "coaches" and not cells), (part, rows)


def test_six_teachers_are_counted(client, personas):
    _coached(personas, 6)
    client.force_login(personas.leader)
    summary = dict(_csv(client.get(f"/schools/{personas.school.urn}/coaching/summary.csv"))[1:])
    assert summary["People being coached"] == "6"
    assert summary["Meetings with the step rehearsed"] == "100%"
    assert summary["Median days from an observation to the meeting after it"] == "1 day"
    assert summary["Steps embedded"] == "6"
    assert summary["Coaching relationships across two schools"] == "6"
    assert summary["Coaches from this school"] == "0"  # the coach is in another school
    categories = _csv(client.get(f"/schools/{personas.school.urn}/coaching/categories.csv"))
    assert categories[1] == [Category.QUESTIONING.label, "6", "6"]
    pairs = _csv(client.get(f"/schools/{personas.school.urn}/coaching/pairs.csv"))
    assert pairs[1] == [personas.other_school.name, personas.school.name, "6", "7"]


def test_overdue_follows_the_rhythm(client, personas):
    teachers = [UserFactory(school=personas.school) for _ in range(5)]
    for teacher in teachers:
        # Started 30 days ago, meeting every 14 days, never met: overdue.
        pair(personas.outsider, teacher, by=personas.coordinator, started=days(-30))
    client.force_login(personas.coordinator)
    summary = dict(_csv(client.get("/coordinator/coaching/summary.csv"))[1:])
    assert summary["Relationships overdue"] == "5"
    assert summary["Median days from an observation to the meeting after it"] == "none"


def test_the_coordinator_sees_every_school_and_a_leader_only_their_own(client, personas):
    _coached(personas, 5)
    other = SchoolFactory(name="Cedar Court School")
    _coached(personas, 5, school=other)
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/coaching/").content.decode()
    assert personas.school.name in page
    assert "Cedar Court School" in page
    client.force_login(personas.leader)
    page = client.get(f"/schools/{personas.school.urn}/coaching/").content.decode()
    assert "Cedar Court School" not in page
    assert client.get(f"/schools/{other.urn}/coaching/").status_code == 403
    assert client.get(f"/schools/{other.urn}/coaching/summary.csv").status_code == 403
    assert client.get("/coordinator/coaching/").status_code == 403
    assert client.get("/coordinator/coaching/pairs.csv").status_code == 403
    assert client.get(f"/schools/{personas.school.urn}/coaching/nothing.csv").status_code == 404


@pytest.mark.parametrize("who", ["colleague", "owner", "outsider", "other_leader"])
def test_staff_and_other_schools_leaders_are_refused(client, personas, who):
    _coached(personas, 5)
    client.force_login(getattr(personas, who))
    assert client.get(f"/schools/{personas.school.urn}/coaching/").status_code == 403
    assert client.get(f"/schools/{personas.school.urn}/coaching/coaches.csv").status_code == 403


def test_dashboards_link_to_the_coaching_figures(client, personas):
    client.force_login(personas.leader)
    page = client.get(f"/schools/{personas.school.urn}/dashboard/").content.decode()
    assert f'href="/schools/{personas.school.urn}/coaching/"' in page
    client.force_login(personas.coordinator)
    assert 'href="/coordinator/coaching/"' in client.get("/coordinator/").content.decode()


def test_a_coach_named_like_a_formula_is_plain_text_in_the_csv(client, personas):
    coach = UserFactory(school=personas.school, first_name="=HYPERLINK(1)", last_name="Smith")
    for _ in range(5):
        pair(coach, UserFactory(school=personas.school), by=personas.leader)
    client.force_login(personas.leader)
    rows = _csv(client.get(f"/schools/{personas.school.urn}/coaching/coaches.csv"))
    assert rows[1][0] == "'=HYPERLINK(1) Smith"
    assert rows[1][2:] == ["5", "5"]


def _queries(client, url: str) -> QueryCount:
    """The queries of a GET that counts afresh (the figures' cache emptied first)."""
    cache.clear()
    client.get(url)  # the session and the person, as any later request finds them
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return QueryCount(ctx.captured_queries, url)


@pytest.mark.parametrize(
    "url", ["/coordinator/coaching/", "/coordinator/coaching/schools.csv", "school", "school-csv"]
)
def test_the_same_queries_with_one_relationship_or_many(client, personas, url):
    if url.startswith("school"):
        client.force_login(personas.leader)
        url = f"/schools/{personas.school.urn}/coaching/" + ("pairs.csv" if "csv" in url else "")
    else:
        client.force_login(personas.coordinator)
    _coached(personas, 1)
    one = _queries(client, url)
    _coached(personas, 7, coach=UserFactory(school=personas.school))
    _coached(personas, 6, school=SchoolFactory(), coach=UserFactory(school=SchoolFactory()))
    many = _queries(client, url)
    assert one == many
    assert many <= 12


def test_figures_are_counted_again_when_coaching_changes(client, personas):
    _coached(personas, 5)
    client.force_login(personas.leader)
    url = f"/schools/{personas.school.urn}/coaching/summary.csv"
    assert dict(_csv(client.get(url))[1:])["People being coached"] == "5"
    _coached(personas, 1)
    assert dict(_csv(client.get(url))[1:])["People being coached"] == "6"


def test_a_page_shows_the_last_count_while_a_new_one_is_made(personas):
    """After a change the page does not wait for a new count: it asks for one in the background
    (once, however many pages are opened meanwhile) and shows the last, with when it was made."""
    cache.clear()
    _coached(personas, 5)
    asked: list = []
    first = activity.figures([personas.school.pk], count_later=asked.append)
    assert dict(first.summary)["People being coached"] == 5
    assert first.counted_at is not None
    assert asked == []  # nothing had been counted yet: counted there and then

    _coached(personas, 1)
    for _ in range(3):
        shown = activity.figures([personas.school.pk], count_later=asked.append)
        assert dict(shown.summary)["People being coached"] == 5
    assert asked == [[personas.school.pk]]

    activity.count([personas.school.pk])  # what the worker does
    shown = activity.figures([personas.school.pk], count_later=asked.append)
    assert dict(shown.summary)["People being coached"] == 6
    assert asked == [[personas.school.pk]]


def test_the_page_says_when_its_figures_were_counted(client, personas):
    _coached(personas, 5)
    client.force_login(personas.coordinator)
    html = client.get("/coordinator/coaching/").content.decode()
    assert "Counted at " in html
    assert "counted again within minutes of any change" in html
