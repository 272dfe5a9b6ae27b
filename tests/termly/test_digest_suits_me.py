"""The digest's "Upcoming sessions that suit you" and the sessions list's "Suits me" are one
rule (cpd_sessions.suitability): for the same person they name the same sessions, less those the
digest never suggests again (booked, waited for or led)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cpd_sessions.listing import sessions_taken_by
from experts.models import ExpertiseArea
from hubs.models import Phase, Subject, User
from termly import digest
from tests.cpd_sessions.factories import SessionFactory
from tests.portfolios.factories import NeedFactory

pytestmark = pytest.mark.django_db


def suits_me_titles(client, person) -> set[str]:
    client.force_login(person)
    page = client.get(reverse("cpd_sessions:list"), {"suits_me": "on"}).context["page"]
    taken = sessions_taken_by([person.pk]).get(person.pk, set())
    return {
        s.title
        for s in page.object_list
        if s.pk not in taken and not any(lead.pk == person.pk for lead in s.leads.all())
    }


def digest_titles(person, term) -> set[str]:
    return {session.title for session, _ in digest.build(person, term)["sessions"]}


def test_the_demo_teachers_digest_and_suits_me_name_the_same_sessions(client):
    call_command("seed_demo")
    teacher = User.objects.get(email="teacher@demo.test")
    term = digest.term_for_key("digest:now")
    listed = suits_me_titles(client, teacher)
    assert listed, "the demo teacher has sessions that suit him"
    suggested = digest_titles(teacher, term)
    assert suggested <= listed
    assert len(suggested) == min(len(listed), digest.SESSIONS)


def test_digest_and_suits_me_agree_on_every_kind_of_audience(client, personas, digest_term):
    owner = personas.owner
    primary, other_phase = Phase.objects.all()[:2]
    subject, other_subject = Subject.objects.all()[:2]
    owner.phases.add(primary)
    owner.subjects.add(subject)
    NeedFactory(owner=owner, area=ExpertiseArea.objects.get(slug="questioning"))
    SessionFactory(title="Names no one")
    SessionFactory(title="My phase").phases.add(primary)
    SessionFactory(title="Another phase").phases.add(other_phase)
    SessionFactory(title="My subject").subjects.add(subject)
    SessionFactory(title="Another subject").subjects.add(other_subject)
    SessionFactory(title="For my role", job_roles=[owner.job_role])
    SessionFactory(title="For governors only", job_roles=["governor"])
    SessionFactory(title="My need's area").areas.add(ExpertiseArea.objects.get(slug="questioning"))
    SessionFactory(title="Another area").areas.add(ExpertiseArea.objects.get(slug="feedback"))
    both = SessionFactory(title="My phase, another subject")
    both.phases.add(primary)
    both.subjects.add(other_subject)
    listed = suits_me_titles(client, owner)
    assert listed == {"Names no one", "My phase", "My subject", "For my role", "My need's area"}
    assert digest_titles(owner, digest_term) == listed
