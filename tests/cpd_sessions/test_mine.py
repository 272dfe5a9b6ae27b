"""My bookings at /sessions/mine/: what is coming (waitlist place, release status), and the
sessions I went to with the feedback still to give. Nobody else's bookings; flat queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import attendance
from cpd_sessions.models import Booking, DevelopmentSession
from tests.factories import UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db
URL = reverse("cpd_sessions:mine")


def _started(session):
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))


def test_my_bookings_show_waitlist_place_release_status_and_feedback_due(client, personas):
    full = SessionFactory(capacity=1, title="Full up")
    book(full, personas.colleague)
    book(full, personas.outsider)
    book(full, personas.owner)  # second in the queue
    release = SessionFactory(
        title="In school hours", capacity=5, start=london(10, 10, 0), end=london(10, 12, 0)
    )
    book(release, personas.owner, release=release_data())
    went = SessionFactory(title="Went to")
    book(went, personas.owner)
    _started(went)
    elsewhere = SessionFactory(title="Not mine")
    book(elsewhere, personas.colleague)
    client.force_login(personas.owner)
    page = client.get(URL)
    assert page.status_code == 200
    upcoming = {b.session.title: b for b in page.context["upcoming"]}
    assert set(upcoming) == {"Full up", "In school hours"}
    assert upcoming["Full up"].place == 2
    html = page.content.decode()
    assert "On the waitlist: number 2" in html
    assert "Waiting for a decision" in html
    assert [b.session.title for b in page.context["past"]] == ["Went to"]
    assert page.context["past"][0].feedback_due
    assert "Give feedback" in html
    assert "Not mine" not in html


def test_feedback_given_is_no_longer_due(client, personas):
    went = SessionFactory(title="Went to")
    booking = book(went, personas.owner)
    _started(went)
    attendance.feedback_give(
        booking=Booking.objects.get(pk=booking.pk), by=personas.owner, rating=4
    )
    client.force_login(personas.owner)
    page = client.get(URL)
    assert not page.context["past"][0].feedback_due
    assert "feedback given" in page.content.decode()


def test_the_dashboard_links_to_my_bookings(client, personas):
    client.force_login(personas.owner)
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_my_bookings_queries_are_the_same_for_one_and_many(client, personas, count_queries):
    client.force_login(personas.owner)
    book(SessionFactory(), personas.owner)
    one = count_queries(URL)
    for n in range(5):
        full = SessionFactory(capacity=1)
        book(full, UserFactory(school=personas.school))
        book(full, personas.owner)
        if n % 2:
            went = SessionFactory()
            book(went, personas.owner)
            _started(went)
    assert count_queries(URL) == one


def test_the_cancel_page_changes_nothing_and_is_mine_only(client, personas):
    session = SessionFactory()
    book(session, personas.owner)
    url = reverse("cpd_sessions:cancel_booking", args=[session.pk])
    client.force_login(personas.colleague)  # no booking of theirs
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(personas.owner)
    assert client.get(url).status_code == 200
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_sessions_are_searchable_by_text(client, personas):
    from experts.models import ExpertiseArea  # noqa: PLC0415 -- this test only

    SessionFactory(title="Better questioning in maths")
    SessionFactory(title="Phonics refresher", description="Letters and sounds, questioning too")
    led = SessionFactory(title="Oracy", leads=[personas.leader])
    SessionFactory(title="Gardening club").areas.add(ExpertiseArea.objects.get(slug="questioning"))
    client.force_login(personas.owner)

    def found(q):
        page = client.get(reverse("cpd_sessions:list"), {"q": q})
        assert page.status_code == 200
        return {s.title for s in page.context["page"].object_list}

    assert found("questioning") == {
        "Better questioning in maths",
        "Phonics refresher",
        "Gardening club",
    }
    assert found("questioning maths") == {"Better questioning in maths"}
    assert found(personas.leader.last_name) == {led.title}
    assert client.get(reverse("cpd_sessions:list"), {"q": "x" * 201}).status_code == 400


def test_the_filters_fold_away_until_one_is_used(client, personas):
    client.force_login(personas.owner)
    page = client.get(reverse("cpd_sessions:list")).content.decode()
    assert '<details class="filters">' in page
    page = client.get(reverse("cpd_sessions:list"), {"kind": "webinar"}).content.decode()
    assert '<details class="filters" open>' in page
