"""
The signed-in person's dashboard: their networks and those suggested to them, their school's
CPD leaders, the schools they lead, the term and the community's counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from cpdhub.row_counts import count_per_row

from .models import Invitation, LoneRangerInvitation, School, SubjectNetwork, Term, User
from .networks import networks_with_counts
from .schools import staff_count
from .selectors import community_counts
from .term_dates import TermPosition, next_term, term_position


@dataclass(frozen=True)
class Dashboard:
    user: User
    networks: list[SubjectNetwork]
    suggested_networks: list[SubjectNetwork]
    has_subjects: bool | None
    school_leaders: list[User]
    term: TermPosition | None
    next_term: Term | None
    community: dict[str, int]
    led_schools: list[School]
    lone_ranger_invitations: list[SubjectNetwork]  # suggested networks I was invited to


def dashboard_for(user: User) -> Dashboard:
    """
    The dashboard of the signed-in person. ``user`` is request.user as hubs/backends.py loads
    it (school and hub, expert profile, roles, whether they teach any subject): nothing about
    them is read again. What is the same for everyone (the community's counts, the terms) comes
    from the cache.
    """
    my_networks = list(networks_with_counts(user.networks.all()))
    has_subjects = getattr(user, "has_subjects", None)
    if has_subjects is None:  # not loaded by the backend (a test, a shell)
        has_subjects = user.subjects.exists()
    suggested: list[SubjectNetwork] = []
    if has_subjects:
        nearby = Q(hub__isnull=True)
        if user.school and user.school.hub_id:
            nearby |= Q(hub_id=user.school.hub_id)
        # Networks the person was invited to as a lone ranger come first, with the invitation's
        # date (the dashboard's prompt), in this same query.
        invited = LoneRangerInvitation.objects.filter(user=user, network=OuterRef("pk"))
        # A network for a responsibility (SENCos, DSLs) is suggested only to someone invited to
        # it as the only one at their school; a subject's network to everyone who teaches it.
        suggested = list(
            networks_with_counts(
                SubjectNetwork.objects.filter(
                    nearby,
                    Q(subject__in=user.subjects.values("pk"), responsibility="")
                    | Q(pk__in=LoneRangerInvitation.objects.filter(user=user).values("network")),
                ).exclude(pk__in=[n.pk for n in my_networks])
            )
            .annotate(invited_at=Subquery(invited.values("invited_at")[:1]))
            .order_by(F("invited_at").desc(nulls_last=True), "name")[:4]
        )
    leaders = list(user.school.cpd_leaders.order_by("last_name")) if user.school else []
    today = timezone.localdate()
    led = []
    if getattr(user, "leads_a_school", True):
        led = list(
            School.objects.filter(cpd_leaders=user)
            .annotate(
                staff_count=staff_count(),
                open_invitations=count_per_row(
                    Invitation.objects.filter(
                        school=OuterRef("pk"),
                        accepted_at__isnull=True,
                        revoked_at__isnull=True,
                        expires_at__gt=timezone.now(),
                    ),
                    "school",
                ),
            )
            .order_by("name")
        )
    return Dashboard(
        user=user,
        networks=my_networks,
        suggested_networks=[n for n in suggested if not n.invited_at],
        has_subjects=has_subjects,
        school_leaders=leaders,
        term=term_position(today),
        next_term=next_term(today),
        community=community_counts(),
        led_schools=led,
        lone_ranger_invitations=[n for n in suggested if n.invited_at],
    )
