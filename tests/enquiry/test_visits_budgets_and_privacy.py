"""
Peer visits: /visits/, a visit's page and the coordinator's figures cost at most 12 queries
each, the same with one visit as with many. And, as a property: whatever visits are asked,
accepted or declined, noted (shared or not) and thanked, the visitor's notes reach nobody but
the visitor (and the host, once shared), their thanks nobody but the visitor and the host; the
CPD leaders of both schools and the coordinator see counts, never those words, on any page they
can open (the visits, the release queue, the figures) nor in their download.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enquiry import visits
from privacy.collect import personal_data
from tests.cpd_sessions.factories import book, release_data
from tests.factories import UserFactory

from .visit_factories import accept, ask, made, visit_day

pytestmark = pytest.mark.django_db

BUDGET = 12


def add(personas, n: int) -> None:
    for _ in range(n):
        made(personas)
        ask(personas)  # waiting
        back = visits.visit_ask(
            by=UserFactory(school=personas.school),
            host_school=personas.other_school,
            focus="Phonics",
            dates="May",
            why="To see it",
        )
        visits.visit_accept(
            visit=back,
            by=personas.other_leader,
            host=personas.outsider,
            date=visit_day(),
            start_time=datetime.time(13, 0),
            end_time=datetime.time(15, 0),
        )


def test_visit_pages_fit_the_budget_with_one_row_and_with_many(client, personas, count_queries):
    add(personas, 1)
    first = visits.visits_for(personas.outsider).order_by("pk").first()
    who_sees = {
        personas.outsider: ["/visits/", first.get_absolute_url()],
        personas.leader: ["/visits/", first.get_absolute_url()],
        personas.colleague: ["/visits/", first.get_absolute_url()],
        personas.coordinator: [reverse("enquiry_figures:community")],
    }

    def counts():
        found = {}
        for person, urls in who_sees.items():
            client.force_login(person)
            found |= {(person.pk, url): count_queries(url) for url in urls}
        return found

    one = counts()
    add(personas, 6)
    many = counts()
    assert many == one
    assert max(many.values()) <= BUDGET


WORDS = st.sampled_from(["Zebra", "Quokka", "Narwhal", "Axolotl", "Pangolin"])
VISIT = st.fixed_dictionaries(
    {
        "outcome": st.sampled_from(["asked", "declined", "accepted"]),
        "notes": WORDS,
        "shared": st.booleans(),
        "thank": st.booleans(),
        "booked": st.booleans(),
    }
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(VISIT, min_size=1, max_size=3))
def test_leaders_see_counts_never_the_visitors_words(personas, plan):
    with transaction.atomic():
        secrets, thanks, shared = set(), set(), set()
        for i, step in enumerate(plan):
            visit = ask(personas)
            if step["outcome"] == "declined":
                visits.visit_decline(visit=visit, by=personas.leader)
            if step["outcome"] != "accepted":
                continue
            visit = accept(visit, personas)
            note = f"Secret note {step['notes']} {i}"
            visits.visit_notes_save(
                visit=visit, by=personas.outsider, notes=note, shared=step["shared"]
            )
            (shared if step["shared"] else secrets).add(note)
            if step["thank"]:
                word = f"Secret thanks {step['notes']} {i}"
                visits.visit_thank(visit=visit, by=personas.outsider, thanks=word)
                thanks.add(word)
            if step["booked"]:
                book(visit.session, personas.outsider, release=release_data())
        ids = list(visits.visits_for(personas.outsider).values_list("pk", flat=True))
        pages = ["/visits/", *[f"/visits/{pk}/" for pk in ids]]
        leaders = {
            personas.leader: pages,
            personas.other_leader: [*pages, "/sessions/approvals/"],
            personas.coordinator: [
                *pages,
                reverse("enquiry_figures:community"),
                "/sessions/approvals/",
            ],
            personas.owner: pages,
        }
        for person, urls in leaders.items():
            client = Client()
            client.force_login(person)
            seen = " ".join(client.get(url).content.decode() for url in urls)
            seen += str(personal_data(person))
            for word in secrets | shared | thanks:
                assert word not in seen, (person, word)
        host = Client()
        host.force_login(personas.colleague)
        seen = " ".join(host.get(url).content.decode() for url in pages)
        for word in secrets:
            assert word not in seen
        for word in shared | thanks:
            assert word in seen
        visitor = Client()
        visitor.force_login(personas.outsider)
        seen = " ".join(visitor.get(url).content.decode() for url in pages)
        for word in secrets | shared | thanks:
            assert word in seen
        transaction.set_rollback(True)
