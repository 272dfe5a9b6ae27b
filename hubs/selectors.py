"""Reads of the community's structure, with their joins decided once, here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, Least
from django.utils import timezone

from cpdhub.shared_cache import shared
from notifications.models import Delivery

from .models import (
    Community,
    Hub,
    Invitation,
    LoneRangerInvitation,
    School,
    SubjectNetwork,
    Term,
    User,
    UserResponsibility,
)


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


def people_named(words: str, *, limit: int) -> list[User]:
    """
    Active people whose first or last name starts with each word of ``words`` (any order,
    any case): "sam whit", "Whitfield". At most ``limit + 1`` rows are read, so a caller can
    say there are more than ``limit``. No words, nobody.
    """
    terms = words.split()[:4]
    if not terms:
        return []
    query = Q()
    for term in terms:
        query &= Q(first_name__istartswith=term) | Q(last_name__istartswith=term)
    return list(
        User.objects.filter(query, is_active=True)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")[: limit + 1]
    )


# What pages say before ``setup_community`` has named the community: nobody's name.
UNNAMED_COMMUNITY = "CPD community"


@dataclass(frozen=True)
class CommunityDetails:
    name: str
    contact_email: str
    is_set_up: bool
    is_demo: bool = False


@shared("community", depends_on=(Community,))
def community_details() -> CommunityDetails:
    """The community's name and contact address, from its one row (cached: no query per page)."""
    row = Community.objects.filter(pk=1).values("name", "contact_email", "is_demo").first()
    if row is None:
        return CommunityDetails(name=UNNAMED_COMMUNITY, contact_email="", is_set_up=False)
    return CommunityDetails(
        name=row["name"] or UNNAMED_COMMUNITY,
        contact_email=row["contact_email"],
        is_set_up=True,
        is_demo=row["is_demo"],
    )


def community_context() -> dict[str, str]:
    """What templates (pages and emails) call the community and whom they say to ask."""
    details = community_details()
    return {"community_name": details.name, "coordinator_email": details.contact_email}


@shared("terms", depends_on=(Term,))
def all_terms() -> list[Term]:
    """Every term, by date: a few a year, the same for everyone, cached (cpdhub/shared_cache.py)."""
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


# --- Lone rangers -------------------------------------------------------------------------------

# The job roles a school usually has one or two of: being the only one is worth knowing about.
# (Teachers are counted by subject instead; governors and "other" are not staff roles.)
LONE_RANGER_ROLES = (
    User.JobRole.TA,
    User.JobRole.HLTA,
    User.JobRole.MIDDLE_LEADER,
    User.JobRole.SENIOR_LEADER,
    User.JobRole.SUPPORT_STAFF,
)

UserSubject = User.subjects.through


