"""
Where the portfolio meets development sessions: the register makes entries, feedback fills them,
suggestions of sessions and recordings, the CPD budget on /portfolio/ and "suits me".
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import approvals
from cpd_sessions.booking import booking_create
from cpd_sessions.budget import budget_set, spent_in_year
from cpd_sessions.models import Booking, CpdBudget, DevelopmentSession
from cpdhub.academic_year import current_academic_year, year_label
from experts.models import ExpertiseArea
from portfolios import suggestions
from portfolios.models import Entry, Goal, ImpactFollowUp
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data

from .factories import GoalFactory, NeedFactory

pytestmark = pytest.mark.django_db


def area(slug: str) -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug=slug)


def move_into_past(session: DevelopmentSession, days: int = 21) -> DevelopmentSession:
    delta = datetime.timedelta(days=days)
    session.dates.update(start=F("start") - delta, end=F("end") - delta)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=F("start") - delta, end=F("end") - delta
    )
    return DevelopmentSession.objects.get(pk=session.pk)


@pytest.fixture
def series(personas):
    """Two twilights (1.5 h and 1 h) led by the colleague, booked by the owner and the outsider;
    both meetings are over."""
    first = (london(7, 16, 0), london(7, 17, 30))
    second = (london(14, 16, 0), london(14, 17, 0))
    session = SessionFactory(
        title="Questioning twilights", leads=[personas.colleague], dates=[first, second]
    )
    book(session, personas.owner)
    book(session, personas.outsider)
    return move_into_past(session)


def mark(client, by, session, *people, capture):
    bookings = Booking.objects.filter(session=session, user__in=people)
    client.force_login(by)
    with capture(execute=True):
        return client.post(
            reverse("cpd_sessions:attendance", kwargs={"pk": session.pk}),
            {"present": [b.pk for b in bookings]},
        )


def give_feedback(client, user, session, capture, **answers):
    client.force_login(user)
    with capture(execute=True):
        return client.post(
            reverse("cpd_sessions:feedback", kwargs={"pk": session.pk}),
            {"rating": "5", "most_useful": "", "will_try": "", "comment": ""} | answers,
        )


# --- The register makes the entry -------------------------------------------------------


def test_marking_attendance_logs_the_session_once_prefilled_from_feedback(
    client, personas, series, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    give_feedback(
        client,
        personas.owner,
        series,
        capture,
        most_useful="Hinge questions",
        will_try="Mini-whiteboards every lesson",
    )
    mark(client, personas.colleague, series, personas.owner, capture=capture)

    entry = Entry.objects.get(owner=personas.owner)
    last_meeting = series.dates.order_by("start").last()
    assert entry.kind == Entry.Kind.SESSION_ATTENDED
    assert entry.title == "Questioning twilights"
    assert entry.session == series
    assert entry.hours == Decimal("2.50")  # both meetings of the series
    assert entry.date == timezone.localdate(last_meeting.start)
    assert entry.learned == "Hinge questions"
    assert entry.will_try == "Mini-whiteboards every lesson"
    assert ImpactFollowUp.objects.get(entry=entry).due_on == entry.date + datetime.timedelta(42)
    assert not entry.share_with_leaders  # private like any other entry
    client.force_login(personas.owner)
    assert series.get_absolute_url() in client.get(entry.get_absolute_url()).content.decode()
    # The outsider was not marked present: nothing for them. The lead logs "session led".
    assert not Entry.objects.filter(owner=personas.outsider).exists()
    led = Entry.objects.get(owner=personas.colleague)
    assert (led.kind, led.session, led.hours) == (Entry.Kind.SESSION_LED, series, Decimal("2.50"))

    # Unmarked, then marked again (and marked twice): still one entry each, untouched.
    Entry.objects.filter(pk=entry.pk).update(learned="My own words")
    mark(client, personas.colleague, series, capture=capture)
    mark(client, personas.colleague, series, personas.owner, capture=capture)
    mark(client, personas.colleague, series, personas.owner, personas.outsider, capture=capture)
    assert Entry.objects.filter(owner=personas.owner).count() == 1
    assert Entry.objects.get(owner=personas.owner).learned == "My own words"
    assert Entry.objects.filter(owner=personas.colleague).count() == 1
    outsider_entry = Entry.objects.get(owner=personas.outsider)
    assert (outsider_entry.learned, outsider_entry.will_try) == ("", "")
    assert not ImpactFollowUp.objects.filter(entry=outsider_entry).exists()


def test_an_attendee_cannot_mark_the_register_into_portfolios(
    client, personas, series, django_capture_on_commit_callbacks
):
    response = mark(
        client,
        personas.outsider,
        series,
        personas.owner,
        personas.outsider,
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_feedback_after_the_register_fills_only_the_empty_fields(
    client, personas, series, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mark(client, personas.colleague, series, personas.owner, capture=capture)
    entry = Entry.objects.get(owner=personas.owner)
    assert (entry.learned, entry.will_try) == ("", "")
    assert not ImpactFollowUp.objects.filter(entry=entry).exists()
    Entry.objects.filter(pk=entry.pk).update(learned="Wait time matters")

    give_feedback(
        client,
        personas.owner,
        series,
        capture,
        most_useful="Hinge questions",
        will_try="Exit tickets",
    )
    entry.refresh_from_db()
    assert entry.learned == "Wait time matters"  # what the owner wrote stays
    assert entry.will_try == "Exit tickets"
    assert ImpactFollowUp.objects.filter(entry=entry).exists()
    # Someone else's feedback never touches my entry.
    give_feedback(client, personas.outsider, series, capture, will_try="Something else")
    entry.refresh_from_db()
    assert entry.will_try == "Exit tickets"
    assert Entry.objects.count() == 2  # mine and the lead's


def test_a_register_kept_before_the_last_meeting_is_not_logged_in_the_future(
    client, personas, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        title="Lesson study cycle",
        leads=[personas.colleague],
        dates=[(london(7, 16, 0), london(7, 17, 0)), (london(30, 16, 0), london(30, 17, 0))],
    )
    book(session, personas.owner)
    session.dates.filter(start=session.start).update(
        start=timezone.now() - datetime.timedelta(days=2, hours=1),
        end=timezone.now() - datetime.timedelta(days=2),
    )
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=timezone.now() - datetime.timedelta(days=2, hours=1)
    )
    mark(
        client,
        personas.colleague,
        session,
        personas.owner,
        capture=django_capture_on_commit_callbacks,
    )
    entry = Entry.objects.get(owner=personas.owner)
    assert entry.date == timezone.localdate()
    assert entry.hours == Decimal("2.00")


# --- Suggestions ------------------------------------------------------------------------


@pytest.fixture
def offer_of_sessions(personas):
    questioning = area("questioning")
    SessionFactory(title="Questioning workshop").areas.add(questioning)
    SessionFactory(title="Oracy workshop").areas.add(area("oracy"))
    SessionFactory(
        title="Thornbury staff only", scope="school", school=personas.other_school
    ).areas.add(questioning)
    SessionFactory(title="Only proposed", status="proposed").areas.add(questioning)
    past = move_into_past(SessionFactory(title="Last term's questioning"))
    past.areas.add(questioning)
    recorded = move_into_past(SessionFactory(title="Questioning, recorded"))
    DevelopmentSession.objects.filter(pk=recorded.pk).update(
        recording_url="https://video.example.test/q", status="completed"
    )
    recorded.areas.add(questioning)


def test_goal_and_need_pages_suggest_sessions_and_recordings_i_may_see(
    client, personas, offer_of_sessions
):
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([area("questioning")])
    need = NeedFactory(owner=personas.owner, area=area("questioning"))
    client.force_login(personas.owner)
    for url in [goal.get_absolute_url(), need.get_absolute_url(), "/portfolio/"]:
        page = client.get(url).content.decode()
        assert "Questioning workshop" in page, url
        assert "Questioning, recorded" in page, url
        for hidden in [
            "Oracy workshop",
            "Thornbury staff only",
            "Only proposed",
            "Last term&#x27;s questioning",
        ]:
            assert hidden not in page, (url, hidden)
    # The outsider may see the Thornbury session, so it is suggested to them.
    found = suggestions.suggest_sessions(personas.outsider, {"goal": {area("questioning").pk}})
    assert "Thornbury staff only" in [s.title for s in found["goal"].sessions]
    assert not suggestions.suggest_sessions(personas.owner, {"nothing": set()})["nothing"]


def test_suggestions_cost_the_same_with_one_goal_and_with_several(
    client, personas, offer_of_sessions, count_queries
):
    client.force_login(personas.owner)
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([area("questioning")])
    NeedFactory(owner=personas.owner, area=area("questioning"))
    urls = ["/portfolio/", goal.get_absolute_url()]
    one = {url: count_queries(url) for url in urls}
    for slug in ["oracy", "send", "questioning"]:
        more = GoalFactory(owner=personas.owner)
        more.areas.set([area(slug), area("questioning")])
        NeedFactory(owner=personas.owner, area=area(slug))
        SessionFactory(title=f"More on {slug}").areas.add(area(slug))
    several = {url: count_queries(url) for url in urls}
    assert several == one
    page = client.get("/portfolio/").content.decode()
    assert "More on send" in page
    assert "Oracy workshop" in page


# --- The CPD budget on /portfolio/ ------------------------------------------------------


def test_portfolio_shows_this_years_budget_spent_and_remaining(client, personas):
    client.force_login(personas.owner)
    assert "CPD budget" not in client.get("/portfolio/").content.decode()

    this_year = current_academic_year()
    # A release approved with no budget set charges an empty row: still no budget to show.
    session = SessionFactory(start=london(7, 10, 0), end=london(7, 12, 0))
    booking = booking_create(session=session, user=personas.owner, release=release_data()).booking
    approvals.release_decide(release=booking.release, by=personas.leader, approve=True)
    assert spent_in_year(personas.owner.pk, this_year) == Decimal("192.50")
    assert "CPD budget" not in client.get("/portfolio/").content.decode()

    budget_set(
        user=personas.owner,
        academic_year=this_year,
        allocated=Decimal("500.00"),
        by=personas.leader,
    )
    CpdBudget.objects.create(user=personas.owner, academic_year=1999, allocated=9)
    page = client.get("/portfolio/").content.decode()
    assert f"£500.00</strong> CPD budget for {year_label(this_year)}" in page
    assert "£192.50</strong> spent" in page
    assert "£307.50</strong> remaining" in page
    # Someone else's budget is theirs alone.
    client.force_login(personas.colleague)
    assert "CPD budget" not in client.get("/portfolio/").content.decode()


# --- "Suits me" --------------------------------------------------------------------------


def test_suits_me_follows_my_active_goals_and_open_needs(client, personas):
    SessionFactory(title="On questioning").areas.add(area("questioning"))
    SessionFactory(title="On oracy").areas.add(area("oracy"))
    SessionFactory(title="On send").areas.add(area("send"))
    SessionFactory(title="On anything")
    url = reverse("cpd_sessions:list")
    client.force_login(personas.owner)

    def suited() -> set[str]:
        page = client.get(url, {"suits_me": "on"}).content.decode()
        titles = {"On questioning", "On oracy", "On send", "On anything"}
        return {t for t in titles if t in page}

    # No goals or needs yet: areas do not narrow the list.
    assert suited() == {"On questioning", "On oracy", "On send", "On anything"}
    GoalFactory(owner=personas.owner).areas.set([area("questioning")])
    GoalFactory(owner=personas.owner, status=Goal.Status.DROPPED).areas.set([area("send")])
    NeedFactory(owner=personas.owner, area=area("oracy"))
    NeedFactory(owner=personas.owner, area=area("send"), status="met")
    GoalFactory(owner=personas.colleague).areas.set([area("send")])  # not mine
    assert suited() == {"On questioning", "On oracy", "On anything"}
    # Without "suits me", everything still shows.
    assert "On send" in client.get(url).content.decode()


def test_suggestions_never_offer_what_i_booked_wait_for_or_lead(personas, offer_of_sessions):
    questioning = {area("questioning").pk}
    workshop = DevelopmentSession.objects.get(title="Questioning workshop")
    other = SessionFactory(title="Questioning again", capacity=1)
    other.areas.add(area("questioning"))
    led = SessionFactory(title="Questioning I lead", leads=[personas.owner])
    led.areas.add(area("questioning"))
    before = suggestions.suggest_sessions(personas.owner, {"goal": questioning})["goal"].sessions
    assert {"Questioning workshop", "Questioning again"} <= {s.title for s in before}
    book(workshop, personas.owner)
    book(other, personas.colleague)
    book(other, personas.owner)  # on the waitlist
    after = suggestions.suggest_sessions(personas.owner, {"goal": questioning})["goal"].sessions
    assert not {s.title for s in after} & {
        "Questioning workshop",
        "Questioning again",
        "Questioning I lead",
    }


def test_a_session_is_suggested_once_on_a_page(client, personas, offer_of_sessions):
    goal = GoalFactory(owner=personas.owner)
    goal.areas.set([area("questioning")])
    need = NeedFactory(owner=personas.owner, area=area("questioning"))
    found = suggestions.suggest_sessions(
        personas.owner, {"goal": {area("questioning").pk}, "need": {area("questioning").pk}}
    )
    assert [s.title for s in found["goal"].sessions] == ["Questioning workshop"]
    assert found["need"].sessions == []
    client.force_login(personas.owner)
    page = client.get("/portfolio/").content.decode()
    assert page.count(">Questioning workshop<") == 1
    assert need.get_absolute_url()  # the need page still offers it on its own
    assert "Questioning workshop" in client.get(need.get_absolute_url()).content.decode()
