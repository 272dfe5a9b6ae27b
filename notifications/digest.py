"""
The termly digest for one person: what is new for them in the directory and the programme.
About eight queries a person, whatever the size of the community.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from cpdhub.mail import absolute_url
from experts.models import ExpertProfile
from hubs.models import Term, User
from portfolios.models import Goal, Need

from .planning import term_slug

EXPERTS = 6
SESSIONS = 5
RECORDINGS = 4
_terms: dict[str, Term | None] = {}


def term_for_key(key: str) -> Term | None:
    """The term of ``digest:<slug>`` (or of a ``test:<person>:…`` preview: the current term)."""
    if key in _terms:
        return _terms[key]
    term = None
    if key.startswith("digest:"):
        slug = key.split(":", 1)[1]
        term = next((t for t in Term.objects.all() if term_slug(t) == slug), None)
    if term is None:
        term = Term.objects.current() or Term.objects.filter(start__lte=timezone.localdate()).last()
    if key.startswith("digest:"):
        _terms[key] = term
    return term


def since_for(term: Term | None) -> datetime.datetime:
    """News counts from the start of the term before (or 120 days back without term dates)."""
    if term is not None:
        before = Term.objects.filter(start__lt=term.start).order_by("-start").first()
        day = before.start if before else term.start - datetime.timedelta(days=120)
    else:
        day = timezone.localdate() - datetime.timedelta(days=120)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def build(person: User, term: Term | None) -> dict:
    since = since_for(term)
    goals = list(
        Goal.objects.filter(owner=person, status=Goal.Status.ACTIVE).order_by("-created_at")[:10]
    )
    goal_areas = Goal.areas.through.objects.filter(
        goal__owner=person, goal__status=Goal.Status.ACTIVE
    ).values("expertisearea_id")
    need_areas = Need.objects.filter(owner=person, status=Need.Status.OPEN).values("area_id")
    hub_id = person.school.hub_id if person.school_id and person.school else None

    nearby = Q(offers__area_id__in=goal_areas) | Q(offers__area_id__in=need_areas)
    if hub_id:
        nearby |= Q(user__school__hub_id=hub_id)
    profiles = (
        ExpertProfile.objects.visible()
        .filter(nearby)
        .filter(Q(created_at__gte=since) | Q(last_confirmed_at__gte=since))
        .exclude(user=person)
        .select_related("user__school")
        .distinct()
        .order_by("-created_at", "pk")[:EXPERTS]
    )
    experts = [{"profile": p, "is_new": p.created_at >= since} for p in profiles]

    suits = (
        Q(phases__in=person.phases.all())
        | Q(subjects__in=person.subjects.all())
        | Q(areas__in=goal_areas)
        | Q(areas__in=need_areas)
    )
    sessions = list(
        DevelopmentSession.objects.visible_to(person)
        .upcoming()
        .filter(suits)
        .distinct()
        .order_by("start", "pk")[:SESSIONS]
    )
    recordings = list(
        DevelopmentSession.objects.visible_to(person)
        .exclude(recording_url="")
        .exclude(status=DevelopmentSession.Status.CANCELLED)
        .filter(start__gte=since)
        .order_by("-start", "pk")[:RECORDINGS]
    )
    return {
        "person": person,
        "term": term,
        "experts": experts,
        "sessions": [(s, absolute_url(s.get_absolute_url())) for s in sessions],
        "recordings": recordings,
        "goals": goals,
        "directory_url": absolute_url("/experts/"),
        "print_url": absolute_url("/experts/print/"),
        "sessions_url": absolute_url("/sessions/"),
        "recordings_url": absolute_url("/sessions/recordings/"),
        "portfolio_url": absolute_url("/portfolio/"),
        "site_url": absolute_url("/"),
    }


def context_for(recipient: User, key: str) -> dict | None:
    """The builder the ledger calls. A ``test:<person id>:…`` key previews someone else's."""
    person = recipient
    if key.startswith("test:"):
        person = User.objects.filter(pk=int(key.split(":")[1])).first() or recipient
    person = User.objects.select_related("school").get(pk=person.pk)
    return build(person, term_for_key(key))
