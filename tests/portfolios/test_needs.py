"""CPD needs: mine, my school's audit for the CPD leader, the community's for the coordinator."""

import pytest
from django.utils import timezone

from experts.models import ExpertiseArea
from portfolios.models import Need
from tests.cpd_sessions.factories import SessionFactory
from tests.experts.factories import ExpertProfileFactory, offer

from .factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

pytestmark = pytest.mark.django_db


def test_record_a_need_linked_to_my_goal(client, personas):
    goal = GoalFactory(owner=personas.owner)
    area = ExpertiseArea.objects.get(slug="send")
    client.force_login(personas.owner)
    response = client.post(
        "/portfolio/needs/",
        {"area": area.pk, "description": "Adapting tasks", "priority": "high", "goal": goal.pk},
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.owner, need.area, need.goal, need.status) == (personas.owner, area, goal, "open")


def test_a_need_without_a_description_is_refused(client, personas):
    client.force_login(personas.owner)
    response = client.post(
        "/portfolio/needs/",
        {"area": ExpertiseArea.objects.first().pk, "description": "", "priority": "high"},
    )
    assert response.status_code == 400
    assert not Need.objects.exists()


def test_owner_cannot_pass_their_own_need_on(client, personas):
    need = NeedFactory(owner=personas.owner)
    client.force_login(personas.owner)
    response = client.post(
        f"/portfolio/needs/{need.pk}/",
        {
            "area": need.area_id,
            "description": "x",
            "priority": "low",
            "status": "passed",
        },
    )
    assert response.status_code == 400
    need.refresh_from_db()
    assert need.status == "open"


def test_the_audit_counts_my_schools_needs_by_area(client, personas):
    questioning = ExpertiseArea.objects.get(slug="questioning")
    send = ExpertiseArea.objects.get(slug="send")
    NeedFactory(owner=personas.owner, area=questioning)
    NeedFactory(owner=personas.colleague, area=questioning)
    NeedFactory(owner=personas.colleague, area=send, status=Need.Status.MET)
    NeedFactory(owner=personas.outsider, area=send, description="Other school's need")

    client.force_login(personas.leader)
    response = client.get("/portfolio/needs/audit/")
    audit = response.context["audit"]
    rows = {row.area: (row.open, row.passed, row.met) for row in audit.by_area}
    assert rows == {"Questioning": (2, 0, 0), "SEND": (0, 0, 1)}
    assert audit.totals.total == 3
    assert "Other school&#x27;s need" not in response.content.decode()
    assert "Other school's need" not in response.content.decode()


def test_leader_marks_met_and_passes_on_and_the_coordinator_sees_it(client, personas):
    need = NeedFactory(owner=personas.owner, description="Help with phonics")
    client.force_login(personas.leader)
    client.post(f"/portfolio/needs/{need.pk}/decide/", {"status": "passed"})
    need.refresh_from_db()
    assert (need.status, need.decided_by) == ("passed", personas.leader)

    client.force_login(personas.coordinator)
    old = client.get("/portfolio/needs/community/")  # the old address, kept
    assert (old.status_code, old["Location"]) == (301, "/coordinator/needs/")
    page = client.get("/coordinator/needs/")
    assert page.status_code == 200
    assert "Help with phonics" in page.content.decode()
    (row,) = page.context["gaps"]
    assert (row.area, row.needs, row.schools, row.experts, row.sessions) == (
        "Questioning",
        1,
        1,
        0,
        0,
    )

    client.force_login(personas.leader)
    client.post(f"/portfolio/needs/{need.pk}/decide/", {"status": "met"})
    need.refresh_from_db()
    assert need.status == "met"
    client.force_login(personas.coordinator)
    assert client.get("/coordinator/needs/").context["gaps"] == []


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider", "other_leader", "coordinator"])
def test_only_the_schools_leader_decides_a_need(client, personas, who):
    need = NeedFactory(owner=personas.owner)
    client.force_login(getattr(personas, who))
    assert client.post(f"/portfolio/needs/{need.pk}/decide/", {"status": "met"}).status_code == 404
    need.refresh_from_db()
    assert need.status == "open"
    assert need.decided_by is None


def test_a_bad_decision_changes_nothing(client, personas):
    need = NeedFactory(owner=personas.owner)
    client.force_login(personas.leader)
    client.post(f"/portfolio/needs/{need.pk}/decide/", {"status": "burn"})
    need.refresh_from_db()
    assert need.status == "open"


def test_leaders_see_how_far_their_staffs_cpd_reached_in_counts_never_words(client, personas):
    def answered(owner, level, words):
        follow_up = follow_up_for(EntryFactory(owner=owner, hours="2"))
        follow_up.answered_at, follow_up.level, follow_up.what_happened = (
            timezone.now(),
            level,
            words,
        )
        follow_up.save()

    answered(personas.owner, "pupils", "Year 4 explain their reasoning now")
    answered(personas.colleague, "use", "I cold call every lesson")
    answered(personas.outsider, "pupils", "Another school's story")  # not this leader's
    EntryFactory(owner=personas.owner, hours="1.5")  # logged, no follow-up yet

    client.force_login(personas.leader)
    page = client.get("/portfolio/needs/audit/").content.decode()
    assert "3 log entries, 5.5 hours of CPD logged by your staff" in page
    row = page.split("Pupil outcomes: pupils are doing better</th>")[1].split("</tr>")[0]
    assert row == "<td>1</td>"
    assert "All answered</th><td>2</td>" in page
    assert "Year 4 explain" not in page
    assert "cold call" not in page

    client.force_login(personas.coordinator)
    response = client.get("/coordinator/")
    assert response.context["dash"].impact.follow_ups == 3
    assert "Another school's story" not in response.content.decode()


def test_the_coordinator_sees_needs_against_what_the_community_offers(client, personas):
    NeedFactory(owner=personas.owner)  # questioning
    NeedFactory(owner=personas.outsider, area=ExpertiseArea.objects.get(slug="send"))
    offer(ExpertProfileFactory(user=personas.colleague), "questioning")
    offer(ExpertProfileFactory(user=personas.other_leader), "questioning", coaching=True)
    hidden = ExpertProfileFactory(user=personas.leader, is_hidden=True)
    offer(hidden, "questioning")  # not offering anything to anyone while hidden
    SessionFactory().areas.add(ExpertiseArea.objects.get(slug="questioning"))
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/needs/")
    rows = {row.area: (row.experts, row.sessions) for row in page.context["gaps"]}
    assert rows == {"Questioning": (2, 1), "SEND": (0, 0)}
    assert page.context["gaps"][0].area == "SEND"  # no supply: the biggest gap
    html = page.content.decode()
    assert '/experts/?area=questioning">2<' in html
    assert "No supply</span>" in html  # nobody offers SEND: the gap to fill
