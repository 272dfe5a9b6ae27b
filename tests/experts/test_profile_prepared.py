"""
A profile page's query is prepared (cpdhub/prepared.py): for every viewer and every profile,
live, hidden, stale, never confirmed or of someone who left (their row only, with the
profile's copy of the flag left stale as a bulk update would leave it), it finds the profile
exactly when the plain queryset does, with the same values, offers, subjects and phases.
"""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from experts.models import ExpertProfile, live_q
from experts.selectors import cards_of, profile_for, with_card_data
from hubs.models import Phase, Subject, Term, User
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def _plain(pk, viewer):
    return (
        with_card_data(ExpertProfile.objects.all())
        .prefetch_related("subjects", "phases")
        .filter(live_q() | Q(user=viewer), user__is_active=True)
        .filter(pk=pk)
        .first()
    )


def _shown(profile) -> dict:
    return {
        "values": {k: v for k, v in profile.__dict__.items() if k[0] != "_"},
        "user": profile.user.email,
        "school": profile.user.school.name if profile.user.school else None,
        "offers": [(o.area.name, o.advice, o.coaching) for o in profile.offers.all()],
        "subjects": sorted(s.pk for s in profile.subjects.all()),
        "phases": sorted(p.pk for p in profile.phases.all()),
    }


def test_every_viewer_finds_the_profiles_the_plain_query_finds():
    today = timezone.localdate()
    # A term began 100 days ago: a profile confirmed before the one before it is stale.
    Term.objects.create(
        name="This term",
        start=today - datetime.timedelta(days=100),
        end=today + datetime.timedelta(days=10),
    )
    long_ago = timezone.now() - datetime.timedelta(days=800)
    profiles = {
        "live": ExpertProfileFactory(),
        "hidden": ExpertProfileFactory(is_hidden=True),
        "stale": ExpertProfileFactory(last_confirmed_at=long_ago),
        "never confirmed": ExpertProfileFactory(last_confirmed_at=None),
        "left": ExpertProfileFactory(),
    }
    for name, profile in profiles.items():
        offer(profile, "questioning", coaching=name == "live")
        profile.subjects.set(Subject.objects.order_by("pk")[:2])
        profile.phases.set(Phase.objects.order_by("pk")[:1])
    User.objects.filter(pk=profiles["left"].user_id).update(is_active=False)  # no signal
    viewers = [UserFactory(), *(p.user for p in profiles.values())]
    found_any = 0
    for viewer in viewers:
        for name, profile in profiles.items():
            expected = _plain(profile.pk, viewer)
            if expected is None:
                with pytest.raises(ExpertProfile.DoesNotExist):
                    profile_for(profile.pk, viewer)
                continue
            found_any += 1
            assert _shown(profile_for(profile.pk, viewer)) == _shown(expected), (name, viewer)
    # The live profile to everyone; each other profile to its owner only, but the one who left.
    assert found_any == len(viewers) + 3
    with pytest.raises(ExpertProfile.DoesNotExist):
        profile_for(2**63, viewers[0])


def test_a_pages_cards_are_what_the_plain_query_gives_for_any_number_of_ids():
    profiles = [ExpertProfileFactory() for _ in range(25)]
    for i, profile in enumerate(profiles):
        offer(profile, "questioning", coaching=bool(i % 2))
        if i % 3:
            offer(profile, "feedback")
    ids = [p.pk for p in profiles]
    for chosen in ([], ids[:1], ids[3:10], ids[:20], ids, [ids[4], 10**9, ids[2]]):
        plain = {c.pk: c for c in with_card_data(ExpertProfile.objects.filter(pk__in=chosen))}
        found = cards_of(chosen)
        assert {pk: _shown(c) for pk, c in found.items()} == {
            pk: _shown(c) for pk, c in plain.items()
        }, len(chosen)
