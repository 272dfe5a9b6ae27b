"""Every form of the school's year, as a browser renders and submits it (tests/webtest.py)."""

import datetime

import pytest

from experts.models import ExpertiseArea
from schoolyear import plan
from schoolyear.models import (
    CommunityDate,
    MeetingAttendance,
    MeetingSeries,
    PlanDate,
    Priority,
    Team,
    TeamMembership,
    TryNext,
    YearPlan,
)
from tests.webtest import form_for, messages_on, text_of

pytestmark = pytest.mark.django_db


def test_a_leader_sets_up_a_team_adds_members_and_plans_a_series(app, personas, terms):
    personas.school.cpd_leaders.add(personas.leader)
    urn = personas.school.urn
    page = app.sign_in(personas.leader).get(f"/schools/{urn}/teams/")
    form = form_for(page, "schoolyear:school_teams", urn=urn)
    form["name"] = "English"
    form["kind"] = "department"
    form["leader"] = str(personas.colleague.pk)
    team_page = form.submit().follow()
    team = Team.objects.get()
    assert "English is set up" in messages_on(team_page)

    form = form_for(team_page, "schoolyear:member_add", pk=team.pk)
    form["user"] = str(personas.owner.pk)
    team_page = form.submit().follow()
    assert set(TeamMembership.objects.values_list("user", flat=True)) == {
        personas.owner.pk, personas.colleague.pk,
    }  # fmt: skip

    form = form_for(team_page, "schoolyear:team_edit", pk=team.pk)
    form["focus"] = "Vocabulary in every lesson"
    team_page = form.submit().follow()
    assert "Vocabulary in every lesson" in text_of(team_page)

    form = form_for(team_page, "schoolyear:series_new", pk=team.pk)
    form["first_date"] = "2026-09-09"
    form["last_date"] = "2026-09-01"  # before the first: refused, nothing saved
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert not MeetingSeries.objects.exists()
    form = form_for(refused, "schoolyear:series_new", pk=team.pk)
    form["last_date"] = "2026-12-16"
    team_page = form.submit().follow()
    assert "meetings planned" in messages_on(team_page)
    assert team.meetings.count() == 8  # fortnightly from 9 September to 16 December

    form = form_for(team_page, "schoolyear:member_remove", pk=team.pk, user_id=personas.owner.pk)
    form.submit().follow()
    assert not TeamMembership.objects.filter(user=personas.owner).exists()


def test_a_team_leader_sets_the_focus_and_members_say_what_they_will_try(app, personas, series):
    meeting = series.meetings.order_by("start").first()
    url = meeting.get_absolute_url()
    page = app.sign_in(personas.colleague).get(url)
    form = form_for(page, "schoolyear:meeting_edit", pk=series.team_id, meeting_pk=meeting.pk)
    form["focus"] = "Wait time after a question"
    form["agenda"] = "Each of us brings one lesson."
    page = form.submit().follow()
    meeting.refresh_from_db()
    assert meeting.focus == "Wait time after a question"

    form = form_for(page, "schoolyear:attendance", pk=series.team_id, meeting_pk=meeting.pk)
    for field in form.fields["present"]:
        if field._value == str(personas.owner.pk):
            field.checked = True
    form.submit().follow()
    assert list(MeetingAttendance.objects.values_list("user", flat=True)) == [personas.owner.pk]

    # Members see the meeting once the school's year is published.
    app.sign_in(personas.owner).get(url, status=404)
    plan.plan_publish(school=personas.school, by=personas.leader, year=2026)
    page = app.sign_in(personas.owner).get(url)
    assert "schoolyear:meeting_edit" not in text_of(page)
    form = form_for(page, "schoolyear:try", pk=series.team_id, meeting_pk=meeting.pk)
    form["text"] = "Count to three before taking an answer."
    page = form.submit().follow()
    assert "Count to three" in text_of(page)
    assert TryNext.objects.get().user == personas.owner


