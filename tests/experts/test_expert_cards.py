"""The directory's cards are kept per process under every value they show: the same HTML as the
card's template, and a change to any shown value (even one written without a signal) is a new
card at once."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from experts.models import ExpertProfile, ProfileArea
from experts.selectors import with_card_data
from experts.templatetags import expert_cards
from hubs.models import User
from tests.factories import SchoolFactory, UserFactory

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def _card(pk: int, about: str = "") -> str:
    expert = with_card_data(ExpertProfile.objects.filter(pk=pk)).get()
    return expert_cards.expert_cards([expert], about)


@pytest.fixture
def profile():
    school = SchoolFactory(name="Millbrook Primary")
    user = UserFactory(first_name="Grace", last_name="Adeyemi", school=school)
    found = ExpertProfileFactory(user=user, headline="Questioning that makes pupils think")
    offer(found, "questioning", coaching=True)
    return found


def test_a_card_is_what_its_template_draws(profile):
    expert = with_card_data(ExpertProfile.objects.filter(pk=profile.pk)).get()
    drawn = render_to_string("experts/_card.html", {"expert": expert, "about": "questioning"})
    assert expert_cards.expert_cards([expert], "questioning") == drawn
    assert "Grace Adeyemi" in drawn
    assert "Millbrook Primary" in drawn


def test_a_value_changed_without_a_signal_shows_at_once(profile):
    assert "Questioning that makes pupils think" in _card(profile.pk)
    # Bulk updates send no signal: the card is still new, because its key is what it shows.
    ExpertProfile.objects.filter(pk=profile.pk).update(headline="Feedback that moves learning")
    User.objects.filter(pk=profile.user_id).update(
        last_name="Mensah", job_role=User.JobRole.SENIOR_LEADER
    )
    ProfileArea.objects.filter(profile=profile).update(coaching=False, advice=False, visit=True)
    card = _card(profile.pk)
    assert "Feedback that moves learning" in card
    assert "Questioning that makes" not in card
    assert "Grace Mensah" in card
    assert "Grace Adeyemi" not in card
    assert str(User.JobRole.SENIOR_LEADER.label) in card
    assert "hosting a visit or observation" in card
    assert "coaching" not in card.lower().split("offer-list")[1]


def test_the_link_keeps_what_was_searched(profile):
    assert "?about=questioning" in _card(profile.pk, "questioning")
    assert "?about=" not in _card(profile.pk)


def test_the_kept_cards_are_bounded(profile, monkeypatch):
    monkeypatch.setattr(expert_cards.cards, "size", 2)
    monkeypatch.setattr(expert_cards.cards, "kept", {})
    for about in ("a", "b", "c", "d", "e"):
        _card(profile.pk, about)
        assert len(expert_cards.cards.kept) <= 2


def test_the_directory_shows_the_cards(client, profile):
    client.force_login(UserFactory())
    response = client.get(reverse("experts:directory"), {"q": "questioning"})
    assert response.status_code == 200
    assert "Grace Adeyemi" in response.content.decode()
