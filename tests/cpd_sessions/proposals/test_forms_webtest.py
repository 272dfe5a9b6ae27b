"""
The proposals queue: a colleague's proposal waits for whoever may publish it (a coordinator
any; a hub lead their hub's; a network lead their network's), each of them emailed once; it is
published, or declined with a reason emailed to the proposer. Forms as a browser submits them.
"""

import pytest
from django.core import mail

from cpd_sessions import proposals
from cpd_sessions.models import DevelopmentSession
from experts.models import ExpertiseArea
from notifications.models import Delivery
from tests.experts.factories import ExpertProfileFactory
from tests.factories import HubFactory, SubjectNetworkFactory, UserFactory
from tests.webtest import form_for, messages_on, text_of

from ..factories import SessionFactory
from ..test_forms_webtest import fill_session

pytestmark = pytest.mark.django_db
PROPOSED = DevelopmentSession.Status.PROPOSED


@pytest.fixture
def leads(personas):
    """The colleague leads hub North (the owner's); the other leader leads its geography
    network; someone else leads hub South."""
    hub = personas.school.hub
    hub.leaders.add(personas.colleague)
    network = SubjectNetworkFactory(hub=hub)
    network.leads.add(personas.other_leader)
    personas.other_hub_lead = UserFactory(school=personas.other_school)
    personas.other_school.hub.leaders.add(personas.other_hub_lead)
    return hub, network


def _propose(app, personas, **values):
    ExpertProfileFactory(user=personas.owner)
    page = app.sign_in(personas.owner).get("/sessions/new/")
    form = fill_session(form_for(page, ""), venue_school=str(personas.school.pk), **values)
    return form.submit().follow()


def test_an_experts_hub_proposal_reaches_the_coordinator_and_the_hub_lead_once_each(
    app, personas, leads, django_capture_on_commit_callbacks
):
    hub, _ = leads
    with django_capture_on_commit_callbacks(execute=True):
        done = _propose(app, personas, scope="hub", hub=str(hub.pk))
    assert "your session is proposed" in messages_on(done)
    session = DevelopmentSession.objects.get()
    assert session.status == PROPOSED
    told = Delivery.objects.filter(kind="session_proposed")
    assert sorted(told.values_list("email", flat=True)) == sorted(
        [personas.coordinator.email, personas.colleague.email]
    )
    sent = [m for m in mail.outbox if m.subject == f"Proposed: {session.title}"]
    assert len(sent) == 2
    assert "/sessions/proposals/" in sent[0].body
    assert "/sessions/proposals/" in sent[0].alternatives[0][0]
    # Asked again (a retried task, an edit): nobody is emailed twice.
    proposals.proposal_notify(session=session)
    assert told.count() == 2
    for who, sees in [
        (personas.coordinator, True),
        (personas.colleague, True),  # hub North's lead
        (personas.other_leader, False),  # leads a network, not the hub
        (personas.other_hub_lead, False),
    ]:
        assert (session in proposals.queue(who)) is sees, who


def test_a_network_proposal_goes_to_the_network_lead_not_the_hub_lead(app, personas, leads):
    _, network = leads
    _propose(app, personas, scope="network", network=str(network.pk))
    session = DevelopmentSession.objects.get()
    assert session in proposals.queue(personas.other_leader)
    assert session not in proposals.queue(personas.colleague)
    told = set(Delivery.objects.filter(kind="session_proposed").values_list("email", flat=True))
    assert told == {personas.coordinator.email, personas.other_leader.email}


def test_a_session_published_at_once_emails_nobody_about_a_proposal(app, personas, leads):
    hub, _ = leads
    page = app.sign_in(personas.colleague).get("/sessions/new/")
    form = fill_session(
        form_for(page, ""), scope="hub", hub=str(hub.pk), venue_school=str(personas.school.pk)
    )
    assert "Your session is published" in messages_on(form.submit().follow())
    assert not Delivery.objects.filter(kind="session_proposed").exists()


def test_the_hub_lead_publishes_a_proposal_from_the_queue(app, personas, leads):
    hub, _ = leads
    session = SessionFactory(
        status=PROPOSED, scope="hub", hub=hub, proposed_by=personas.owner, leads=[personas.owner]
    )
    page = app.sign_in(personas.colleague).get("/sessions/proposals/")
    assert session.title in text_of(page)
    assert personas.owner.full_name in text_of(page)
    done = form_for(page, "cpd_sessions:proposal_publish", pk=session.pk).submit().follow()
    assert done.request.path == "/sessions/proposals/"
    assert "is published" in messages_on(done)
    assert DevelopmentSession.objects.get(pk=session.pk).status == "published"
    assert "Nothing is waiting" in text_of(done)


def test_the_coordinator_declines_a_proposal_and_the_proposer_is_emailed_why(
    app, personas, django_capture_on_commit_callbacks
):
    session = SessionFactory(status=PROPOSED, proposed_by=personas.owner, leads=[personas.owner])
    page = app.sign_in(personas.coordinator).get("/sessions/proposals/")
    form = form_for(page, "cpd_sessions:proposal_decline", pk=session.pk)
    form["reason"] = "We already have two sessions on this in the spring term."
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert f"{personas.owner.full_name} has been emailed your reason" in messages_on(done)
    session.refresh_from_db()
    assert session.status == "declined"
    assert session.cancel_reason == "We already have two sessions on this in the spring term."
    [sent] = [m for m in mail.outbox if m.subject.startswith("Not published")]
    assert sent.to == [personas.owner.email]
    assert "two sessions on this in the spring term" in sent.body
    assert "two sessions on this in the spring term" in sent.alternatives[0][0]


