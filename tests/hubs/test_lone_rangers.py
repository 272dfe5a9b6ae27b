"""
Lone rangers: staff alone in their school for a subject they teach (or for a
role), found by GROUP BY school, subject HAVING COUNT(*) = 1; each invited once to the matching
network (the ledger and a unique row), seen by the coordinator and hub leaders by hub.
"""

import html

import pytest
from django.contrib.auth.models import Group

from hubs import lone_rangers, services
from hubs.emails import lone_ranger_email
from hubs.models import COORDINATORS_GROUP, LoneRangerInvitation, Subject, User
from hubs.permissions import lone_ranger_hub_ids
from hubs.tasks import invite_lone_rangers
from notifications.models import Delivery
from tests.factories import HubFactory, SchoolFactory, SubjectNetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def subject(slug: str) -> Subject:
    return Subject.objects.get(slug=slug)


def teacher(school, *slugs, **kwargs) -> User:
    person = UserFactory(school=school, **kwargs)
    person.subjects.set([subject(s) for s in slugs])
    return person


def alone(hub_ids=None) -> set[tuple[int, str]]:
    return {(r.user_id, r.subject.slug) for r in lone_rangers.lone_rangers_by_subject(hub_ids)}


def test_the_only_teacher_of_a_subject_in_a_school_is_a_lone_ranger(personas):
    geographer = teacher(personas.school, "geography", "history")
    teacher(personas.school, "history")  # two historians: neither alone
    teacher(personas.other_school, "geography")  # another school's geographer is alone there
    gone = teacher(personas.school, "art-and-design", is_active=False)  # leavers do not count
    assert (geographer.pk, "geography") in alone()
    assert (geographer.pk, "history") not in alone()
    assert not {row for row in alone() if row[0] == gone.pk}
    other_geographer = User.objects.get(school=personas.other_school, subjects__slug="geography")
    assert (other_geographer.pk, "geography") in alone()
    assert alone([personas.other_school.hub_id]) == {(other_geographer.pk, "geography")}


def test_a_second_colleague_with_the_subject_ends_it(personas):
    geographer = teacher(personas.school, "geography")
    assert (geographer.pk, "geography") in alone()
    teacher(personas.school, "geography")
    assert not any(slug == "geography" for _, slug in alone([personas.school.hub_id]))


def test_role_lone_rangers_are_the_only_one_of_a_role(personas):
    hlta = UserFactory(school=personas.school, job_role=User.JobRole.HLTA)
    UserFactory.create_batch(2, school=personas.school, job_role=User.JobRole.TA)
    people = set(lone_rangers.lone_rangers_by_role())
    assert hlta in people
    assert personas.leader in people  # the school's one senior leader
    assert not any(p.job_role == User.JobRole.TA for p in people)
    assert personas.owner not in people  # teachers are counted by subject


def test_the_hubs_own_network_is_matched_before_the_community_wide_one(personas):
    everyone = SubjectNetworkFactory(name="Geography everywhere", hub=None)
    geographer = teacher(personas.school, "geography")
    (row,) = [r for r in lone_rangers.lone_rangers_by_subject() if r.user_id == geographer.pk]
    assert row.network_pk == everyone.pk
    north = SubjectNetworkFactory(name="North geography", hub=personas.school.hub)
    SubjectNetworkFactory(name="South geography", hub=personas.other_school.hub)
    (row,) = [r for r in lone_rangers.lone_rangers_by_subject() if r.user_id == geographer.pk]
    assert row.network_pk == north.pk


def test_each_lone_ranger_is_invited_once_however_often_it_runs(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="North geography", hub=personas.school.hub)
    network.leads.add(personas.colleague)
    geographer = teacher(personas.school, "geography")
    teacher(personas.school, "music")  # alone, but no music network: nobody to invite to
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lone_rangers_invite(by=personas.coordinator) == 1
    (mail,) = mailoutbox
    assert mail.to == [geographer.email]
    assert "North geography" in mail.subject
    assert "only member of staff at Ashgrove Primary School who teaches geography" in mail.body
    html = mail.alternatives[0][0]
    assert "/networks/" in html
    assert "See the network and join" in html
    assert mail.reply_to == [personas.colleague.email]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lone_rangers_invite(by=personas.coordinator) == 0
        assert invite_lone_rangers() == 0  # the nightly job, the same rule
    assert len(mailoutbox) == 1
    invitation = LoneRangerInvitation.objects.get()
    assert (invitation.user, invitation.network) == (geographer, network)
    assert Delivery.objects.filter(kind="lone_ranger").count() == 1


def test_the_nightly_job_invites_and_nobody_is_invited_to_a_network_they_are_in(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="Art for all", subject=subject("art-and-design"))
    already = teacher(personas.school, "art-and-design")
    network.members.add(already)
    newcomer = teacher(personas.other_school, "art-and-design")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_lone_rangers() == 1
    assert [m.to for m in mailoutbox] == [[newcomer.email]]
    assert LoneRangerInvitation.objects.get().invited_by is None


def test_the_email_is_not_sent_once_they_have_joined(personas):
    network = SubjectNetworkFactory()
    geographer = teacher(personas.school, "geography")
    row = Delivery(kind="lone_ranger", key=f"lone_ranger:{geographer.pk}:{network.pk}")
    assert lone_ranger_email(row) is not None
    network.members.add(geographer)
    assert lone_ranger_email(row) is None


