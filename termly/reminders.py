"""
Term-start audit reminders and the daily nudge about release requests: whom they go to and
what each says. Builders return None when there is nothing to say to that person.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from cpd_sessions.approvals import releases_pending_since
from experts import selectors as expert_selectors
from hubs.models import School, User
from notifications.rendering import absolute_url
from portfolios import selectors as portfolio_selectors
from portfolios.needs import needs_audit

from .links import profile_confirm_url
from .planning import subtract_school_days

if TYPE_CHECKING:
    from cpd_sessions.models import ReleaseRequest

RELEASE_PENDING_SCHOOL_DAYS = 2


# --- Who --------------------------------------------------------------------------------


def experts() -> QuerySet[User]:
    return User.objects.filter(expert_profile__isnull=False)


def staff() -> QuerySet[User]:
    return User.objects.filter(school__isnull=False)


def cpd_leaders() -> QuerySet[User]:
    return User.objects.filter(pk__in=School.cpd_leaders.through.objects.values("user_id"))


def _release_cutoff(today: datetime.date | None = None) -> datetime.datetime:
    """The start of the school day two school days ago: requests older are overdue."""
    today = today or timezone.localdate()
    cutoff_day = subtract_school_days(today, RELEASE_PENDING_SCHOOL_DAYS)
    return timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))


def overdue_releases(today: datetime.date | None = None) -> QuerySet[ReleaseRequest]:
    """Release requests still undecided after more than two school days."""
    return releases_pending_since(_release_cutoff(today))


def leaders_with_overdue_releases(today: datetime.date | None = None) -> QuerySet[User]:
    schools = overdue_releases(today).values("booking__user__school_id")
    return User.objects.filter(
        pk__in=School.cpd_leaders.through.objects.filter(school_id__in=schools).values("user_id")
    )


# --- What -------------------------------------------------------------------------------


def audit_profile_context(user: User, key: str) -> dict | None:
    profile = expert_selectors.profile_of(user)
    if profile is None:
        return None
    return {
        "person": user,
        "profile": profile,
        "asked_by_coordinator": key.startswith("refresh:"),  # not the term-start reminder
        "confirm_url": profile_confirm_url(profile_id=profile.pk),
        "edit_url": absolute_url("/experts/me/"),
    }


def audit_portfolio_context(user: User, key: str) -> dict:
    open_goals, open_needs = portfolio_selectors.open_counts(user)
    return {
        "person": user,
        "open_goals": open_goals,
        "open_needs": open_needs,
        "portfolio_url": absolute_url("/portfolio/"),
    }


def audit_needs_context(user: User, key: str) -> dict | None:
    school_ids = list(School.objects.filter(cpd_leaders=user).values_list("pk", flat=True))
    if not school_ids:
        return None
    audit = needs_audit(school_ids)
    return {
        "person": user,
        "by_area": audit.by_area[:8],
        "totals": audit.totals,
        "audit_url": absolute_url("/portfolio/needs/audit/"),
        "portfolio_url": absolute_url("/portfolio/"),
    }


def release_nudge_context(user: User, key: str) -> dict | None:
    school_ids = School.objects.filter(cpd_leaders=user).values("pk")
    cutoff = _release_cutoff()
    waiting = list(
        releases_pending_since(cutoff, school_ids=school_ids)
        .select_related("booking__user", "booking__session")
        .order_by("created_at")[:20]
    )
    if not waiting:
        return None
    return {
        "person": user,
        "waiting": waiting,
        "approvals_url": absolute_url("/sessions/approvals/"),
    }