def test_a_declined_proposal_and_its_reason_stay_with_the_proposer(app, personas):
    """The reason is for the colleague who proposed it: a declined proposal was never
    published, so the audience it was meant for does not see it (it is not 'cancelled')."""
    session = SessionFactory(status=PROPOSED, proposed_by=personas.owner, leads=[personas.owner])
    proposals.proposal_decline(session=session, by=personas.coordinator, reason="Not-for-others")
    app.sign_in(personas.colleague).get(session.get_absolute_url(), status=404)
    assert "Not-for-others" not in app.get("/sessions/").text
    mine = app.sign_in(personas.owner).get(session.get_absolute_url())
    assert "This proposal was declined: Not-for-others" in text_of(mine)
    assert "Change details" not in text_of(mine)


def test_the_hub_lead_may_change_a_proposal_for_their_hub_before_publishing(app, personas, leads):
    hub, _ = leads
    session = SessionFactory(
        status=PROPOSED, proposed_by=personas.owner, leads=[personas.owner], scope="hub", hub=hub
    )
    queue = app.sign_in(personas.colleague).get("/sessions/proposals/")
    edit = queue.click(href=f"/sessions/{session.pk}/edit/", index=0)
    assert edit.status_code == 200
    app.sign_in(personas.other_hub_lead).get(f"/sessions/{session.pk}/edit/", status=404)


def test_declining_without_a_reason_says_so_and_changes_nothing(app, personas):
    session = SessionFactory(status=PROPOSED, proposed_by=personas.owner, leads=[personas.owner])
    page = app.sign_in(personas.coordinator).get("/sessions/proposals/")
    form = form_for(page, "cpd_sessions:proposal_decline", pk=session.pk)
    form["reason"] = "   "
    done = form.submit().follow()
    assert "is not declined" in messages_on(done)
    assert DevelopmentSession.objects.get(pk=session.pk).status == PROPOSED
    assert not Delivery.objects.filter(kind="proposal_declined").exists()


@pytest.mark.parametrize("who", ["owner", "outsider", "leader", "other_hub_lead"])
def test_someone_who_may_not_publish_it_is_refused_and_nothing_changes(app, personas, leads, who):
    hub, _ = leads
    session = SessionFactory(
        status=PROPOSED, scope="hub", hub=hub, proposed_by=personas.owner, leads=[personas.owner]
    )
    page = app.sign_in(personas.coordinator).get("/sessions/proposals/")
    publish = form_for(page, "cpd_sessions:proposal_publish", pk=session.pk)
    decline = form_for(page, "cpd_sessions:proposal_decline", pk=session.pk)
    decline["reason"] = "Not this time."
    app.sign_in(getattr(personas, who))
    refused = 404 if who == "other_hub_lead" else 403  # a lead sees only their own queue
    publish.submit(status=refused)
    decline.submit(status=refused)
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == (PROPOSED, "")
    assert not Delivery.objects.filter(kind="proposal_declined").exists()


def test_the_queue_is_refused_to_staff_who_publish_nothing(app, personas):
    response = app.sign_in(personas.owner).get("/sessions/proposals/", status=403)
    assert "wait for the coordinator" in response.text


def test_the_dashboard_links_to_the_queue_with_its_count(app, personas):
    SessionFactory.create_batch(2, status=PROPOSED, proposed_by=personas.owner)
    page = app.sign_in(personas.coordinator).get("/coordinator/")
    assert "2 proposed sessions waiting for you" in text_of(page)
    queue = page.click("Publish what colleagues propose")
    assert queue.request.path == "/sessions/proposals/"
    assert "2 proposals waiting" in text_of(queue)


def test_the_sessions_page_shows_a_network_lead_their_queue(app, personas, leads):
    _, network = leads
    SessionFactory(status=PROPOSED, scope="network", network=network)
    page = app.sign_in(personas.other_leader).get("/sessions/")
    queue = page.click("Proposed sessions")
    assert "1 proposal waiting" in text_of(queue)


@pytest.mark.parametrize("role", ["coordinator", "colleague"])
def test_the_queue_costs_the_same_with_one_proposal_and_with_many(
    client, personas, leads, count_queries, role
):
    hub, network = leads
    client.force_login(getattr(personas, role))

    def propose():
        proposer = UserFactory(school=personas.school)
        session = SessionFactory(
            status=PROPOSED, scope="hub", hub=hub, proposed_by=proposer, leads=[proposer]
        )
        session.areas.set(ExpertiseArea.objects.order_by("pk")[:2])

    propose()
    one = count_queries("/sessions/proposals/")
    for _ in range(6):
        propose()
    SessionFactory(status=PROPOSED, scope="network", network=network)
    SessionFactory(status=PROPOSED, scope="hub", hub=HubFactory())
    many = count_queries("/sessions/proposals/")
    assert one == many
    assert one <= 15
