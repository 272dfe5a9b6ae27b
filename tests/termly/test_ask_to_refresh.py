"""The admin asks stale experts to refresh their profile, one email each per term."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications.models import Delivery
from termly import services
from tests.experts.factories import ExpertProfileFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def press(client, profiles, callbacks):
    with callbacks(execute=True):
        response = client.post(
            reverse("admin:experts_expertprofile_changelist"),
            {"action": "ask_to_refresh", "_selected_action": [p.pk for p in profiles]},
            follow=True,
        )
    assert response.status_code == 200
    return response.content.decode()


def test_stale_experts_are_asked_once_a_term(
    client, personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.REQUIRE_ADMIN_MFA = False
    stale = ExpertProfileFactory(user=UserFactory(first_name="Siân"), last_confirmed_at=None)
    fresh = ExpertProfileFactory()
    client.force_login(personas.coordinator)
    page = press(client, [stale, fresh], django_capture_on_commit_callbacks)
    assert "1 expert(s) asked" in page
    assert "1 selected profile(s) are up to date" in page
    assert [m.to for m in mailoutbox] == [[stale.user.email]]
    assert "The community coordinator asks you to check your expert profile" in mailoutbox[0].body
    assert "A new term has started" not in mailoutbox[0].body
    page = press(client, [stale, fresh], django_capture_on_commit_callbacks)  # a second press
    assert "0 expert(s) asked" in page
    assert "1 had already been asked this term" in page
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="audit_profile").count() == 1


def test_the_service_asks_every_stale_expert_and_only_for_a_coordinator(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    stale = ExpertProfileFactory.create_batch(3, last_confirmed_at=None)
    ExpertProfileFactory()
    with pytest.raises(PermissionDenied):
        services.experts_ask_to_refresh(by=personas.leader)
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.experts_ask_to_refresh(by=personas.coordinator) == (3, 0)
        assert services.experts_ask_to_refresh(by=personas.coordinator) == (0, 3)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in stale)
