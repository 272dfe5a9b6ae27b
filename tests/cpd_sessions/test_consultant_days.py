"""
Consultants' sessions: a recording only with the consultant's agreement (the recordings bank
offers no other), and a consultant's day offered as slots for small groups, the fee shared
equally between the slots to the penny. Forms as a browser submits them.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cpd_sessions import fee_shares, listing, proposals, session_changes, slots
from cpd_sessions.models import Consultant, DevelopmentSession
from tests.experts.factories import ExpertProfileFactory
from tests.webtest import form_for, messages_on, text_of

from .factories import SessionFactory, book, london
from .test_forms_webtest import fill_session

pytestmark = pytest.mark.django_db
VIDEO = "https://video.example.org/adaptive-teaching"


@pytest.fixture
def consultant(db):
    return Consultant.objects.create(name="Dr Ada Reyes", fee=Decimal("900.00"))


def _past_consultant_session(personas, consultant, **extra):
    start = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=3)
    session = SessionFactory(
        kind="consultant_led",
        consultant=consultant,
        leads=[personas.owner],
        venue_school=personas.school,
        **extra,
    )
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=2))
    return DevelopmentSession.objects.get(pk=session.pk)


# --- Recording only with the consultant's agreement ---


def test_a_recording_of_a_consultants_session_needs_their_agreement(app, personas, consultant):
    session = SessionFactory(
        kind="consultant_led",
        consultant=consultant,
        leads=[personas.owner],
        venue_school=personas.school,
    )
    page = app.sign_in(personas.owner).get(f"/sessions/{session.pk}/edit/")
    form = form_for(page, "")
    form["recording_url"] = VIDEO
    response = form.submit(status=400)
    assert "Ask the consultant first" in text_of(response)
    assert DevelopmentSession.objects.get(pk=session.pk).recording_url == ""

    form = form_for(response, "")
    form["recording_url"] = VIDEO
    form["recording_consent"] = True
    assert "Saved." in messages_on(form.submit().follow())
    session.refresh_from_db()
    assert (session.recording_url, session.recording_consent) == (VIDEO, True)


def test_the_service_refuses_a_recording_without_agreement(personas, consultant):
    session = SessionFactory(kind="consultant_led", consultant=consultant, leads=[personas.owner])
    with pytest.raises(ValidationError, match="Ask the consultant first"):
        session_changes.session_update(session=session, by=personas.owner, recording_url=VIDEO)
    assert DevelopmentSession.objects.get(pk=session.pk).recording_url == ""


def test_the_recordings_bank_offers_no_consultants_recording_without_agreement(
    app, personas, consultant
):
    # A link stored before consent was asked for (or by the admin): kept out of the bank.
    unagreed = _past_consultant_session(personas, consultant, title="Unagreed day")
    DevelopmentSession.objects.filter(pk=unagreed.pk).update(recording_url=VIDEO)
    agreed = _past_consultant_session(
        personas, consultant, title="Agreed day", recording_consent=True
    )
    DevelopmentSession.objects.filter(pk=agreed.pk).update(recording_url=VIDEO + "-2")
    colleague = SessionFactory(title="Colleague's workshop", recording_url=VIDEO + "-3")
    bank = app.sign_in(personas.colleague).get("/sessions/recordings/")
    assert "Agreed day" in text_of(bank)
    assert "Colleague's workshop" in text_of(bank)
    assert "Unagreed day" not in text_of(bank)
    assert set(listing.recordings(personas.colleague)) == {agreed, colleague}
    detail = app.get(unagreed.get_absolute_url())
    assert "Watch the recording" not in text_of(detail)
    assert VIDEO not in detail.text


def test_a_colleagues_own_session_needs_no_consultant_agreement(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    page = app.sign_in(personas.owner).get(f"/sessions/{session.pk}/edit/")
    form = form_for(page, "")
    form["recording_url"] = VIDEO
    assert "Saved." in messages_on(form.submit().follow())


# --- A consultant's day as slots for small groups ---


def _offer_day(app, user, hired, personas, **values):
    page = app.sign_in(user).get("/sessions/new/")
    day = {
        "kind": "consultant_led",
        "consultant": str(hired.pk),
        "venue_school": str(personas.school.pk),
        "start_time": "12:00",
        "end_time": "18:00",
        "meetings": "1",
        "capacity": "4",
        "fee": "1000.00",
        "slot_minutes": "60",
    }
    return fill_session(form_for(page, ""), **(day | values))


def test_the_coordinator_offers_a_consultants_day_as_six_slots(app, personas, consultant):
    done = _offer_day(app, personas.coordinator, consultant, personas).submit().follow()
    assert "offered as 6 slots of 4 places each" in messages_on(done)
    made = list(DevelopmentSession.objects.order_by("start"))
    assert len(made) == 6
    assert {s.status for s in made} == {"published"}
    assert {s.capacity for s in made} == {4}
    assert {s.consultant for s in made} == {consultant}
    assert sum(s.fee for s in made) == Decimal("1000.00")  # the day's fee, to the penny
    assert max(s.fee for s in made) - min(s.fee for s in made) <= Decimal("0.01")
    for before, after in itertools.pairwise(made):
        assert before.end == after.start
        assert after.end - after.start == datetime.timedelta(hours=1)
        assert [(d.start, d.end) for d in after.dates.all()] == [(after.start, after.end)]
    assert made[0].title == "Hinge questions in maths (slot 1 of 6, 12:00 to 13:00)"


def test_each_slots_fee_is_shared_between_its_schools_and_adds_up(app, personas, consultant):
    _offer_day(app, personas.coordinator, consultant, personas).submit()
    slot = DevelopmentSession.objects.order_by("start").last()  # 17:00, after school
    book(slot, personas.owner)
    book(slot, personas.colleague)
    book(slot, personas.outsider)
    shares = fee_shares.cost_shares(slot)
    assert sum(s.amount for s in shares) == slot.fee
    assert {s.school.name: s.places for s in shares} == {
        "Ashgrove Primary School": 2,
        "Thornbury High School": 1,
    }


def test_an_experts_slots_wait_in_the_queue(app, personas, consultant):
    ExpertProfileFactory(user=personas.owner)
    done = _offer_day(app, personas.owner, consultant, personas).submit().follow()
    assert "they are proposed" in messages_on(done)
    made = DevelopmentSession.objects.all()
    assert {s.status for s in made} == {"proposed"}
    assert set(proposals.queue(personas.coordinator)) == set(made)


@pytest.mark.parametrize(
    ("values", "field_error"),
    [
        ({"slot_minutes": "50"}, "does not divide into slots of 50 minutes"),
        ({"end_time": "14:00", "slot_minutes": "120"}, "a day is divided into 2 to 12"),
        ({"kind": "workshop", "consultant": ""}, "Slots are for a consultant's day"),
        ({"meetings": "3"}, "set the number of meetings to 1"),
        ({"capacity": ""}, "Say how many places each slot has"),
    ],
)
def test_a_day_that_cannot_be_slotted_says_why_and_makes_nothing(
    app, personas, consultant, values, field_error
):
    response = _offer_day(app, personas.coordinator, consultant, personas, **values).submit(
        status=400
    )
    assert field_error in text_of(response)
    assert not DevelopmentSession.objects.exists()


def test_an_outsider_posting_the_slots_form_is_refused_and_nothing_is_made(
    app, personas, consultant
):
    form = _offer_day(app, personas.coordinator, consultant, personas)
    app.sign_in(personas.outsider)  # no profile, leads nothing
    form.submit(status=403)
    assert not DevelopmentSession.objects.exists()


def test_the_edit_form_does_not_offer_slots(app, personas):
    session = SessionFactory(leads=[personas.owner], venue_school=personas.school)
    form = form_for(app.sign_in(personas.owner).get(f"/sessions/{session.pk}/edit/"), "")
    assert "slot_minutes" not in form.fields


@given(
    total=st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False),
    parts=st.integers(min_value=slots.MIN_SLOTS, max_value=slots.MAX_SLOTS),
)
def test_the_days_fee_splits_into_slots_that_add_up_to_it_exactly(total, parts):
    fees = slots.split_fee(total, parts)
    assert len(fees) == parts
    assert sum(fees) == total
    assert all(fee >= 0 and fee == fee.quantize(Decimal("0.01")) for fee in fees)
    assert max(fees) - min(fees) <= Decimal("0.01")


def test_slot_times_fill_the_day_one_after_another():
    start = london(10, 12, 0)
    times = slots.slot_times(start, start + datetime.timedelta(hours=6), 90)
    assert len(times) == 4
    assert times[-1][1] == start + datetime.timedelta(hours=6)
