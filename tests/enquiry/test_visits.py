"""
Peer visits (enquiry/visits.py): asked, emailed to the host school's CPD leaders (through the
ledger), answered by one of them (accepted with a host and a day, which makes a private session;
or declined), the answer emailed to the visitor; the visitor's notes private unless shared; the
thank-you counting as help on the host's profile once; every write refused to those it is not
for, with nothing changed; export and erasure.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpd_sessions.models import DevelopmentSession
from enquiry import visits
from enquiry.models import PeerVisit
from experts.models import ExpertProfile
from hubs.services import user_delete
from privacy.collect import personal_data
from tests.experts.factories import ExpertProfileFactory

from .visit_factories import (
    SECRET_THANKS,
    SECRET_VISIT_NOTES,
    SECRET_WHY,
    accept,
    ask,
    made,
    visit_day,
)

pytestmark = pytest.mark.django_db


def test_a_request_is_emailed_to_the_host_schools_leaders_and_the_answer_to_the_visitor(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = ask(personas)
    (mail,) = mailoutbox
    assert mail.to == [personas.leader.email]
    assert mail.reply_to == [personas.outsider.email]
    for body in (mail.body, mail.alternatives[0][0]):
        assert "Questioning in Year 9 maths" in body
        assert visit.get_absolute_url() in body
    assert (visit.visitor_school, visit.status) == (personas.other_school, "asked")

    with django_capture_on_commit_callbacks(execute=True):
        accept(visit, personas)
    answer = mailoutbox[-1]
    assert answer.to == [personas.outsider.email]
    assert "accepted" in answer.subject
    visit.refresh_from_db()
    for body in (answer.body, answer.alternatives[0][0]):
        assert "Amelia Hughes" in body  # the host
        assert visit.session.get_absolute_url() in body
    assert answer.reply_to == [personas.colleague.email]


def test_accepting_makes_a_private_session_at_the_host_school_for_the_visitor(personas):
    visit = accept(ask(personas), personas)
    session = visit.session
    assert session.title == "Visit to Ashgrove Primary School"
    assert session.kind == DevelopmentSession.Kind.PEER_VISIT
    assert session.scope == DevelopmentSession.Scope.PRIVATE
    assert (session.venue_school, session.capacity, session.proposed_by) == (
        personas.school,
        1,
        personas.outsider,
    )
    assert SECRET_WHY not in (session.description or "")
    assert (visit.host, visit.decided_by) == (personas.colleague, personas.leader)


def test_a_decline_is_emailed_and_makes_no_session(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    visit = ask(personas)
    with django_capture_on_commit_callbacks(execute=True):
        visits.visit_decline(visit=visit, by=personas.leader)
    assert mailoutbox[-1].to == [personas.outsider.email]
    assert "declined" in mailoutbox[-1].subject
    assert not DevelopmentSession.objects.exists()
    with pytest.raises(PermissionDenied):  # once
        accept(visit, personas)


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider", "other_leader", "coordinator"])
def test_only_a_leader_of_the_host_school_answers(personas, who):
    visit = ask(personas)
    with pytest.raises(PermissionDenied):
        visits.visit_accept(
            visit=visit,
            by=getattr(personas, who),
            host=personas.colleague,
            date=visit.created_at.date(),
            start_time=visit.created_at.time(),
            end_time=visit.created_at.time(),
        )
    with pytest.raises(PermissionDenied):
        visits.visit_decline(visit=visit, by=getattr(personas, who))
    visit.refresh_from_db()
    assert visit.status == "asked"
    assert not DevelopmentSession.objects.exists()


def test_the_host_must_be_staff_of_the_host_school_and_times_in_order(personas):
    visit = ask(personas)
    with pytest.raises(ValidationError) as refused:
        accept(visit, personas, host=personas.outsider)
    assert "host" in refused.value.error_dict
    with pytest.raises(PermissionDenied):  # nobody visits their own school
        ask(personas, by=personas.owner)
    visit.refresh_from_db()
    assert visit.status == "asked"
    assert not DevelopmentSession.objects.exists()


def test_a_thank_you_counts_on_the_hosts_profile_once(personas):
    profile = ExpertProfileFactory(user=personas.colleague)
    visit = accept(ask(personas), personas)
    visits.visit_thank(visit=visit, by=personas.outsider, thanks=SECRET_THANKS)
    visits.visit_thank(visit=visit, by=personas.outsider, thanks="Thanks again")
    assert ExpertProfile.objects.get(pk=profile.pk).helped_count == 1
    visit.refresh_from_db()
    assert visit.thanks == "Thanks again"
    with pytest.raises(PermissionDenied):  # only the visitor thanks
        visits.visit_thank(visit=visit, by=personas.colleague, thanks="Me too")
    assert ExpertProfile.objects.get(pk=profile.pk).helped_count == 1


def test_a_host_without_a_profile_is_thanked_and_nothing_else_counts(personas):
    other = ExpertProfileFactory(user=personas.owner)
    visits.visit_thank(
        visit=accept(ask(personas), personas), by=personas.outsider, thanks=SECRET_THANKS
    )
    assert ExpertProfile.objects.get(pk=other.pk).helped_count == 0


def test_no_notes_or_thanks_before_acceptance(personas):
    visit = ask(personas)
    with pytest.raises(PermissionDenied):
        visits.visit_notes_save(visit=visit, by=personas.outsider, notes="x", shared=False)
    with pytest.raises(PermissionDenied):
        visits.visit_thank(visit=visit, by=personas.outsider, thanks="x")


def test_notes_are_the_visitors_unless_shared_with_the_host(client, personas):
    visit = made(personas)
    url = visit.get_absolute_url()
    client.force_login(personas.outsider)
    assert SECRET_VISIT_NOTES in client.get(url).content.decode()
    for person in (personas.colleague, personas.leader):
        client.force_login(person)
        assert SECRET_VISIT_NOTES not in client.get(url).content.decode()
    visits.visit_notes_save(
        visit=visit, by=personas.outsider, notes=SECRET_VISIT_NOTES, shared=True
    )
    client.force_login(personas.colleague)
    assert SECRET_VISIT_NOTES in client.get(url).content.decode()
    client.force_login(personas.leader)
    assert SECRET_VISIT_NOTES not in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["owner", "other_leader", "coordinator"])
def test_anyone_else_gets_404_and_changes_nothing(client, personas, who):
    visit = ask(personas)
    client.force_login(getattr(personas, who))
    assert client.get(visit.get_absolute_url()).status_code == 404
    for name in ("accept", "decline", "notes", "thank"):
        url = reverse(f"visits:{name}", kwargs={"pk": visit.pk})
        assert client.post(url, {"notes": "x", "thanks": "x"}).status_code == 404
    visit.refresh_from_db()
    assert (visit.status, visit.notes, visit.thanks) == ("asked", "", "")


def test_the_download_has_the_visitors_words_for_the_visitor_only(personas):
    visit = made(personas)
    mine = personal_data(personas.outsider)["peer_visits"]["visits_you_asked_for"]
    assert [r["notes"] for r in mine] == [SECRET_VISIT_NOTES]
    hosted = personal_data(personas.colleague)["peer_visits"]["visits_you_hosted"]
    assert [r["id"] for r in hosted] == [visit.pk]
    answered = personal_data(personas.leader)["peer_visits"]["visits_you_answered"]
    assert [r["id"] for r in answered] == [visit.pk]
    for person in (personas.colleague, personas.leader):
        text = str(personal_data(person))
        for secret in (SECRET_VISIT_NOTES, SECRET_THANKS):
            assert secret not in text


def test_erasing_the_visitor_takes_their_words_and_keeps_the_counts(personas):
    visit = made(personas, notes="Notes about Owen Bell's day")
    user_delete(user=personas.outsider, by=personas.outsider)
    visit = PeerVisit.objects.get(pk=visit.pk)
    assert visit.visitor is None
    assert (visit.why, visit.notes, visit.thanks, visit.dates) == ("", "", "", "")
    assert visit.focus == "A visit (the visitor's account was deleted)"
    assert visit.visitor_school == personas.other_school
    assert visit.thanked_at is not None
    assert [r.school for r in visits.two_way()] == [
        "Ashgrove Primary School",
        "Thornbury High School",
    ]


def test_erasing_the_host_takes_their_name_out_of_the_focus(personas):
    visit = accept(ask(personas, focus="Amelia Hughes's questioning"), personas)
    user_delete(user=personas.colleague, by=personas.colleague)
    visit.refresh_from_db()
    assert visit.host is None
    assert "Hughes" not in visit.focus


def test_the_coordinator_sees_whether_visits_are_two_way(client, personas):
    accept(ask(personas), personas)  # Thornbury visits Ashgrove
    rows = {r.school: r for r in visits.two_way()}
    assert not rows["Ashgrove Primary School"].two_way
    assert rows["Ashgrove Primary School"].hosted == "fewer than 5 people"
    assert rows["Thornbury High School"].made == "fewer than 5 people"
    back = visits.visit_ask(
        by=personas.owner, host_school=personas.other_school, focus="Phonics", dates="May", why="."
    )
    visits.visit_accept(
        visit=back,
        by=personas.other_leader,
        host=personas.outsider,
        date=visit_day(),
        start_time=back.created_at.time().replace(hour=9, minute=0),
        end_time=back.created_at.time().replace(hour=10, minute=0),
    )
    assert all(r.two_way for r in visits.two_way())
    client.force_login(personas.coordinator)
    page = client.get(reverse("enquiry_figures:community")).content.decode()
    assert "Peer visits: are they two-way?" in page
    assert SECRET_WHY not in page
    assert "Questioning in Year 9" not in page
    client.force_login(personas.leader)
    assert (
        "two-way"
        not in client.get(
            reverse("enquiry_figures:school", kwargs={"urn": personas.school.urn})
        ).content.decode()
    )
