"""Everything is private to its owner unless shared; anyone else gets 404 and changes nothing."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolios import services
from portfolios.models import (
    Entry,
    EntryAttachment,
    Goal,
    GoalReview,
    ImpactFollowUp,
    Need,
    Statement,
)

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db

OTHERS = ["colleague", "leader", "outsider", "other_leader", "coordinator"]


@pytest.fixture
def items(personas):
    """One of everything, owned by `owner`, shared with nobody."""
    goal = GoalFactory(owner=personas.owner, title="Secret goal")
    entry = EntryFactory(owner=personas.owner, title="Secret entry", learned="My private doubt")
    entry.goals.add(goal)
    attachment = services._attach(entry, SimpleUploadedFile("plan.txt", b"lesson plan"))
    follow_up = follow_up_for(entry, days_ago=1)
    need = NeedFactory(owner=personas.owner, description="Need help with questioning")
    return {
        "goal": goal,
        "entry": entry,
        "attachment": attachment,
        "follow_up": follow_up,
        "need": need,
    }


def snapshot():
    return (
        list(Goal.objects.values()),
        list(Entry.objects.values()),
        list(EntryAttachment.objects.values()),
        list(ImpactFollowUp.objects.values()),
        list(Need.objects.values()),
        list(GoalReview.objects.values()),
        list(Statement.objects.values()),
    )


def read_urls(i):
    e, g = i["entry"], i["goal"]
    return [
        f"/portfolio/goals/{g.pk}/",
        f"/portfolio/goals/{g.pk}/edit/",
        f"/portfolio/log/{e.pk}/",
        f"/portfolio/log/{e.pk}/edit/",
        f"/portfolio/log/{e.pk}/files/{i['attachment'].pk}/",
        f"/portfolio/follow-ups/{i['follow_up'].pk}/",
        f"/portfolio/needs/{i['need'].pk}/",
    ]


def write_requests(i):
    e, g = i["entry"], i["goal"]
    return [
        (f"/portfolio/goals/{g.pk}/edit/", {"title": "Hacked", "academic_year": g.academic_year}),
        (f"/portfolio/goals/{g.pk}/delete/", {}),
        (f"/portfolio/goals/{g.pk}/review/", {"note": "Hacked"}),
        (f"/portfolio/log/{e.pk}/edit/", {"title": "Hacked", "hours": "1", "kind": "other"}),
        (f"/portfolio/log/{e.pk}/delete/", {}),
        (f"/portfolio/log/{e.pk}/files/{i['attachment'].pk}/delete/", {}),
        (
            f"/portfolio/follow-ups/{i['follow_up'].pk}/",
            {"tried": "yes", "level": "use", "what_happened": "Hacked"},
        ),
        (f"/portfolio/needs/{i['need'].pk}/", {"description": "Hacked"}),
        (f"/portfolio/needs/{i['need'].pk}/delete/", {}),
    ]


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_sees_an_unshared_item(client, personas, items, who):
    client.force_login(getattr(personas, who))
    for url in read_urls(items):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_changes_an_item_and_nothing_changes(client, personas, items, who):
    before = snapshot()
    client.force_login(getattr(personas, who))
    for url, data in write_requests(items):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_the_owner_sees_every_item(client, personas, items):
    client.force_login(personas.owner)
    for url in read_urls(items):
        assert client.get(url).status_code == 200, url
    download = client.get(items["attachment"].get_absolute_url())
    assert b"".join(download.streaming_content) == b"lesson plan"
    assert "attachment" in download["Content-Disposition"]


def test_anonymous_visitors_are_sent_to_sign_in(client, items):
    for url in ["/portfolio/", *read_urls(items), "/portfolio/export.json"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_shared_with_my_cpd_leader_only_reaches_my_schools_leader(client, personas, items):
    Goal.objects.filter(pk=items["goal"].pk).update(share_with_leaders=True)
    Entry.objects.filter(pk=items["entry"].pk).update(share_with_leaders=True)
    goal_url, entry_url = items["goal"].get_absolute_url(), items["entry"].get_absolute_url()

    client.force_login(personas.leader)
    assert client.get(goal_url).status_code == 200
    page = client.get(entry_url).content.decode()
    assert "My private doubt" in page
    assert "Edit the entry" not in page
    shared = client.get("/portfolio/shared/").content.decode()
    assert "Secret goal" in shared
    assert "Secret entry" in shared
    # Read, never write.
    assert client.get(f"{entry_url}edit/").status_code == 404
    assert client.get(items["attachment"].get_absolute_url()).status_code == 200

    for who in ["other_leader", "coordinator", "colleague", "outsider"]:
        client.force_login(getattr(personas, who))
        assert client.get(goal_url).status_code == 404, who
        assert client.get(entry_url).status_code == 404, who
        assert "Secret" not in client.get("/portfolio/shared/").content.decode()


def test_shared_with_a_named_colleague_in_any_school(client, personas, items):
    client.force_login(personas.owner)
    response = client.post(
        f"/portfolio/goals/{items['goal'].pk}/edit/",
        {
            "title": "Secret goal",
            "academic_year": items["goal"].academic_year,
            "source": "coaching",
            "status": "active",
            "shared_with": f"{personas.outsider.email}\n{personas.owner.email}",
        },
    )
    assert response.status_code == 302
    assert list(items["goal"].shared_with.all()) == [personas.outsider]  # never myself

    client.force_login(personas.outsider)
    assert client.get(items["goal"].get_absolute_url()).status_code == 200
    assert "Secret goal" in client.get("/portfolio/shared/").content.decode()
    # The goal, not the entries under it.
    assert client.get(items["entry"].get_absolute_url()).status_code == 404
    assert "Secret entry" not in client.get(items["goal"].get_absolute_url()).content.decode()

    client.force_login(personas.colleague)
    assert client.get(items["goal"].get_absolute_url()).status_code == 404


def test_sharing_with_an_unknown_address_is_a_form_error(client, personas, items):
    client.force_login(personas.owner)
    response = client.post(
        f"/portfolio/goals/{items['goal'].pk}/edit/",
        {
            "title": "Renamed",
            "academic_year": items["goal"].academic_year,
            "source": "personal",
            "status": "active",
            "shared_with": "nobody@nowhere.test",
        },
    )
    assert response.status_code == 400
    assert "Nobody here has the address nobody@nowhere.test" in response.content.decode()
    items["goal"].refresh_from_db()
    assert items["goal"].title == "Secret goal"


def test_audit_is_for_cpd_leaders_and_the_roll_up_for_the_coordinator(client, personas, items):
    for who in ["owner", "colleague", "outsider", "coordinator"]:
        client.force_login(getattr(personas, who))
        assert client.get("/portfolio/needs/audit/").status_code == 403, who
    for who in ["owner", "leader", "other_leader", "outsider"]:
        client.force_login(getattr(personas, who))
        assert client.get("/portfolio/needs/community/").status_code == 403, who


def test_leaders_see_counts_and_needs_never_unshared_reflections(client, personas, items):
    client.force_login(personas.leader)
    page = client.get("/portfolio/needs/audit/").content.decode()
    assert "Need help with questioning" in page
    assert "Secret entry" not in page
    assert "My private doubt" not in page
    assert "Secret goal" not in page

    client.force_login(personas.other_leader)
    page = client.get("/portfolio/needs/audit/").content.decode()
    assert "Need help with questioning" not in page


def test_private_portfolio_text_is_not_in_the_admin_site():
    for model in [Goal, GoalReview, Entry, EntryAttachment, ImpactFollowUp, Need, Statement]:
        assert model not in admin.site._registry, model
