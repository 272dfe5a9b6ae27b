"""The sessions list's cards are kept per process under every value they show, the viewer's own
part included: the same HTML as the card's template, and a change (even one written without a
signal) is a new card at once."""

import pytest
from django.template.loader import render_to_string

from cpd_sessions.listing import with_list_data
from cpd_sessions.models import DevelopmentSession
from cpd_sessions.templatetags import cpd_sessions_tags
from tests.factories import UserFactory

from .factories import SessionFactory, book

pytestmark = pytest.mark.django_db


def _loaded(pk: int, user) -> DevelopmentSession:
    return with_list_data(DevelopmentSession.objects.filter(pk=pk), user).get()


def test_a_card_is_what_its_template_draws():
    session = SessionFactory(title="Questioning in Year 4")
    viewer = UserFactory()
    loaded = _loaded(session.pk, viewer)
    drawn = render_to_string("cpd_sessions/_card.html", {"session": loaded, "user": viewer})
    assert cpd_sessions_tags.session_cards([loaded], viewer) == drawn
    assert "Questioning in Year 4" in drawn


def test_each_viewer_sees_their_own_booking_and_a_change_shows_at_once():
    session = SessionFactory(title="Questioning in Year 4", capacity=10)
    booked, other = UserFactory(), UserFactory()
    book(session, booked)
    assert "You are booked" in cpd_sessions_tags.session_cards(
        [_loaded(session.pk, booked)], booked
    )
    assert "You are booked" not in cpd_sessions_tags.session_cards(
        [_loaded(session.pk, other)], other
    )
    DevelopmentSession.objects.filter(pk=session.pk).update(title="Feedback in Year 5")
    card = cpd_sessions_tags.session_cards([_loaded(session.pk, other)], other)
    assert "Feedback in Year 5" in card
    assert "Questioning" not in card
    assert "10 places, 1 taken" in card