def test_a_leader_plans_the_year_moves_a_date_publishes_and_adopts_a_community_date(
    app, personas, terms
):
    personas.school.cpd_leaders.add(personas.leader)
    page = app.sign_in(personas.coordinator).get("/coordinator/year/?year=2026")
    form = form_for(page, "schoolyear:propose")
    form["date"] = "2027-01-04"
    form["title"] = "Community INSET: reading"
    form.submit().follow()
    assert CommunityDate.objects.count() == 1

    urn = personas.school.urn
    page = app.sign_in(personas.leader).get(f"/schools/{urn}/year/?year=2026")
    form = form_for(page, "schoolyear:date_add", urn=urn)
    form["kind"] = "twilight"
    form["title"] = "Twilight: reading"
    form["start"] = "2026-11-10"  # no times: refused
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert not PlanDate.objects.exists()
    form = form_for(refused, "schoolyear:date_add", urn=urn)
    form["start_time"] = "15:45"
    form["end_time"] = "17:00"
    page = form.submit().follow()
    twilight = PlanDate.objects.get()

    form = form_for(page, "schoolyear:date_add", urn=urn)
    form["kind"] = "inset"
    form["title"] = "INSET: assessment"
    form["start"] = "2026-11-02"
    page = form.submit().follow()
    inset = PlanDate.objects.get(kind="inset")

    form = form_for(page, "schoolyear:date_move", urn=urn, pk=inset.pk)
    form["start"] = "2026-11-03"
    page = form.submit().follow()
    inset.refresh_from_db()
    assert inset.start == datetime.date(2026, 11, 3)

    page = form_for(page, "schoolyear:date_remove", urn=urn, pk=twilight.pk).submit().follow()
    assert not PlanDate.objects.filter(pk=twilight.pk).exists()

    page = form_for(page, "schoolyear:adopt", urn=urn, pk=CommunityDate.objects.get().pk)
    page = page.submit().follow()
    assert PlanDate.objects.filter(start=datetime.date(2027, 1, 4), kind="inset").exists()

    page = form_for(page, "schoolyear:publish", urn=urn).submit().follow()
    assert YearPlan.objects.get(academic_year=2026).published_at is not None
    assert "Published" in text_of(page)

    page = app.get(f"/schools/{urn}/priorities/?year=2026")
    form = form_for(page, "schoolyear:priorities", urn=urn)
    form["title"] = "Questioning"
    form["areas"] = [str(ExpertiseArea.objects.get(slug="questioning").pk)]
    form["coaching_category"] = "questioning"
    page = form.submit().follow()
    assert Priority.objects.get().academic_year == 2026
    assert "Questioning" in text_of(page)

    # Staff see the published plan.
    page = app.sign_in(personas.owner).get(f"/schools/{urn}/year/?year=2026")
    assert "INSET: assessment" in text_of(page)
    assert not page.forms or all("date_add" not in (f.action or "") for f in page.forms.values())


def test_a_team_leader_takes_off_a_meeting_then_the_series_and_a_leader_adds_a_coaching_window(
    app, personas, series, mailoutbox
):
    from unittest import mock  # noqa: PLC0415 -- only here

    september = datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)
    team = series.team
    with mock.patch("django.utils.timezone.now", return_value=september):
        page = app.sign_in(personas.colleague).get(team.get_absolute_url())
        assert "Draft" in text_of(page)
        first = series.meetings.order_by("start").first()
        form = form_for(page, "schoolyear:meeting_remove", pk=team.pk, meeting_pk=first.pk)
        page = form.submit().follow()
        assert "The meeting is taken off." in messages_on(page)
        assert not series.meetings.filter(pk=first.pk).exists()
        form = form_for(page, "schoolyear:series_remove", pk=team.pk, series_pk=series.pk)
        page = form.submit().follow()
        assert "are taken off" in messages_on(page)
        assert not MeetingSeries.objects.exists()
        assert not mailoutbox  # a draft year: nobody had them

        urn = personas.school.urn
        page = app.sign_in(personas.leader).get(f"/schools/{urn}/year/?year=2026")
        form = form_for(page, "schoolyear:date_add", urn=urn)
        form["kind"] = "coaching"
        form["title"] = "Coaching cycle 1"
        form["start"] = "2026-11-02"
        form["end"] = "2026-12-11"
        page = form.submit().follow()
        window = PlanDate.objects.get(kind="coaching")
        assert window.end == datetime.date(2026, 12, 11)
        assert "Coaching cycle 1" in text_of(page)
        assert "0 observations and meetings" in text_of(page)