def _lone_subject_rows(hub_ids: list[int] | None = None) -> QuerySet:
    """
    The (person, subject) rows of lone rangers by subject, in one statement: active staff's
    subjects GROUP BY school, subject HAVING COUNT(*) = 1, the one row of each group kept.
    ``hub_ids``: only those hubs' schools (inside the grouping: the same groups, fewer of them).
    """
    staff = UserSubject.objects.filter(user__is_active=True, user__school__isnull=False)
    if hub_ids is not None:
        staff = staff.filter(user__school__hub_id__in=hub_ids)
    alone = (
        staff.values("user__school", "subject")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return UserSubject.objects.filter(pk__in=alone)


def _matching_network() -> Subquery:
    """The subject network for the row's subject: the person's hub's own first, else one for
    the whole community (alphabetical among equals)."""
    return Subquery(
        SubjectNetwork.objects.filter(
            Q(hub_id=OuterRef("user__school__hub_id")) | Q(hub__isnull=True),
            subject_id=OuterRef("subject_id"),
            responsibility="",
        )
        .order_by(F("hub_id").asc(nulls_last=True), "name")
        .values("pk")[:1]
    )


def lone_rangers_by_subject(hub_ids: list[int] | None = None) -> QuerySet:
    """
    Lone rangers by subject (rows of User.subjects' table), each with ``network_pk`` (the
    matching network, or None), ``invited_at`` (when invited to it) and ``joined`` (a member of
    a network for the subject now). ``hub_ids``: only those hubs' schools.
    """
    return _lone_subject_rows(hub_ids).annotate(
        network_pk=_matching_network(),
        invited_at=Subquery(
            LoneRangerInvitation.objects.filter(
                user_id=OuterRef("user_id"), subject_id=OuterRef("subject_id")
            )
            .order_by("invited_at")
            .values("invited_at")[:1]
        ),
        joined=Exists(
            SubjectNetwork.members.through.objects.filter(
                user_id=OuterRef("user_id"), subjectnetwork__subject_id=OuterRef("subject_id")
            )
        ),
    )


def _lone_responsibility_rows(hub_ids: list[int] | None = None) -> QuerySet:
    """
    The (person, responsibility) rows of lone rangers by responsibility, by the same rule as
    subjects: active staff's responsibilities GROUP BY school, responsibility HAVING COUNT(*) = 1.
    """
    staff = UserResponsibility.objects.filter(user__is_active=True, user__school__isnull=False)
    if hub_ids is not None:
        staff = staff.filter(user__school__hub_id__in=hub_ids)
    alone = (
        staff.values("user__school", "responsibility")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return UserResponsibility.objects.filter(pk__in=alone)


def _responsibility_network(field: str = "pk") -> Subquery:
    """The network for the row's responsibility: the person's hub's own first, else one for the
    whole community (alphabetical among equals)."""
    return Subquery(
        SubjectNetwork.objects.filter(
            Q(hub_id=OuterRef("user__school__hub_id")) | Q(hub__isnull=True),
            responsibility=OuterRef("responsibility"),
        )
        .order_by(F("hub_id").asc(nulls_last=True), "name")
        .values(field)[:1]
    )


def lone_rangers_by_responsibility(hub_ids: list[int] | None = None) -> QuerySet:
    """
    Lone rangers by responsibility (rows of UserResponsibility), each with ``network_pk`` (the
    network for that responsibility, or None), ``invited_at`` and ``joined`` (a member of a
    network for the responsibility now). ``hub_ids``: only those hubs' schools.
    """
    return _lone_responsibility_rows(hub_ids).annotate(
        network_pk=_responsibility_network(),
        network_subject=_responsibility_network("subject_id"),
        invited_at=Subquery(
            LoneRangerInvitation.objects.filter(
                user_id=OuterRef("user_id"),
                network__responsibility=OuterRef("responsibility"),
            )
            .order_by("invited_at")
            .values("invited_at")[:1]
        ),
        joined=Exists(
            SubjectNetwork.members.through.objects.filter(
                user_id=OuterRef("user_id"),
                subjectnetwork__responsibility=OuterRef("responsibility"),
            )
        ),
    )


def _not_yet_invited(rows: QuerySet) -> list:
    """Lone-ranger rows (by subject or by responsibility, each annotated with ``network_pk``
    and ``joined``) with a network they are not in and were never invited to."""
    return list(
        rows.filter(network_pk__isnull=False, joined=False)
        .exclude(
            Exists(
                LoneRangerInvitation.objects.filter(
                    user_id=OuterRef("user_id"), network_id=OuterRef("network_pk")
                )
            )
        )
        .select_related("user")
        .order_by("pk")
    )


def lone_rangers_by_responsibility_to_invite() -> list:
    """Lone rangers by responsibility with a network they are not in and were never invited to."""
    return _not_yet_invited(lone_rangers_by_responsibility())


def lone_rangers_to_invite() -> list:
    """Lone rangers with a matching network they are not in and were never invited to."""
    return _not_yet_invited(lone_rangers_by_subject())


@dataclass(frozen=True)
class LoneRangerHub:
    hub_id: int | None
    name: str
    slug: str
    alone: int
    invited: int
    joined: int


def lone_ranger_summary(
    hub_ids: list[int] | None = None, *, by_responsibility: bool = False
) -> list[LoneRangerHub]:
    """Per hub: lone rangers by subject (or by responsibility), how many were invited, and how
    many are in the network for it (invited or not: the same "joined" as each person's row).
    One grouped query."""
    found = (
        lone_rangers_by_responsibility(hub_ids)
        if by_responsibility
        else lone_rangers_by_subject(hub_ids)
    )
    rows = (
        found.values("user__school__hub_id", "user__school__hub__name", "user__school__hub__slug")
        .annotate(
            alone=Count("pk"),
            invited=Count("pk", filter=Q(invited_at__isnull=False)),
            joined_count=Count("pk", filter=Q(joined=True)),
        )
        .order_by("user__school__hub__name")
    )
    return [
        LoneRangerHub(
            hub_id=row["user__school__hub_id"],
            name=row["user__school__hub__name"] or "Schools in no hub",
            slug=row["user__school__hub__slug"] or "",
            alone=row["alone"],
            invited=row["invited"],
            joined=row["joined_count"],
        )
        for row in rows
    ]


def lone_rangers_page(rows: list) -> list:
    """Attach each row's network (one query for the page's networks)."""
    networks = SubjectNetwork.objects.in_bulk({row.network_pk for row in rows if row.network_pk})
    for row in rows:
        row.network = networks.get(row.network_pk)
    return rows


def lone_rangers_by_role(hub_ids: list[int] | None = None) -> QuerySet[User]:
    """Staff who are the only one of their job role (LONE_RANGER_ROLES) in their school:
    GROUP BY school, job role HAVING COUNT(*) = 1."""
    staff = User.objects.filter(
        is_active=True, school__isnull=False, job_role__in=LONE_RANGER_ROLES
    )
    if hub_ids is not None:
        staff = staff.filter(school__hub_id__in=hub_ids)
    alone = (
        staff.values("school", "job_role")
        .annotate(n=Count("pk"), only=Min("pk"))
        .filter(n=1)
        .values("only")
    )
    return (
        User.objects.filter(pk__in=alone)
        .select_related("school__hub")
        .order_by("school__hub__name", "school__name", "last_name")
    )


# --- Families of schools ------------------------------------------------------------------------

# How much each difference counts (they add up to 100: a school identical on every count scores
# 100 % similar). Each difference is scaled to 0..1 first.
FAMILY_WEIGHTS = {"phase": 40, "fsm": 30, "size": 20, "hub": 10}
FAMILY_FSM_SPAN = 30  # FSM percentages 30 points apart (or more) are as different as can be
FAMILY_UNKNOWN = 0.5  # a difference we cannot tell (no pupil count or FSM figure): half way
FAMILY_SIZE = 5


def _gap(value: Expression) -> Expression:
    return ExpressionWrapper(value, output_field=FloatField())


def family_of(school: School, *, limit: int = FAMILY_SIZE) -> QuerySet[School]:
    """
    The schools most like ``school``, most similar first, each annotated with ``similarity``
    (0 to 100) and the four differences behind it. One SQL query over the schools, ranked by
    the database (no loop over pairs in Python): see FAMILY_WEIGHTS.
    """
    unknown = Value(FAMILY_UNKNOWN)
    phase_gap = Case(When(phase=school.phase, then=Value(0.0)), default=Value(1.0))
    if school.pupil_count:
        size_gap = Case(
            When(pupil_count__isnull=True, then=unknown),
            default=Func(F("pupil_count") - Value(school.pupil_count), function="ABS")
            * Value(1.0)
            / Greatest(F("pupil_count"), Value(school.pupil_count)),
        )
    else:
        size_gap = unknown
    if school.fsm_percent is not None:
        # Case, not Coalesce: LEAST and GREATEST skip a NULL on Postgres (not on SQLite).
        fsm_gap = Case(
            When(fsm_percent__isnull=True, then=unknown),
            default=Least(
                Func(
                    Cast("fsm_percent", FloatField()) - Value(float(school.fsm_percent)),
                    function="ABS",
                )
                / Value(float(FAMILY_FSM_SPAN)),
                Value(1.0),
            ),
        )
    else:
        fsm_gap = unknown
    hub_gap = (
        Case(When(hub_id=school.hub_id, then=Value(0.0)), default=Value(1.0))
        if school.hub_id
        else Value(1.0)
    )
    w = FAMILY_WEIGHTS
    return (
        School.objects.exclude(pk=school.pk)
        .select_related("hub")
        .annotate(
            phase_gap=_gap(phase_gap),
            size_gap=_gap(size_gap),
            fsm_gap=_gap(fsm_gap),
            hub_gap=_gap(hub_gap),
        )
        .annotate(
            similarity=_gap(
                Value(100.0)
                - F("phase_gap") * w["phase"]
                - F("size_gap") * w["size"]
                - F("fsm_gap") * w["fsm"]
                - F("hub_gap") * w["hub"]
            )
        )
        .order_by("-similarity", "name", "pk")[:limit]
    )
