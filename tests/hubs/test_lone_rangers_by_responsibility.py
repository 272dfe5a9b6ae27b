"""
Lone rangers by responsibility (SENCo, exams officer, DSL, ECT mentor, phase lead and the
like): ticked in "my details", counted by the same rule as subjects (GROUP BY
school, responsibility HAVING COUNT(*) = 1) and invited once to a network for the
responsibility when there is one, else listed.
"""

import pytest

from hubs import lone_rangers, services
from hubs.models import LoneRangerInvitation, Responsibility, UserResponsibility
from hubs.tasks import invite_lone_rangers
from notifications.models import Delivery
from tests.factories import HubFactory, SchoolFactory, SubjectNetworkFactory, UserFactory
from tests.webtest import form_for, messages_on, text_of

pytestmark = pytest.mark.django_db


def holds(person, *responsibilities):
    for r in responsibilities:
        UserResponsibility.objects.create(user=person, responsibility=r)
    return person


def alone(hub_ids=None) -> set[tuple[int, str]]:
    return {
        (r.user_id, r.responsibility) for r in lone_rangers.lone_rangers_by_responsibility(hub_ids)
    }


def tick(form, values) -> None:
    """Tick exactly these boxes of the form's responsibilities, as a person would."""
    for box in form.fields["responsibilities"]:
        box.checked = box._value in values


def ticked(form) -> set[str]:
    return {box._value for box in form.fields["responsibilities"] if box.checked}


def test_responsibilities_are_ticked_in_my_details(app, personas):
    page = app.sign_in(personas.owner).get("/me/")
    assert "Responsibilities" in page.text
    form = form_for(page, "")
    tick(form, {"senco", "ect_mentor"})
    done = form.submit().follow()
    assert "Your details have been saved." in messages_on(done)
    assert set(personas.owner.responsibilities.values_list("responsibility", flat=True)) == {
        "senco",
        "ect_mentor",
    }
    form = form_for(done, "")
    assert ticked(form) == {"senco", "ect_mentor"}
    tick(form, {"dsl"})
    form.submit()
    assert list(personas.owner.responsibilities.values_list("responsibility", flat=True)) == ["dsl"]


def test_an_unknown_responsibility_is_refused_with_a_message(app, personas):
    page = app.sign_in(personas.owner).get("/me/")
    form = form_for(page, "")
    box = form.fields["responsibilities"][0]
    box._value, box.checked = "headteacher-in-disguise", True  # a tampered request
    response = form.submit()
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    assert not UserResponsibility.objects.exists()


def test_the_only_one_with_a_responsibility_in_a_school_is_a_lone_ranger(personas):
    senco = holds(personas.owner, "senco", "dsl")
    holds(personas.colleague, "dsl")  # two DSLs at Ashgrove: neither alone
    other = holds(personas.outsider, "dsl")  # alone at Thornbury
    gone = holds(UserFactory(school=personas.school, is_active=False), "exams_officer")
    found = alone()
    assert (senco.pk, "senco") in found
    assert (senco.pk, "dsl") not in found
    assert (other.pk, "dsl") in found
    assert (gone.pk, "exams_officer") not in found
    assert alone([personas.school.hub_id]) == {(senco.pk, "senco")}


def test_each_is_invited_once_to_the_network_for_the_responsibility(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="SENCos of the north", responsibility="senco")
    geography = SubjectNetworkFactory(name="Geography")  # a subject network: not for SENCos
    senco = holds(personas.owner, "senco")
    holds(personas.outsider, "exams_officer")  # alone, but no network: listed only
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lone_rangers_invite(by=personas.coordinator) == 1
    (mail,) = mailoutbox
    assert mail.to == [senco.email]
    assert "colleagues who are SENCo too" in mail.subject
    assert "who is SENCo on" in mail.body
    invitation = LoneRangerInvitation.objects.get()
    assert (invitation.user, invitation.network) == (senco, network)
    assert not LoneRangerInvitation.objects.filter(network=geography).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lone_rangers_invite(by=personas.coordinator) == 0
        assert invite_lone_rangers() == 0
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(kind="lone_ranger").count() == 1


def test_a_responsibility_network_is_not_offered_to_a_subjects_lone_ranger(personas):
    SubjectNetworkFactory(name="DSLs", responsibility="dsl")  # its subject is geography
    personas.owner.subjects.set([SubjectNetworkFactory._meta.model.objects.get().subject])
    row = next(iter(lone_rangers.lone_rangers_by_subject()))
    assert row.network_pk is None


def test_the_page_lists_them_with_the_rule_and_who_joined(client, personas):
    network = SubjectNetworkFactory(name="SENCos together", responsibility="senco")
    senco = holds(personas.owner, "senco")
    holds(personas.outsider, "exams_officer")
    services.lone_rangers_invite(by=None, notify=False)
    network.members.add(senco)
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/lone-rangers/").content.decode()
    assert "By responsibility" in page
    assert "grouped by school and responsibility, where the group has exactly one" in page
    assert "SENCo" in page
    assert "SENCos together" in page
    assert "Joined" in page
    assert "Exams officer" in page
    assert "No network for this yet" in page
    summary = lone_rangers.lone_ranger_summary(by_responsibility=True)
    north = next(r for r in summary if r.name == "North")
    assert (north.alone, north.invited, north.joined) == (1, 1, 1)


def test_a_hub_leader_sees_only_their_hubs_responsibility_lone_rangers(client, personas):
    personas.school.hub.leaders.add(personas.colleague)
    holds(personas.owner, "senco")
    holds(personas.outsider, "senco")
    client.force_login(personas.colleague)
    response = client.get("/coordinator/lone-rangers/")
    rows = response.context["by_responsibility"]
    assert [r.user for r in rows] == [personas.owner]


def test_the_page_costs_the_same_with_one_and_many(client, personas, count_queries):
    client.force_login(personas.coordinator)
    holds(personas.owner, "senco")
    SubjectNetworkFactory(name="SENCos", responsibility="senco")
    few = count_queries("/coordinator/lone-rangers/")
    for n in range(8):
        school = SchoolFactory(hub=HubFactory())
        holds(UserFactory(school=school), "senco", "dsl", Responsibility.PHASE_LEAD)
        SubjectNetworkFactory(name=f"DSLs {n}", hub=school.hub, responsibility="dsl")
    services.lone_rangers_invite(by=None, notify=False)
    assert count_queries("/coordinator/lone-rangers/") == few


def test_the_invited_see_the_prompt_on_their_dashboard_and_others_do_not(client, personas):
    network = SubjectNetworkFactory(name="SENCos together", responsibility="senco")
    holds(personas.owner, "senco")
    personas.owner.subjects.set([network.subject])  # teaches geography: not a SENCos' network
    personas.colleague.subjects.set([network.subject])
    services.lone_rangers_invite(by=None, notify=False)
    client.force_login(personas.owner)
    page = client.get("/").content.decode()
    assert "Colleagues who are SENCo too" in page
    assert "Join SENCos together" in page
    client.force_login(personas.colleague)  # teaches geography, holds no responsibility
    assert "SENCos together" not in client.get("/").content.decode()
