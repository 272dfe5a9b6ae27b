"""Required training for tests: requirements and completions written straight to the rows."""

from __future__ import annotations

import datetime

from django.utils import timezone

from training.models import Completion, Requirement


def requirement(title: str = "Safeguarding level 1", *, school=None, months=36, **fields):
    return Requirement.objects.create(title=title, school=school, valid_months=months, **fields)


def done(requirement: Requirement, person, *, days_ago: int = 0, on: datetime.date | None = None):
    day = on or timezone.localdate() - datetime.timedelta(days=days_ago)
    return Completion.objects.create(
        requirement=requirement,
        user=person,
        completed_on=day,
        expires_on=requirement.expiry_for(day),
        provider="Local authority",
    )


def expiring_in(requirement: Requirement, person, days: int) -> Completion:
    """A completion whose expiry is ``days`` from today (negative: expired that long ago)."""
    expires = timezone.localdate() + datetime.timedelta(days=days)
    return Completion.objects.create(
        requirement=requirement,
        user=person,
        completed_on=expires - datetime.timedelta(days=365),
        expires_on=expires,
    )
