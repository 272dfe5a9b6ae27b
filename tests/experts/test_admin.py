import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from experts.models import ContactRequest, ExpertiseArea, ExpertProfile, ProfileArea

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db


def test_coordinator_merges_duplicate_areas_in_the_admin(client, personas):
    Authenticator.objects.create(user=personas.coordinator, type=Authenticator.Type.TOTP, data={})
    dup = ExpertiseArea.objects.create(
        name="Questioning skills", slug="questioning-skills", category="pedagogy"
    )
    both = ExpertProfileFactory(user=personas.outsider)
    offer(both, "questioning")
    offer(both, "questioning-skills", coaching=True)
    only_dup = ExpertProfileFactory(user=personas.colleague)
    offer(only_dup, "questioning-skills", visit=True)
    ContactRequest.objects.create(profile=only_dup, sender=personas.owner, message="Hi", area=dup)
    keep = ExpertiseArea.objects.get(slug="questioning")

    client.force_login(personas.coordinator)
    response = client.post(
        reverse("admin:experts_expertisearea_changelist"),
        {"action": "merge", "_selected_action": [keep.pk, dup.pk]},
        follow=True,
    )
    assert "Merged 1 area(s) into “Questioning”; 2 offer(s) moved" in response.content.decode()
    assert not ExpertiseArea.objects.filter(pk=dup.pk).exists()
    combined = ProfileArea.objects.get(profile=both, area=keep)
    assert combined.advice
    assert combined.coaching
    assert ProfileArea.objects.get(profile=only_dup).area == keep
    assert ContactRequest.objects.get().area == keep
    keep.refresh_from_db()
    assert "Questioning skills" in keep.synonym_list
    client.force_login(personas.owner)
    found = client.get(reverse("experts:directory"), {"q": "skills"}).context["page"].object_list
    assert {p.pk for p in found} == {both.pk, only_dup.pk}
    assert ExpertProfile.objects.count() == 2


def test_admin_pages_for_the_directory_render(client, personas):
    Authenticator.objects.create(user=personas.coordinator, type=Authenticator.Type.TOTP, data={})
    ExpertProfileFactory(user=personas.outsider)
    client.force_login(personas.coordinator)
    for name in ["experts_expertisearea_changelist", "experts_expertprofile_changelist"]:
        assert client.get(reverse(f"admin:{name}"), {"q": "a"}).status_code == 200
