"""
A release's share of a consultant's fee is the product's own split for the booker's school,
shown on the request and never typed: whatever is posted, the share recorded is the split.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd_sessions import fee_shares
from cpd_sessions.booking import BookingRefused
from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from hubs.models import School
from tests.factories import SchoolFactory, UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db

PENNY = Decimal("0.01")


def _consultant_session(fee: str, split: str) -> DevelopmentSession:
    return SessionFactory(
        capacity=None,
        start=london(10, 10, 0),
        end=london(10, 12, 0),
        fee=Decimal(fee),
        cost_split=split,
    )


def _per_place(session: DevelopmentSession, school: School) -> Decimal:
    """What one place of ``school`` costs in the session's split as it stands (cost_shares)."""
    share = next(s for s in fee_shares.cost_shares(session) if s.school.pk == school.pk)
    return share.amount / share.places


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        # By attendees: 3 places in all, so £200 each.
        (DevelopmentSession.CostSplit.ATTENDEES, Decimal("200.00")),
        # Equally: 2 schools share £600, the first school's 2 places £150 each.
        (DevelopmentSession.CostSplit.EQUAL, Decimal("150.00")),
    ],
)
def test_the_share_recorded_is_the_split_whatever_was_typed(personas, split, expected):
    session = _consultant_session("600", split)
    book(session, personas.outsider, release=release_data())
    book(session, personas.colleague, release=release_data())
    booking = book(session, personas.owner, release=release_data(fee_share="40"))  # a guess
    release = ReleaseRequest.objects.get(booking=booking)
    assert release.fee_share == expected
    assert release.fee_share == _per_place(session, personas.school).quantize(PENNY)


def test_the_request_form_shows_the_share_and_a_typed_one_is_ignored(client, personas):
    session = _consultant_session("480", DevelopmentSession.CostSplit.ATTENDEES)
    book(session, personas.outsider, release=release_data())
    client.force_login(personas.owner)
    page = client.get(session.get_absolute_url()).content.decode()
    field = page[page.index('name="fee_share"') :]
    assert field.startswith('name="fee_share" value="240.00"')
    assert " disabled" in field[: field.index(">")]
    assert "you do not type it" in page
    data = {
        "cover_lessons": "2",
        "supply_cost": "150",
        "travel_cost": "0",
        "fee_share": "50",
        "goal": "Questioning",
    }
    response = client.post(reverse("cpd_sessions:book", args=[session.pk]), data)
    assert response.status_code == 302
    assert Booking.objects.get(user=personas.owner).release.fee_share == Decimal("240.00")


def test_a_share_that_takes_the_costs_past_the_bound_is_refused_by_the_service(personas):
    session = _consultant_session("4900", DevelopmentSession.CostSplit.ATTENDEES)
    with pytest.raises(BookingRefused, match=r"one release is at most £5,000\.00"):
        book(session, personas.owner, release=release_data(supply_cost="180"))
    assert not Booking.objects.exists()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fee=st.integers(min_value=0, max_value=3000),
    split=st.sampled_from(DevelopmentSession.CostSplit.values),
    schools=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=6),
)
def test_each_share_recorded_is_the_split_at_the_time_of_booking(personas, fee, split, schools):
    """Property: whoever books, in whatever order, each new request's share is what one place
    of its school costs in the session's split once it is booked (to the penny the split gives
    the school that absorbs the rounding)."""
    session = _consultant_session(str(fee), split)
    places = [SchoolFactory(hub=personas.school.hub) for _ in range(3)]
    for index in schools:
        person = UserFactory(school=places[index])
        before = fee_shares.estimated_fee_share(session, places[index])
        booking = book(session, person, release=release_data())
        recorded = ReleaseRequest.objects.get(booking=booking).fee_share
        assert recorded == before
        if fee:
            assert abs(recorded - _per_place(session, places[index])) <= PENNY
        else:
            assert recorded == Decimal("0.00")
