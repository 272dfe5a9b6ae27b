"""Teams, meeting series, the year plan, the feed, the emails and the figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from cpd_sessions.models import CalendarFeed
from cpdhub.academic_year import current_academic_year
from cpdhub.small_numbers import FEWER_THAN_FIVE, protect
from experts.models import ExpertiseArea
from notifications.models import Delivery
from schoolyear import figures, meetings, plan, selectors, teams
from schoolyear.models import TeamMeeting, TeamMembership
from tests.factories import UserFactory
from tests.portfolios.factories import GoalFactory

pytestmark = pytest.mark.django_db
LONDON = datetime.UTC


def _local(meeting):
    return timezone.localtime(meeting.start)


def test_a_fortnightly_series_keeps_1530_london_across_half_term_and_the_clock_change(series):
    days = [_local(m) for m in series.meetings.order_by("start")]
    assert {(d.hour, d.minute) for d in days} == {(15, 30)}
    assert all(d.weekday() == 2 for d in days)
    # 21 October is in term (BST, 14:30 UTC); 28 October is half-term (skipped); November is GMT.
    dates = [d.date() for d in days]
    assert datetime.date(2026, 10, 21) in dates
    assert datetime.date(2026, 10, 28) not in dates
    october = next(m for m in series.meetings.all() if _local(m).date().month == 10)
    november = next(m for m in series.meetings.all() if _local(m).date().month == 11)
    assert october.start.astimezone(datetime.UTC).hour == 14
    assert november.start.astimezone(datetime.UTC).hour == 15


def test_a_series_skips_the_schools_inset_days(team, personas):
    plan.date_add(
        school=personas.school, by=personas.leader, kind="inset", title="INSET",
        start=datetime.date(2026, 11, 4),
    )  # fmt: skip
    made = meetings.series_create(
        team=team, by=personas.colleague, first_date=datetime.date(2026, 11, 4),
        last_date=datetime.date(2026, 11, 18), start_time=datetime.time(15, 30),
        end_time=datetime.time(16, 30), every_weeks=1,
    )  # fmt: skip
    assert [_local(m).date().day for m in made.meetings.order_by("start")] == [11, 18]


def test_outsiders_cannot_change_a_team_and_nothing_changes(team, personas):
    for person in (personas.outsider, personas.other_leader, personas.owner):
        with pytest.raises(PermissionDenied):
            teams.member_add(team=team, by=person, user=personas.owner)
        with pytest.raises(PermissionDenied):
            meetings.series_create(
                team=team, by=person, first_date=datetime.date(2026, 9, 9),
                last_date=datetime.date(2026, 9, 30), start_time=datetime.time(15, 30),
                end_time=datetime.time(16, 30),
            )  # fmt: skip
    assert TeamMembership.objects.filter(team=team).count() == 2
    assert not TeamMeeting.objects.exists()
    with pytest.raises(ValidationError):  # another school's teacher cannot be a member
        teams.member_add(team=team, by=personas.leader, user=personas.outsider)


def test_team_pages_are_for_members_and_leaders_only(team, personas, client):
    for person, expected in [
        (personas.owner, 200), (personas.colleague, 200), (personas.leader, 200),
        (personas.outsider, 404), (personas.other_leader, 404), (personas.coordinator, 404),
    ]:  # fmt: skip
        client.force_login(person)
        assert client.get(team.get_absolute_url()).status_code == expected


def test_members_get_the_meetings_and_the_published_dates_in_their_feed(series, personas, client):
    item = plan.date_add(
        school=personas.school, by=personas.leader, kind="inset", title="INSET: reading",
        start=datetime.date(2026, 11, 2),
    )  # fmt: skip
    feed = CalendarFeed.objects.create(user=personas.owner)

    def events():
        body = client.get(f"/sessions/feed/{feed.token}.ics").content
        return [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]

    with _today(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)):
        # A draft year: neither its meetings nor its dates are in the feed.
        assert not any("English" in e for e in events())
        assert "INSET day: INSET: reading" not in events()
        plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
        assert sum("English" in e for e in events()) == series.meetings.count()
        assert "INSET day: INSET: reading" in events()
        # The outsider's feed has none of it.
        other = CalendarFeed.objects.create(user=personas.outsider)
        body = client.get(f"/sessions/feed/{other.token}.ics").content
        assert not Calendar.from_ical(body).walk("VEVENT")
    assert item.sequence == 0


def test_moving_a_published_inset_day_emails_staff_once_and_updates_the_feed(
    personas, terms, django_capture_on_commit_callbacks, mailoutbox
):
    personas.school.cpd_leaders.add(personas.leader)
    item = plan.date_add(
        school=personas.school, by=personas.leader, kind="inset", title="INSET: reading",
        start=datetime.date(2026, 11, 2),
    )  # fmt: skip
    plan.date_move(item=item, by=personas.leader, start=datetime.date(2026, 11, 3))
    assert not Delivery.objects.exists()  # a draft: nobody is told
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        plan.date_move(item=item, by=personas.leader, start=datetime.date(2026, 11, 5))
        plan.date_move(item=item, by=personas.leader, start=datetime.date(2026, 11, 5))  # no change
    staff = {personas.owner.email, personas.colleague.email, personas.leader.email}
    assert {m.to[0] for m in mailoutbox} == staff
    assert len(mailoutbox) == len(staff)
    message = mailoutbox[0]
    assert "Thursday 5 November 2026" in message.body
    assert "Tuesday 3 November 2026" in message.body
    assert "Thursday 5 November 2026" in message.alternatives[0][0]
    item.refresh_from_db()
    assert item.sequence == 2
    assert personas.outsider.email not in {m.to[0] for m in mailoutbox}


def test_the_focus_reminder_goes_to_the_team_leader_once(
    series, personas, mailoutbox, django_capture_on_commit_callbacks
):
    first = series.meetings.order_by("start").first()
    day = _local(first).date() - datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert meetings.focus_remind(day) == 1
        meetings.focus_remind(day)  # the beat runs again: nothing more
    assert [m.to for m in mailoutbox] == [[personas.colleague.email]]
    assert "no teaching and learning focus yet" in mailoutbox[0].body
    assert first.get_absolute_url() in mailoutbox[0].alternatives[0][0]


def test_only_members_say_what_they_will_try_and_the_team_leader_records_attendance(
    series, personas
):
    meeting = series.meetings.first()
    meetings.try_save(meeting=meeting, by=personas.owner, text="Cold call after wait time.")
    with pytest.raises(ValidationError):
        meetings.try_save(meeting=meeting, by=personas.outsider, text="Not mine to say")
    assert (
        meetings.attendance_record(meeting=meeting, by=personas.colleague, present=[personas.owner])
        == 1
    )
    with pytest.raises(ValidationError):
        meetings.attendance_record(
            meeting=meeting, by=personas.colleague, present=[personas.outsider]
        )


def test_the_planner_shows_clashes_while_planning_and_staff_see_only_the_published_plan(
    series, personas
):
    meeting = series.meetings.order_by("start").first()
    day = _local(meeting).date()
    plan.date_add(
        school=personas.school, by=personas.leader, kind="inset", title="Late INSET", start=day
    )
    draft = selectors.planner(personas.school, 2026, draft=True)
    assert any("an INSET day (Late INSET)" in c for c in draft.clashes)
    staff = selectors.planner(personas.school, 2026, draft=False)
    assert not staff.show
    assert staff.dates == []
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    assert selectors.planner(personas.school, 2026, draft=False).show


def test_coverage_counts_are_fewer_than_5_for_small_numbers(series, personas):
    priority = plan.priority_create(
        school=personas.school, by=personas.leader, year=2026, title="Questioning"
    )
    meetings.meeting_update(
        meeting=series.meetings.first(), by=personas.colleague, focus="Wait time", priority=priority
    )
    row = figures.coverage(personas.school, 2026)[0]
    assert row.team == FEWER_THAN_FIVE
    assert row.goal == 0


@pytest.mark.parametrize("n", range(8))
def test_no_page_shows_a_figure_about_one_to_four_people(n, team, personas, client):
    """For every small number of people: the team page and the priorities page show 0, "fewer
    than 5" or the count from 5 on, and never a goal's words."""
    questioning = ExpertiseArea.objects.get(slug="questioning")
    plan.priority_create(
        school=personas.school, by=personas.leader, year=current_academic_year(),
        title="Questioning", areas=[questioning],
    )  # fmt: skip
    for i in range(n):
        person = UserFactory(school=personas.school)
        teams.member_add(team=team, by=personas.leader, user=person)
        GoalFactory(owner=person, title=f"Private goal {i}").areas.add(questioning)
    shown = protect(n)
    assert shown == (FEWER_THAN_FIVE if 1 <= n <= 4 else n)
    client.force_login(personas.leader)
    page = client.get(team.get_absolute_url()).content.decode()
    assert f"<strong>{shown}</strong> with an active goal" in page
    coverage = client.get(f"/schools/{personas.school.urn}/priorities/").content.decode()
    assert f"<td>{shown}</td>" in coverage
    for body in (page, coverage):
        assert "Private goal" not in body


class _today:
    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        from unittest import mock  # noqa: PLC0415 -- only here

        self.patch = mock.patch("django.utils.timezone.now", return_value=self.moment)
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()
