"""
The termly digest for one person: what is new for them in the directory and the programme.
Built a batch of people at a time: about twenty queries a batch, whatever its size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.utils import timezone

from cpd_sessions import listing, suitability
from enquiry import news as enquiry_news
from experts import selectors as expert_selectors
from hubs.backends import users_for_requests
from hubs.models import Hub, SubjectNetwork, Term, User
from notifications.rendering import absolute_url
from portfolios import selectors as portfolio_selectors
from portfolios.models import Goal

from .planning import term_slug

EXPERTS = 6
SESSIONS = 5
RECORDINGS = 4
ENQUIRY_GROUPS = 10


def term_for_key(key: str) -> Term | None:
    """The term of ``digest:<slug>`` (or of a ``test:<person>:…`` preview: the current term).
    Read afresh for every batch: one small query, and never a term from before an edit."""
    term = None
    if key.startswith("digest:"):
        slug = key.split(":", 1)[1]
        term = next((t for t in Term.objects.all() if term_slug(t) == slug), None)
    if term is None:
        term = Term.objects.current() or Term.objects.filter(start__lte=timezone.localdate()).last()
    return term


def since_for(term: Term | None) -> datetime.datetime:
    """News counts from the start of the term before (or 120 days back without term dates)."""
    if term is not None:
        before = Term.objects.filter(start__lt=term.start).order_by("-start").first()
        day = before.start if before else term.start - datetime.timedelta(days=120)
    else:
        day = timezone.localdate() - datetime.timedelta(days=120)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class _Person:
    """What the digest needs to know of one recipient, read for a whole batch at once."""

    user: User
    hub_id: int | None = None
    phases: set[int] = field(default_factory=set)
    subjects: set[int] = field(default_factory=set)
    networks: set[int] = field(default_factory=set)
    led_networks: set[int] = field(default_factory=set)
    led_hubs: set[int] = field(default_factory=set)
    goals: list[Goal] = field(default_factory=list)
    areas: set[int] = field(default_factory=set)  # of active goals and open needs
    private_booked: set[int] = field(default_factory=set)  # private sessions booked (any state)


def _people(user_ids: list[int]) -> dict[int, _Person]:
    users = users_for_requests().filter(pk__in=user_ids)
    people = {u.pk: _Person(user=u, hub_id=u.school.hub_id if u.school else None) for u in users}
    rows = [
        (User.phases.through.objects, "phase_id", "phases"),
        (User.subjects.through.objects, "subject_id", "subjects"),
        (SubjectNetwork.members.through.objects, "subjectnetwork_id", "networks"),
        (SubjectNetwork.leads.through.objects, "subjectnetwork_id", "led_networks"),
        (Hub.leaders.through.objects, "hub_id", "led_hubs"),
    ]
    for manager, column, attribute in rows:
        for user_id, value in manager.filter(user_id__in=people).values_list("user_id", column):
            getattr(people[user_id], attribute).add(value)
    for goal in portfolio_selectors.own_active_goals(list(people)):
        person = people[goal.owner_id]
        person.areas |= {area.pk for area in goal.areas.all()}
        if len(person.goals) < 10:
            person.goals.append(goal)
    for owner_id, area_id in portfolio_selectors.open_need_areas(list(people)):
        if area_id:
            people[owner_id].areas.add(area_id)
    for user_id, booked in listing.private_sessions_booked_by(list(people)).items():
        people[user_id].private_booked = booked
    return people


def _may_see(person: _Person, session) -> bool:
    """May this person see this session (already in memory)? The rule is cpd_sessions'."""
    return listing.visible_in_memory(
        session,
        user=person.user,
        hub_id=person.hub_id,
        network_ids=person.networks,
        led_hub_ids=person.led_hubs,
        led_network_ids=person.led_networks,
        private_booked_ids=person.private_booked,
    )


def _audience_of(person: _Person) -> suitability.Person:
    """The person as the sessions list's "suits me" reads them (cpd_sessions.suitability)."""
    return suitability.Person(
        job_role=person.user.job_role,
        phases=frozenset(person.phases),
        subjects=frozenset(person.subjects),
        areas=frozenset(person.areas),
    )


