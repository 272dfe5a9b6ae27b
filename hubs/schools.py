"""
Reads for schools' pages: the schools with their staff counts, one school with its CPD leaders
and domains, its staff by role, and its invitations (waiting, joined, expired, bounced).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from cpdhub.row_counts import count_per_row
from notifications.models import Delivery

from .models import Invitation, School, User


def staff_count() -> Coalesce:
    return count_per_row(User.objects.filter(school=OuterRef("pk"), is_active=True), "school")


def schools_with_counts(queryset: QuerySet[School] | None = None) -> QuerySet[School]:
    queryset = School.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("hub")
        .annotate(staff_count=staff_count())
        .prefetch_related(Prefetch("cpd_leaders", queryset=User.objects.order_by("last_name")))
    )


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
