"""Coaching windows (the individuals stream), nothing in a feed or a staff page before the year
is published, and a published item taken off: its people told once, the feed drops it."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from coaching.models import Observation, Relationship
from cpd_sessions.models import CalendarFeed
from hubs.models import Term
from notifications.models import Delivery
from schoolyear import emails, figures, meetings, plan, selectors
from schoolyear.models import MeetingSeries, PlanDate, RemovedItem, TeamMeeting

pytestmark = pytest.mark.django_db
SEPTEMBER = datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def on_1_september():
    with mock.patch("django.utils.timezone.now", return_value=SEPTEMBER):
        yield


def _summaries(client, user) -> list[str]:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    body = client.get(f"/sessions/feed/{feed.token}.ics").content
    return [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]


def _window(personas, title="Coaching cycle 1", start=(2026, 11, 2), end=(2026, 12, 11)):
    return plan.date_add(
        school=personas.school, by=personas.leader, kind="coaching", title=title,
        start=datetime.date(*start), end=datetime.date(*end),
    )  # fmt: skip


def _series(team, by, first=(2026, 9, 9), last=(2026, 12, 16), title="Team meeting"):
    return meetings.series_create(
        team=team, by=by, first_date=datetime.date(*first), last_date=datetime.date(*last),
        start_time=datetime.time(15, 30), end_time=datetime.time(16, 30), title=title,
    )  # fmt: skip


def test_a_series_made_before_publishing_and_one_after_reach_the_feed_only_once_published(
    team, personas, client, on_1_september
):
    before = _series(team, personas.colleague, title="Before")
    assert not any("English" in s for s in _summaries(client, personas.owner))
    page = selectors.team_page(team)  # as a member sees it: nothing of a draft year
    assert page.upcoming == []
    assert page.recent == []
    leader_page = selectors.team_page(team, drafts=True)  # its leader: the drafts, marked
    assert leader_page.upcoming
    assert all(m.is_draft for m in leader_page.upcoming)
    assert selectors.my_teams(personas.owner)[0].next_start is None

    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    after = _series(
        team, personas.colleague, first=(2026, 9, 10), last=(2026, 10, 1), title="After"
    )
    summaries = _summaries(client, personas.owner)
    assert sum("Before" in s for s in summaries) == before.meetings.count()
    assert sum("After" in s for s in summaries) == after.meetings.count()
    assert selectors.team_page(team).upcoming
    assert not any(m.is_draft for m in selectors.team_page(team, drafts=True).upcoming)
    assert selectors.my_teams(personas.owner)[0].next_start is not None
    # Next year's meetings wait for next year's plan.
    Term.objects.create(
        name="Autumn 2027", start=datetime.date(2027, 9, 1), end=datetime.date(2027, 12, 17)
    )
    _series(team, personas.colleague, first=(2027, 9, 8), last=(2027, 9, 30), title="Next year")
    assert not any("Next year" in s for s in _summaries(client, personas.owner))


def test_the_team_page_shows_members_only_published_meetings_and_leaders_drafts_marked(
    series, personas, client, on_1_september
):
    client.force_login(personas.owner)
    page = client.get(series.team.get_absolute_url()).content.decode()
    assert "No meeting planned that is published yet" in page
    client.force_login(personas.colleague)
    page = client.get(series.team.get_absolute_url()).content.decode()
    assert '<span class="badge">Draft</span>' in page


def test_a_member_cannot_open_a_draft_years_meeting_by_its_address_until_it_is_published(
    series, personas, client, on_1_september
):
    meeting = series.meetings.order_by("start").first()
    url = meeting.get_absolute_url()
    client.force_login(personas.owner)  # a member: the team's page lists none of them yet
    assert client.get(url).status_code == 404
    response = client.post(f"{url}try/", {"text": "Cold calling with a mini-whiteboard"})
    assert response.status_code == 404
    assert not meeting.tries.exists()
    for reader in (personas.colleague, personas.leader):  # the team's leader, the CPD leader
        client.force_login(reader)
        assert client.get(url).status_code == 200
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    client.force_login(personas.owner)
    assert client.get(url).status_code == 200


def test_a_coaching_window_is_a_plan_item_of_its_own_in_the_individuals_stream(
    team, personas, client, on_1_september
):
    window = _window(personas)
    assert (window.kind, window.end) == ("coaching", datetime.date(2026, 12, 11))
    with pytest.raises(ValidationError):  # 16 weeks at most
        _window(personas, title="Too long", end=(2027, 3, 31))
    with pytest.raises(PermissionDenied):
        plan.date_add(
            school=personas.school, by=personas.owner, kind="coaching", title="Mine",
            start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 20),
        )  # fmt: skip
    relationship = Relationship.objects.create()
    for day in (
        datetime.date(2026, 11, 10),
        datetime.date(2026, 11, 24),
        datetime.date(2027, 1, 5),
    ):
        Observation.objects.create(relationship=relationship, teacher=personas.owner, date=day)
    draft = selectors.planner(personas.school, 2026, draft=True)
    assert [w.title for w in draft.windows] == ["Coaching cycle 1"]
    assert draft.windows[0].coaching == 2  # the two observations inside the window
    assert window not in draft.dates  # listed with the individuals, not the whole-school dates
    november = next(m for m in draft.months if m.first.month == 11)
    assert (
        datetime.date(2026, 11, 2),
        "coaching",
        "Coaching",
        "Coaching cycle 1 (to Fri 11 Dec)",
    ) in november.items

    # Not in a feed until published; then an all-day event across the window.
    assert not any("Coaching" in s for s in _summaries(client, personas.owner))
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    feed = CalendarFeed.objects.get(user=personas.owner)
    body = client.get(f"/sessions/feed/{feed.token}.ics").content
    event = next(
        e for e in Calendar.from_ical(body).walk("VEVENT") if "Coaching" in str(e["summary"])
    )
    assert str(event["summary"]) == "Coaching window: Coaching cycle 1"
    assert event.decoded("dtstart") == datetime.date(2026, 11, 2)
    assert event.decoded("dtend") == datetime.date(2026, 12, 12)
    client.force_login(personas.owner)
    page = client.get(f"/schools/{personas.school.urn}/year/?year=2026").content.decode()
    assert "Coaching cycle 1" in page
    assert "observation" not in page.lower().split("coaching windows")[-1].split("</table>")[0]


def test_coaching_windows_clash_with_a_protected_week_and_with_each_other(personas, team):
    _window(personas)
    _window(personas, title="Coaching cycle 2", start=(2026, 12, 7), end=(2027, 1, 29))
    plan.date_add(
        school=personas.school, by=personas.leader, kind="protected", title="Reporting week",
        start=datetime.date(2026, 11, 16), end=datetime.date(2026, 11, 20),
    )  # fmt: skip
    clashes = selectors.planner(personas.school, 2026, draft=True).clashes
    assert "The coaching window “Coaching cycle 1” overlaps Reporting week." in clashes
    assert "The coaching window “Coaching cycle 1” overlaps Coaching cycle 2." in clashes
    assert not any("Coaching cycle 2” overlaps Reporting" in c for c in clashes)


def test_the_leaders_streams_name_this_terms_coaching_windows(personas, team):
    _window(personas)
    streams = figures.streams(personas.school, today=datetime.date(2026, 11, 5))
    assert [w.title for w in streams.coaching_windows] == ["Coaching cycle 1"]


@pytest.mark.parametrize("kind", ["inset", "twilight", "coaching"])
def test_taking_off_a_published_date_tells_staff_once_and_the_feed_drops_it(
    kind, personas, team, client, mailoutbox, django_capture_on_commit_callbacks
):
    times = {"start_time": datetime.time(15, 45), "end_time": datetime.time(17)}
    item = plan.date_add(
        school=personas.school, by=personas.leader, kind=kind, title=f"Going: {kind}",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 20) if kind == "coaching" else None,
        **(times if kind == "twilight" else {}),
    )  # fmt: skip
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    assert any(f"Going: {kind}" in s for s in _summaries(client, personas.owner))
    with pytest.raises(PermissionDenied):  # another school's leader: refused, nothing changed
        plan.date_remove(item=item, by=personas.other_leader)
    assert PlanDate.objects.filter(pk=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        plan.date_remove(item=item, by=personas.leader)
    staff = {personas.owner.email, personas.colleague.email, personas.leader.email}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(staff)
    message = mailoutbox[0]
    assert f"Going: {kind}" in message.subject
    assert "Monday 2 November 2026" in message.body
    assert "not happening" in message.alternatives[0][0]
    assert personas.outsider.email not in {m.to[0] for m in mailoutbox}
    assert not any(f"Going: {kind}" in s for s in _summaries(client, personas.owner))
    removed = RemovedItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the same removal again: nothing
        emails.mail_item_removed(removed, to=list(staff))
    assert len(mailoutbox) == len(staff)


def test_taking_off_a_draft_date_or_a_protected_week_sends_nothing(personas, team, mailoutbox):
    draft = plan.date_add(
        school=personas.school, by=personas.leader, kind="inset", title="Draft INSET",
        start=datetime.date(2026, 11, 2),
    )  # fmt: skip
    plan.date_remove(item=draft, by=personas.leader)
    week = plan.date_add(
        school=personas.school, by=personas.leader, kind="protected", title="Reports",
        start=datetime.date(2026, 11, 16), end=datetime.date(2026, 11, 20),
    )  # fmt: skip
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    plan.date_remove(item=week, by=personas.leader)
    assert not Delivery.objects.exists()
    assert not PlanDate.objects.exists()


def test_taking_off_a_published_series_or_meeting_tells_its_members_once(
    team, personas, client, mailoutbox, django_capture_on_commit_callbacks, on_1_september
):
    series = _series(team, personas.colleague)
    one = series.meetings.order_by("start").first()
    meetings.meeting_remove(meeting=one, by=personas.colleague)  # a draft: nobody is told
    assert not Delivery.objects.exists()
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    with pytest.raises(PermissionDenied):
        meetings.series_remove(series=series, by=personas.owner)
    meeting = series.meetings.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.meeting_remove(meeting=meeting, by=personas.colleague)
    members = {personas.owner.email, personas.colleague.email}
    assert {m.to[0] for m in mailoutbox} == members
    assert len(mailoutbox) == 2
    assert "Team meeting taken off" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        meetings.series_remove(series=series, by=personas.leader)
    assert len(mailoutbox) == 4
    assert "Team meetings taken off" in mailoutbox[-1].subject
    assert not MeetingSeries.objects.exists()
    assert not TeamMeeting.objects.exists()
    assert not any("English" in s for s in _summaries(client, personas.owner))
    assert personas.leader.email not in {m.to[0] for m in mailoutbox}  # not a member


def test_a_past_meeting_taken_off_tells_nobody(team, personas, mailoutbox):
    series = _series(team, personas.colleague)
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    later = datetime.datetime(2026, 9, 30, 12, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=later):
        meetings.meeting_remove(
            meeting=series.meetings.order_by("start").first(), by=personas.colleague
        )
    assert not Delivery.objects.exists()
    assert timezone.now() > later