@pytest.mark.parametrize("who", ["owner", "leader", "other_leader"])
def test_only_the_coordinator_sends_invitations(client, personas, who, mailoutbox):
    SubjectNetworkFactory()
    teacher(personas.school, "geography")
    client.force_login(getattr(personas, who))
    response = client.post("/coordinator/lone-rangers/invite/")
    assert response.status_code == 403
    assert not LoneRangerInvitation.objects.exists()
    assert not Delivery.objects.exists()
    with pytest.raises(Exception, match="Only the coordinator"):
        services.lone_rangers_invite(by=getattr(personas, who))
    assert not LoneRangerInvitation.objects.exists()


def test_coordinator_sees_every_hub_with_who_has_joined_since(
    client, personas, django_capture_on_commit_callbacks
):
    network = SubjectNetworkFactory(name="Geography everywhere")
    geographer = teacher(personas.school, "geography")
    teacher(personas.other_school, "geography")
    with django_capture_on_commit_callbacks(execute=True):
        services.lone_rangers_invite(by=None)
    network.members.add(geographer)
    client.force_login(personas.coordinator)
    page = html.unescape(client.get("/coordinator/lone-rangers/").content.decode())
    assert "Who counts as a lone ranger" in page
    assert "HAVING" not in page  # the rule in words, not SQL
    summary = {row.name: row for row in lone_rangers.lone_ranger_summary()}
    assert (summary["North"].alone, summary["North"].invited, summary["North"].joined) == (1, 1, 1)
    assert (summary["South"].alone, summary["South"].invited, summary["South"].joined) == (1, 1, 0)
    assert geographer.full_name in page
    assert "Invite everyone not yet invited" in page


def test_the_hub_table_counts_as_joined_everyone_whose_row_says_joined(client, personas):
    """One count: someone who joined the network before any invitation shows "Joined" on their
    row, and the hub's "Joined a network" counts them (it said 0 beside rows saying Joined)."""
    network = SubjectNetworkFactory(name="Geography everywhere")
    geographer = teacher(personas.school, "geography")
    network.members.add(geographer)  # joined by themselves, never invited
    (row,) = [r for r in lone_rangers.lone_ranger_summary() if r.name == "North"]
    assert (row.alone, row.invited, row.joined) == (1, 0, 1)
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/lone-rangers/").content.decode()
    assert "Joined a network" in page
    assert "Joined since" not in page


def test_a_hub_leader_sees_their_hubs_lone_rangers_only(client, personas):
    mine = teacher(personas.school, "geography")
    theirs = teacher(personas.other_school, "geography")
    personas.school.hub.leaders.add(personas.colleague)
    client.force_login(personas.colleague)
    page = html.unescape(client.get("/coordinator/lone-rangers/").content.decode())
    assert mine.full_name in page
    assert theirs.full_name not in page
    assert "Invite everyone" not in page
    assert client.get("/coordinator/lone-rangers/?hub=south").status_code == 404
    hub_page = html.unescape(client.get("/hubs/north/").content.decode())
    assert "Lone rangers in North" in hub_page


@pytest.mark.parametrize("who", ["owner", "leader", "outsider"])
def test_lone_rangers_page_is_refused_to_everyone_else(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get("/coordinator/lone-rangers/").status_code == 403
    assert "Lone rangers in" not in client.get("/hubs/north/").content.decode()


def test_lone_rangers_page_asks_anonymous_visitors_to_sign_in(client, personas):
    response = client.get("/coordinator/lone-rangers/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_lone_rangers_page_bad_input_is_not_an_error(client, personas):
    client.force_login(personas.coordinator)
    assert client.get("/coordinator/lone-rangers/?page=zzz").status_code == 200
    assert client.get("/coordinator/lone-rangers/?page=999").status_code == 200
    assert client.get("/coordinator/lone-rangers/?hub=%00nope").status_code == 404


def test_lone_rangers_page_query_count_does_not_grow(client, personas, count_queries):
    SubjectNetworkFactory()
    client.force_login(personas.coordinator)
    teacher(personas.school, "geography")
    few = count_queries("/coordinator/lone-rangers/")
    for n in range(8):
        hub = HubFactory()
        school = SchoolFactory(hub=hub)
        teacher(school, "geography", "art-and-design")
        UserFactory(school=school, job_role=User.JobRole.HLTA)
        SubjectNetworkFactory(hub=hub, name=f"Geography {n}")
    services.lone_rangers_invite(by=None)
    many = count_queries("/coordinator/lone-rangers/")
    assert many == few


def test_dashboard_prompts_the_invited_with_one_click_join(client, personas):
    network = SubjectNetworkFactory(name="Geography everywhere")
    geographer = teacher(personas.school, "geography")
    services.lone_rangers_invite(by=None)
    client.force_login(geographer)
    page = html.unescape(client.get("/").content.decode())
    assert "Colleagues who teach geography too" in page
    assert f'action="/networks/{network.slug}/membership/"' in page
    network.members.add(geographer)
    assert "Colleagues who teach geography too" not in client.get("/").content.decode()


def test_the_coordinators_group_sees_every_hub_and_a_teacher_none(personas):
    helper = UserFactory(school=None)
    assert lone_ranger_hub_ids(helper) == []
    helper.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    helper = User.objects.get(pk=helper.pk)
    assert lone_ranger_hub_ids(helper) is None
    assert lone_ranger_hub_ids(personas.owner) == []


def test_without_notify_the_rows_are_made_and_no_email(personas, mailoutbox):
    SubjectNetworkFactory()
    teacher(personas.school, "geography")
    assert services.lone_rangers_invite(by=None, notify=False) == 1
    assert LoneRangerInvitation.objects.count() == 1
    assert not Delivery.objects.exists()
    assert mailoutbox == []
