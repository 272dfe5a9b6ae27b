"""
The community's name and contact address: one source, the database (set by setup_community,
seed_demo for the demo, and the coordinator's page), with no demo default anywhere else.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from hubs.models import Community
from hubs.selectors import UNNAMED_COMMUNITY

pytestmark = pytest.mark.django_db

DEMO_DETAILS = ("coordinator@demo.test", "Riverside")


@pytest.mark.parametrize("url", ["/", "/accounts/signup/", "/privacy/"])
def test_an_empty_start_shows_no_demo_name_or_address(client, url):
    page = client.get(url).content.decode()
    for demo in DEMO_DETAILS:
        assert demo not in page
    assert UNNAMED_COMMUNITY in page


def test_no_setting_holds_the_name_or_the_contact():
    assert not hasattr(settings, "COMMUNITY_NAME")
    assert not hasattr(settings, "COORDINATOR_EMAIL")
    readers = [
        str(path.relative_to(settings.BASE_DIR))
        for app in ("cpdhub", "hubs", "experts", "cpd_sessions", "portfolios", "notifications")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"settings\.(COMMUNITY_NAME|COORDINATOR_EMAIL)", path.read_text())
    ]
    assert readers == []


def test_pages_and_emails_follow_the_database(client, community, mailoutbox):
    page = client.get("/").content.decode()
    assert "Tyne Valley CPD Community" in page
    assert "mailto:cpd@tynevalley.org.uk" in page
    community.name, community.contact_email = "Wear Valley CPD", "help@wearvalley.org.uk"
    community.save()
    page = client.get("/").content.decode()  # the cached copy is forgotten on save
    assert "Wear Valley CPD" in page
    assert "mailto:help@wearvalley.org.uk" in page
    assert "Tyne Valley" not in page


@pytest.mark.parametrize("who", ["owner", "leader"])
def test_nobody_else_may_change_them(client, personas, community, who):
    client.force_login(getattr(personas, who))
    url = reverse("hubs:community_edit")
    assert client.get(url).status_code == 403
    response = client.post(url, {"name": "Hijacked", "contact_email": "me@evil.test"})
    assert response.status_code == 403
    community.refresh_from_db()
    assert community.name == "Tyne Valley CPD Community"


def test_the_coordinators_dashboard_links_to_her_page(client, personas, community):
    client.force_login(personas.coordinator)
    page = client.get(reverse("coordination:dashboard")).content.decode()
    assert f'href="{reverse("hubs:community_edit")}"' in page
    assert "give cpd@tynevalley.org.uk for help" in page


def test_the_demo_sets_its_own_name_and_contact_and_keeps_a_real_one():
    from hubs.demo import DEMO_COMMUNITY_NAME, DEMO_CONTACT_EMAIL, seed  # noqa: PLC0415 -- demo only

    seed()
    details = Community.objects.get()
    assert (details.name, details.contact_email) == (DEMO_COMMUNITY_NAME, DEMO_CONTACT_EMAIL)
    assert details.is_demo
    details.name = "Tyne Valley CPD"
    details.save()
    seed()
    assert Community.objects.get().name == "Tyne Valley CPD"
