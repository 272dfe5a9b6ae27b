"""Spelling suggestions come from live profiles only, and words leave the
vocabulary when no live profile uses them any more."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import ExpertProfile, SearchWord
from experts.search import corrected
from hubs import services as hub_services

from .factories import ExpertProfileFactory
from .test_profiles import profile_post

pytestmark = pytest.mark.django_db


def suggests(typo: str, word: str) -> bool:
    return corrected(typo) == word


def test_a_word_of_a_live_profile_is_suggested(personas, terms_around_today):
    ExpertProfileFactory(user=personas.colleague, bio="Interleaving in science")
    assert suggests("interleavng", "interleaving")


def test_a_word_only_in_a_hidden_profile_is_never_suggested(personas, terms_around_today):
    ExpertProfileFactory(user=personas.colleague, bio="Interleaving in science", is_hidden=True)
    assert not suggests("interleavng", "interleaving")
    profile = ExpertProfile.objects.get(user=personas.colleague)
    profile.is_hidden = False
    profile.save()
    assert suggests("interleavng", "interleaving")
    profile.is_hidden = True
    profile.save()
    assert not suggests("interleavng", "interleaving")
    assert not SearchWord.objects.filter(word="interleaving").exists()


def test_a_word_only_in_a_stale_profile_is_never_suggested(personas, terms_around_today):
    long_ago = timezone.now() - datetime.timedelta(days=365)
    ExpertProfileFactory(user=personas.colleague, bio="Interleaving", last_confirmed_at=long_ago)
    assert not suggests("interleavng", "interleaving")


def test_a_profile_going_stale_at_a_term_change_leaves_at_the_nightly_rebuild(
    personas, terms_around_today
):
    profile = ExpertProfileFactory(user=personas.colleague, bio="Interleaving")
    live_profile = ExpertProfileFactory(user=personas.outsider, bio="Retrieval")
    # Time passes: two terms on, nobody saved it.
    ExpertProfile.objects.filter(pk=profile.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=365)
    )
    call_command("rebuild_vocabulary", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not suggests("interleavng", "interleaving")
    assert suggests("retreival", "retrieval")
    # Confirming it again brings its words back.
    services.profile_confirm(profile=profile)
    assert suggests("interleavng", "interleaving")
    assert SearchWord.objects.get(word="retrieval").uses == 1
    assert live_profile.pk


def test_a_deactivated_or_deleted_person_takes_their_words_away(personas, terms_around_today):
    ExpertProfileFactory(user=personas.colleague, bio="Interleaving")
    ExpertProfileFactory(user=personas.outsider, bio="Metacognition")
    personas.colleague.is_active = False
    personas.colleague.save()
    assert not suggests("interleavng", "interleaving")
    personas.outsider.delete()
    assert not suggests("metacognitin", "metacognition")
    assert not SearchWord.objects.filter(word__in=["interleaving", "metacognition"]).exists()


def test_editing_a_bio_removes_the_old_word(client, personas, terms_around_today):
    client.force_login(personas.owner)
    client.post(reverse("experts:me"), profile_post(bio="Interleaving in science"))
    assert suggests("interleavng", "interleaving")
    offer = ExpertProfile.objects.get(user=personas.owner).offers.get()
    edit = profile_post(bio="Dual coding in science")
    edit |= {"offers-INITIAL_FORMS": "1", "offers-0-id": str(offer.pk)}
    client.post(reverse("experts:me"), edit)
    assert not suggests("interleavng", "interleaving")
    assert suggests("dual codng", "dual coding")


def test_a_word_shared_by_two_profiles_survives_one_of_them_leaving(personas, terms_around_today):
    first = ExpertProfileFactory(user=personas.colleague, bio="Interleaving")
    ExpertProfileFactory(user=personas.outsider, bio="Interleaving too")
    assert SearchWord.objects.get(word="interleaving").uses == 2
    first.is_hidden = True
    first.save()
    assert SearchWord.objects.get(word="interleaving").uses == 1
    assert suggests("interleavng", "interleaving")
    first.delete()
    assert SearchWord.objects.get(word="interleaving").uses == 1


def test_the_rebuild_agrees_with_the_counts_kept_as_profiles_change(personas, terms_around_today):
    first = ExpertProfileFactory(user=personas.colleague, bio="Interleaving and retrieval")
    second = ExpertProfileFactory(user=personas.outsider, bio="Retrieval practice")
    second.bio = "Questioning"
    second.save()
    first.is_hidden = True
    first.save()
    kept = dict(SearchWord.objects.values_list("word", "uses"))
    call_command("rebuild_vocabulary", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert dict(SearchWord.objects.values_list("word", "uses")) == kept
    assert "interleaving" not in kept
    assert kept["questioning"] >= 1


@pytest.mark.parametrize("verb", ["user_deactivate", "user_delete"])
def test_someone_leaving_through_the_removal_service_takes_their_words(
    personas, terms_around_today, verb
):
    ExpertProfileFactory(user=personas.colleague, bio="Interleaving in science")
    assert suggests("interleavng", "interleaving")
    getattr(hub_services, verb)(user=personas.colleague, by=personas.coordinator)
    assert not suggests("interleavng", "interleaving")
    assert not SearchWord.objects.filter(word="interleaving").exists()
