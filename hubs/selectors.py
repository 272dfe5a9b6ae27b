"""Reads of the community's structure, with their joins decided once, here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from notifications.models import Delivery

from .models import Hub, Invitation, School, SchoolDomain, SubjectNetwork, Term, User
from .shared_cache import shared


def count_per_row(queryset: QuerySet, group_by: str, counted: str = "*") -> Coalesce:
    """
    A correlated COUNT for each outer row (``queryset`` filters on ``OuterRef``), which
    does not multiply rows the way two joined ``Count`` annotations would.
    """
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(group_by)
            .annotate(c=Count(counted, distinct=counted != "*"))
            .values("c")
        ),
        0,
    )


def staff_count() -> Coalesce:
    return count_per_row(User.objects.filter(school=OuterRef("pk"), is_active=True), "school")


def hubs_overview() -> QuerySet[Hub]:
    return Hub.objects.annotate(
        school_count=count_per_row(School.objects.filter(hub=OuterRef("pk")), "hub"),
        network_count=count_per_row(SubjectNetwork.objects.filter(hub=OuterRef("pk")), "hub"),
    ).prefetch_related(Prefetch("leaders", queryset=User.objects.select_related("school")))


def schools_with_counts(queryset: QuerySet[School] | None = None) -> QuerySet[School]:
    queryset = School.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("hub")
        .annotate(staff_count=staff_count())
        .prefetch_related(Prefetch("cpd_leaders", queryset=User.objects.order_by("last_name")))
    )


def networks_with_counts(
    queryset: QuerySet[SubjectNetwork] | None = None,
) -> QuerySet[SubjectNetwork]:
    queryset = SubjectNetwork.objects.all() if queryset is None else queryset
    # A subquery, not Count("members"): on `user.networks` the join is already filtered
    # to that user, and a joined Count would say "1 member".
    return queryset.select_related("subject", "hub").annotate(
        member_count=count_per_row(
            SubjectNetwork.members.through.objects.filter(subjectnetwork=OuterRef("pk")),
            "subjectnetwork",
        )
    )


def hub_detail(slug: str) -> Hub:
    return Hub.objects.prefetch_related(
        Prefetch("leaders", queryset=User.objects.select_related("school"))
    ).get(slug=slug)


def school_detail(urn: int) -> School:
    return (
        School.objects.select_related("hub")
        .prefetch_related(
            Prefetch("cpd_leaders", queryset=User.objects.order_by("last_name")), "domains"
        )
        .get(urn=urn)
    )


def school_role_counts(school: School) -> list[tuple[int, str]]:
    """How many active staff of each job role the school has on CPD Hub, in role order:
    [(1, "teacher"), (3, "support staff")]."""
    counts = dict(
        school.staff.filter(is_active=True)
        .order_by()
        .values_list("job_role")
        .annotate(n=Count("*"))
    )
    return [
        (n, label.lower() if n == 1 else User.JOB_ROLE_PLURALS[value])
        for value, label in User.JobRole.choices
        if (n := counts.get(value))
    ]


def school_staff(school: School) -> QuerySet[User]:
    """The staff list a CPD leader sees, with whether each person has verified their address."""

    return school.staff.filter(is_active=True).annotate(
        verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
    )


def _bounced() -> Exists:
    """
    The invitation's email is on the ledger as failed: the mail server refused the address, or
    sending failed on every try (the ledger has no separate bounce state: a failed delivery is
    what we call bounced). A resend makes a new invitation, with its own ledger row.
    """
    return Exists(
        Delivery.objects.filter(
            kind="invitation",
            key=Concat(Value("invitation:"), Cast(OuterRef("pk"), CharField())),
            status=Delivery.Status.FAILED,
        )
    )


def open_invitations(school: School) -> QuerySet[Invitation]:
    """Waiting for an answer, and not bounced (those are listed on their own)."""
    return (
        school.invitations.open()
        .alias(bounced=_bounced())
        .filter(bounced=False)
        .select_related("invited_by")
    )


def network_detail(slug: str, user: User | None = None) -> SubjectNetwork:
    """The network with its leads, and ``is_member`` for ``user`` (members: network_members)."""
    return (
        SubjectNetwork.objects.select_related("subject", "hub")
        .prefetch_related(Prefetch("leads", queryset=User.objects.select_related("school")))
        .annotate(
            is_member=Exists(
                SubjectNetwork.members.through.objects.filter(
                    subjectnetwork=OuterRef("pk"), user_id=user.pk if user else None
                )
            )
        )
        .get(slug=slug)
    )


def network_members(network: SubjectNetwork) -> QuerySet[User]:
    return network.members.select_related("school").order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class TermPosition:
    term: Term
    week: int
    weeks: int
    days_left: int


@shared("terms", depends_on=(Term,))
def all_terms() -> list[Term]:
    """Every term, by date: a few a year, the same for everyone, cached (hubs/shared_cache.py)."""
    return list(Term.objects.order_by("start"))


def current_term(today: datetime.date | None = None) -> Term | None:
    today = today or timezone.localdate()
    return next((t for t in all_terms() if t.start <= today <= t.end), None)


def next_term(today: datetime.date | None = None) -> Term | None:
    today = today or timezone.localdate()
    return next((t for t in all_terms() if t.start > today), None)


def term_starts(today: datetime.date | None = None) -> list[datetime.date]:
    """The starts of the terms begun by ``today``, latest first."""
    today = today or timezone.localdate()
    return [t.start for t in reversed(all_terms()) if t.start <= today]


@shared("community-counts", depends_on=(School, Hub, SubjectNetwork, User))
def community_counts() -> dict[str, int]:
    return {
        "schools": School.objects.count(),
        "hubs": Hub.objects.count(),
        "networks": SubjectNetwork.objects.count(),
        "staff": User.objects.filter(is_active=True, school__isnull=False).count(),
    }


def term_position(today: datetime.date | None = None) -> TermPosition | None:
    today = today or timezone.localdate()
    term = current_term(today)
    if term is None:
        return None
    return TermPosition(
        term=term, week=term.week_of(today), weeks=term.weeks, days_left=(term.end - today).days
    )


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
        suggested = list(
            networks_with_counts(
                SubjectNetwork.objects.filter(
                    nearby, subject__in=user.subjects.values("pk")
                ).exclude(pk__in=[n.pk for n in my_networks])
            )[:4]
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
        suggested_networks=suggested,
        has_subjects=has_subjects,
        school_leaders=leaders,
        term=term_position(today),
        next_term=next_term(today),
        community=community_counts(),
        led_schools=led,
    )


@dataclass(frozen=True)
class SetupChecks:
    schools_without_leader: list[School]
    networks_without_lead: list[SubjectNetwork]
    hubs_without_leader: list[Hub]
    schools_without_domain: list[School]
    current_term: Term | None
    next_term: Term | None


def coordinator_overview() -> tuple[list[School], SetupChecks]:
    """Participation per school and what still needs setting up in the community."""

    schools = list(
        schools_with_counts()
        .annotate(
            verified_count=count_per_row(
                EmailAddress.objects.filter(
                    user__school=OuterRef("pk"), user__is_active=True, verified=True, primary=True
                ),
                "user__school",
            ),
            network_member_count=count_per_row(
                SubjectNetwork.members.through.objects.filter(user__school=OuterRef("pk")),
                "user__school",
                counted="user",
            ),
            has_domain=Exists(SchoolDomain.objects.filter(school=OuterRef("pk"))),
        )
        .order_by("hub__name", "name")
    )
    today = timezone.localdate()
    checks = SetupChecks(
        schools_without_leader=[s for s in schools if not s.cpd_leaders.all()],
        networks_without_lead=list(
            SubjectNetwork.objects.filter(leads__isnull=True).order_by("name")
        ),
        hubs_without_leader=list(Hub.objects.filter(leaders__isnull=True).order_by("name")),
        schools_without_domain=[s for s in schools if not s.has_domain],
        current_term=Term.objects.current(today),
        next_term=Term.objects.upcoming(today).first(),
    )
    return schools, checks


def closed_invitations(school: School, *, limit: int = 50) -> dict[str, list[Invitation]]:
    """
    The school's invitations that are no longer waiting: joined, expired unanswered, and
    bounced (still unanswered, their email failed on the ledger; with the ledger's error).
    """
    now = timezone.now()
    base = school.invitations.select_related("invited_by").order_by("-created_at")
    unanswered = base.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    error = Delivery.objects.filter(
        kind="invitation",
        key=Concat(Value("invitation:"), Cast(OuterRef("pk"), CharField())),
        status=Delivery.Status.FAILED,
    ).values("last_error")[:1]
    return {
        "joined": list(base.filter(accepted_at__isnull=False)[:limit]),
        "expired": list(
            unanswered.alias(bounced=_bounced()).filter(bounced=False, expires_at__lte=now)[:limit]
        ),
        "bounced": list(
            unanswered.alias(bounced=_bounced())
            .filter(bounced=True)
            .annotate(bounce_error=Subquery(error))[:limit]
        ),
    }
