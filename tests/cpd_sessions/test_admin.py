import pytest
from django.urls import reverse

from cpd_sessions.models import DevelopmentSession

from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_admin_cannot_move_a_session_behind_the_bookers_backs(client, personas, settings):
    """Dates, places and status change on the session's page, which tells everyone booked."""
    settings.REQUIRE_ADMIN_MFA = False
    session = SessionFactory()
    client.force_login(personas.coordinator)
    url = reverse("admin:cpd_sessions_developmentsession_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert reverse("cpd_sessions:edit", args=[session.pk]) in page
    assert 'name="start_0"' not in page
    before = DevelopmentSession.objects.get(pk=session.pk)
    client.post(url, {"title": "Renamed", "start_0": "01/01/2030", "status": "cancelled"})
    after = DevelopmentSession.objects.get(pk=session.pk)
    assert (after.start, after.status, after.sequence) == (before.start, before.status, 0)


def test_admin_adds_a_session_with_its_dates(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    page = client.get(reverse("admin:cpd_sessions_developmentsession_add")).content.decode()
    assert 'name="start_0"' in page  # a new session's dates are set here
