import pytest
from django.core.management import call_command

from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from experts.models import ExpertProfile
from hubs.models import Hub, School, SubjectNetwork
from portfolios.models import Entry, Need

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_proportionate_community_and_replaces_itself(capsys):
    call_command("seed_scale", profiles=150)
    assert ExpertProfile.objects.visible().count() == 150
    assert School.objects.filter(urn__gte=900000).count() == 3
    assert Hub.objects.filter(slug__startswith="scale-hub-").count() == 2
    call_command("seed_scale", profiles=100)
    assert ExpertProfile.objects.count() == 100
    assert "100 profiles" in capsys.readouterr().out


def test_seed_scale_makes_the_activity_the_coordinator_reads(capsys):
    call_command("seed_scale", profiles=600)
    sessions = DevelopmentSession.objects.filter(title__startswith="Scale session ")
    assert sessions.count() == 6
    assert Booking.objects.filter(session__in=sessions).count() > 150
    assert ReleaseRequest.objects.exists()
    assert Need.objects.filter(status="open").count() > 50
    assert Entry.objects.exists()
    assert SubjectNetwork.objects.filter(slug__startswith="scale-net-").count() == 6
    assert SubjectNetwork.members.through.objects.count() > 100
    # Again, activity only: replaced, not doubled.
    bookings = Booking.objects.count()
    call_command("seed_scale", profiles=600, activity_only=True)
    assert sessions.count() == 6
    assert bookings * 0.8 < Booking.objects.count() < bookings * 1.2  # another draw, same scale
    assert ExpertProfile.objects.count() == 600
    assert "bookings" in capsys.readouterr().out