def build_many(user_ids: list[int], term: Term | None) -> dict[int, dict]:
    """
    Each person's digest, for a batch of people in a fixed number of queries (about twenty
    for the batch, whatever its size): their goals, areas and networks, the newest experts
    of their hubs and areas, the community's upcoming sessions and recordings, what changed
    in their enquiry groups. Then each person's selection is made in memory.
    """
    since = since_for(term)
    people = _people(user_ids)
    hubs = {p.hub_id for p in people.values() if p.hub_id}
    areas = set().union(*(p.areas for p in people.values())) if people else set()
    # EXPERTS + 1 of each hub and area, so a person's own profile can be left out.
    experts = expert_selectors.newest_near(
        since, hub_ids=hubs, area_ids=areas, per_group=EXPERTS + 1
    )
    upcoming, recordings = listing.upcoming_and_recorded(since)
    # What each person has booked or waits for is never suggested to them again (one query).
    taken = listing.sessions_taken_by(list(people))
    # Each person's enquiry groups in which something changed (one query; counts, no words).
    groups = enquiry_news.groups_news(list(people), since)
    # Each expert and recording is a link in the email (to the profile, to the session page
    # that holds the recording link), written once per object for the whole batch.
    for profile in experts:
        profile.digest_url = absolute_url(profile.get_absolute_url())
    for session in recordings:
        session.digest_url = absolute_url(session.get_absolute_url())
    links = {
        "directory_url": absolute_url("/experts/"),
        "print_url": absolute_url("/experts/print/"),
        "sessions_url": absolute_url("/sessions/"),
        "recordings_url": absolute_url("/sessions/recordings/"),
        "portfolio_url": absolute_url("/portfolio/"),
        "site_url": absolute_url("/"),
    }
    # Each upcoming session's leads and audience read once for the batch: asked per person they
    # made a related manager per session per person, which grew with the community.
    lead_ids = {s.pk: {lead.pk for lead in s.leads.all()} for s in upcoming}
    audiences = {s.pk: suitability.audience_in_memory(s) for s in upcoming}
    contexts = {}
    for pk, person in people.items():
        near = [
            p
            for p in experts
            if p.user_id != pk
            and (
                (person.hub_id and p.user.school and p.user.school.hub_id == person.hub_id)
                or person.areas & getattr(p, "digest_areas", set())
            )
        ]
        near.sort(key=lambda p: (-p.created_at.timestamp(), p.pk))
        mine = taken.get(pk, set())
        audience = _audience_of(person)
        sessions = [
            s
            for s in upcoming
            if s.pk not in mine
            and pk not in lead_ids[s.pk]
            and _may_see(person, s)
            and suitability.suits(audiences[s.pk], audience)
        ]
        contexts[pk] = {
            "person": person.user,
            "term": term,
            "experts": [{"profile": p, "is_new": p.created_at >= since} for p in near[:EXPERTS]],
            "sessions": [(s, absolute_url(s.get_absolute_url())) for s in sessions[:SESSIONS]],
            "recordings": [s for s in recordings if _may_see(person, s)][:RECORDINGS],
            "goals": person.goals,
            "enquiry_groups": [
                (item, absolute_url(item.url)) for item in groups.get(pk, [])[:ENQUIRY_GROUPS]
            ],
            **links,
        }
    return contexts


def build(person: User, term: Term | None) -> dict:
    return build_many([person.pk], term)[person.pk]


PRIVATE_GOAL = "An open goal (its title is private to its owner)"
PRIVATE_GROUP = "One of their enquiry groups (its question is for its members)"


def context_for(recipient: User, key: str) -> dict | None:
    """
    The builder the ledger calls. A ``test:<person id>:…`` key previews someone else's digest
    for ``recipient`` (the coordinator): their goals are counted, not named, as a goal's title
    is private to its owner, and their enquiry groups are not named (a group's question is for
    its members).
    """
    person = recipient
    if key.startswith("test:"):
        person = User.objects.filter(pk=int(key.split(":")[1])).first() or recipient
    context = build(person, term_for_key(key))
    if person.pk != recipient.pk:
        context["goals"] = [SimpleNamespace(title=PRIVATE_GOAL) for _ in context["goals"]]
        context["enquiry_groups"] = [
            (replace(item, question=PRIVATE_GROUP), absolute_url("/enquiries/"))
            for item, _url in context["enquiry_groups"]
        ]
    return context


def contexts_for(recipients: list[User], key: str) -> dict[int, dict]:
    """The batch builder the ledger calls for a batch of digests."""
    return build_many([r.pk for r in recipients], term_for_key(key))
