import pytest
from django.core.management import call_command

from experts.models import ExpertProfile
from hubs.models import Hub, School

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_proportionate_community_and_replaces_itself(capsys):
    call_command("seed_scale", profiles=150)
    assert ExpertProfile.objects.visible().count() == 150
    assert School.objects.filter(urn__gte=900000).count() == 3
    assert Hub.objects.filter(slug__startswith="scale-hub-").count() == 2
    call_command("seed_scale", profiles=100)
    assert ExpertProfile.objects.count() == 100
    assert "100 profiles" in capsys.readouterr().out
