"""
The pieces of an erasure one by one (the whole is test_erasure_everywhere.py): the spelling
vocabulary, imports and their files, other signed-in sessions, a leader's reason, a session
the person led; and the retention of imports.
"""

from __future__ import annotations

import pytest

from experts.models import ExpertiseArea, SearchWord
from hubs import services as hub_services
from tests.experts.factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def test_an_erased_experts_words_leave_the_spelling_vocabulary(
    personas, django_capture_on_commit_callbacks
):
    profile = ExpertProfileFactory(user=personas.owner, bio="Marmalade starters")
    offer(profile, ExpertiseArea.objects.order_by("pk").first().slug)
    assert SearchWord.objects.filter(word="marmalade").exists()
    with django_capture_on_commit_callbacks(execute=True):
        hub_services.user_delete(user=personas.owner, by=personas.coordinator)
    assert not SearchWord.objects.filter(word="marmalade").exists()
    assert not SearchWord.objects.filter(word="whitfield").exists()
