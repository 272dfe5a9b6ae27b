"""
Bad input gets a clear message on the form (or the
page), never a 500, and nothing half-saved. Hypothesis then throws arbitrary text at every form
and query string of the sessions and portfolio apps.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cpd_sessions import session_changes
from cpd_sessions.filters import approvals_query
from cpd_sessions.models import Apology, Booking, DevelopmentSession, Feedback, SessionDate
from cpdhub import querystring as cpdhub_querystring
from hubs.models import User
from notifications.models import Delivery
from portfolios.models import Entry, Goal, ImpactFollowUp, Need
from tests.experts.factories import ExpertProfileFactory
from tests.factories import UserFactory

from .factories import SessionFactory, book, london
from .test_pages import session_post

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


@pytest.fixture
def expert(client, personas):
    ExpertProfileFactory(user=personas.owner)
    client.force_login(personas.owner)
    return personas.owner


def _offer(client, **overrides):
    return client.post(reverse("cpd_sessions:new"), session_post(**overrides))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_date": "9999-12-25", "meetings": "4"}, "first_date", "within the next two years"),
        ({"first_date": "0001-01-01"}, "first_date", "within the next two years"),
        (
            {"first_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()},
            "first_date",
            "cannot be in the past",
        ),
        (
            {"booking_deadline": london(40).strftime("%Y-%m-%dT%H:%M")},
            "booking_deadline",
            "booking deadline must be before the session starts",
        ),
        (
            {"decision_date": london(30).date().isoformat()},
            "decision_date",
            "decision date must be before the day of the first meeting",
        ),
        ({"capacity": "5", "min_places": "8"}, "min_places", "cannot be more than the places"),
        ({"description": MEGABYTE}, "description", "Keep this to 5,000 characters or fewer"),
        ({"materials": MEGABYTE}, "materials", "Keep this to 2,000 characters or fewer"),
    ],
)
def test_the_offer_form_refuses_what_a_school_would_not_mean(
    client, expert, personas, overrides, field, message
):
    response = _offer(client, venue_school=personas.school.pk, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not DevelopmentSession.objects.exists()
    assert not SessionDate.objects.exists()


def test_the_form_names_the_text_limits_in_its_help(client, expert):
    page = client.get(reverse("cpd_sessions:new")).content.decode()
    assert "Up to 5,000 characters." in page
    assert 'maxlength="5000"' in page


def test_the_service_and_the_database_keep_the_rules_the_admin_could_skip(personas):
    start = london(10)
    dates = [(start, start + datetime.timedelta(hours=1))]
    for bad in (
        {"description": MEGABYTE},
        {"booking_deadline": start + datetime.timedelta(days=1)},
        {"capacity": 3, "min_places": 4},
        {"decision_date": start.date()},
    ):
        with pytest.raises(ValidationError):
            session_changes.session_propose(by=personas.coordinator, dates=dates, **bad)
    assert not DevelopmentSession.objects.exists()
    for name, bad in (
        ("session_minimum_within_capacity", {"capacity": 3, "min_places": 4}),
        ("session_deadline_not_after_start", {"booking_deadline": london(20)}),
    ):
        with pytest.raises(IntegrityError, match=name), transaction.atomic():
            SessionFactory(**bad)


def test_feedback_and_cancel_reasons_are_bounded(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.owner)
    start = timezone.now() - datetime.timedelta(hours=2)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    client.force_login(personas.owner)
    url = reverse("cpd_sessions:feedback", kwargs={"pk": session.pk})
    response = client.post(url, {"rating": "4", "comment": MEGABYTE})
    assert response.status_code == 400
    assert "Keep this to 2,000 characters or fewer" in response.content.decode()
    assert not Feedback.objects.exists()

    upcoming = SessionFactory(leads=[personas.colleague])
    client.force_login(personas.colleague)
    url = reverse("cpd_sessions:cancel", kwargs={"pk": upcoming.pk})
    response = client.post(url, {"reason": "y" * 301}, follow=True)
    assert "Keep this to 300 characters or fewer" in response.content.decode()
    assert DevelopmentSession.objects.get(pk=upcoming.pk).status == "published"


@pytest.mark.parametrize("params", [{"q": "maths\x00"}, {"area": "\x00"}, {"q": "q" * 101}])
def test_recordings_query_string_with_a_null_byte_is_a_message_not_a_500(client, personas, params):
    client.force_login(personas.owner)
    response = client.get(reverse("cpd_sessions:recordings"), params)
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]]


def test_approvals_query_is_cleaned_in_one_place():
    show, q, errors = approvals_query(QueryDict("q=a%00b&show=all"))
    assert (show, q) == ("all", "")
    assert errors == ["Null characters are not allowed."]
    assert approvals_query(QueryDict("q=+Sam+"))[:2] == ("pending", "Sam")


def test_approvals_query_string_with_a_null_byte_is_not_a_500(client, personas):
    client.force_login(personas.leader)
    assert client.get(reverse("cpd_sessions:approvals"), {"q": "\x00"}).status_code < 500


@pytest.mark.parametrize("value", ["²", "9" * 5000, "1" * 30, "-1"])
def test_ids_that_are_not_ids_are_ignored(client, personas, value):
    client.force_login(personas.owner)
    assert client.get(reverse("portfolios:entry_new"), {"goal": value}).status_code == 200
    assert cpdhub_querystring.id_param(value) is None


# --- Hypothesis: every form and query string of the sessions and portfolio apps ---------------

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "9999-12-25", "0001-01-01", "²", "9" * 30, "-1", "", "yes", "no"]),
)
FUZZ = hsettings(max_examples=30, deadline=None, derandomize=True, database=None)


def _world():
    """People and rows the fuzzed pages act on, made once per database (hypothesis reuses it)."""
    owner = User.objects.filter(email="fuzz@example.test").first()
    if owner is None:
        owner = UserFactory(email="fuzz@example.test")
        ExpertProfileFactory(user=owner)
        led = SessionFactory(leads=[owner], title="Fuzz led")
        past = SessionFactory(title="Fuzz past")
        Booking.objects.create(session=past, user=owner, status=Booking.Status.CONFIRMED)
        start = timezone.now() - datetime.timedelta(days=1)
        DevelopmentSession.objects.filter(pk=past.pk).update(
            start=start, end=start + datetime.timedelta(hours=1)
        )
        series = SessionFactory(
            title="Fuzz series", dates=[(london(8), london(8, 18)), (london(15), london(15, 18))]
        )
        book(series, owner)
        entry = Entry.objects.create(
            owner=owner, date=timezone.localdate(), kind="reading", title="Fuzz", hours=1
        )
        ImpactFollowUp.objects.create(entry=entry, due_on=timezone.localdate())
        assert led.pk
    client = Client()
    client.force_login(owner)
    return owner, client


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (DevelopmentSession, SessionDate, Booking, Feedback, Entry, Goal, Need)
    } | {"Apology": Apology.objects.count(), "Delivery": Delivery.objects.count()}


def _urls(owner):
    led = DevelopmentSession.objects.get(title="Fuzz led")
    past = DevelopmentSession.objects.get(title="Fuzz past")
    series = DevelopmentSession.objects.get(title="Fuzz series")
    follow_up = ImpactFollowUp.objects.get(entry__owner=owner)
    entry = Entry.objects.get(owner=owner, title="Fuzz")
    return {
        "get": [
            reverse("cpd_sessions:list"),
            reverse("cpd_sessions:recordings"),
            reverse("portfolios:entries"),
            reverse("portfolios:entry_new"),
            reverse("portfolios:needs_audit"),
            reverse("portfolios:home"),
        ],
        "post": [
            reverse("cpd_sessions:new"),
            reverse("cpd_sessions:edit", kwargs={"pk": led.pk}),
            reverse("cpd_sessions:cancel", kwargs={"pk": led.pk}),
            reverse("cpd_sessions:book", kwargs={"pk": led.pk}),
            reverse("cpd_sessions:feedback", kwargs={"pk": past.pk}),
            reverse("cpd_sessions:attendance", kwargs={"pk": past.pk}),
            reverse("portfolios:follow_up", kwargs={"pk": follow_up.pk}),
            reverse("portfolios:needs"),
            reverse("portfolios:goal_new"),
            reverse("portfolios:entry_new"),
            reverse("portfolios:entry_edit", kwargs={"pk": entry.pk}),
            reverse("cpd_sessions:apology", kwargs={"pk": series.pk}),
            reverse("cpd_sessions:certificates_send", kwargs={"pk": past.pk}),
        ],
    }


GET_KEYS = ["q", "area", "kind", "format", "hub", "network", "date_from", "date_to", "suits_me"]
GET_KEYS += ["page", "goal", "show"]
POST_KEYS = [*list(session_post()), "booking_deadline", "decision_date", "min_places", "reason"]
POST_KEYS += ["rating", "most_useful", "comment", "present", "tried", "level", "what_happened"]
POST_KEYS += ["area", "description", "priority", "date", "kind", "hours", "learned", "goals"]
POST_KEYS += ["action"]


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=5),
    params=st.dictionaries(st.sampled_from(GET_KEYS), TEXT, max_size=5),
)
def test_any_query_string_of_sessions_and_portfolios_is_never_a_500(which, params):
    owner, client = _world()
    url = _urls(owner)["get"][which]
    assert client.get(url, params).status_code < 500, (url, params)


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=12),
    data=st.dictionaries(st.sampled_from(POST_KEYS), TEXT, max_size=8),
)
def test_any_form_post_is_never_a_500_and_a_refusal_writes_nothing(which, data):
    owner, client = _world()
    url = _urls(owner)["post"][which]
    before = _counts()
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    if response.status_code >= 400:
        assert _counts() == before, (url, data)


@FUZZ
@given(
    first_date=st.dates(),
    meetings=st.integers(min_value=1, max_value=12),
    weeks=st.integers(min_value=1, max_value=8),
)
def test_any_offer_date_is_a_session_or_a_message(first_date, meetings, weeks):
    _owner, client = _world()
    before = _counts()
    response = client.post(
        reverse("cpd_sessions:new"),
        session_post(
            first_date=first_date.isoformat(),
            meetings=str(meetings),
            weeks_apart=str(weeks),
            format="online",
            join_link="https://example.test/j",
        ),
    )
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert _counts() == before
