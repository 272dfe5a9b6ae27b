"""
Which email belongs to which preference category. A kind is a template set under
``templates/email/<kind>/``; a category is what a person can turn off.
"""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    DIGEST = "digest", "The termly digest"
    REMINDERS = "reminders", "Reminders (sessions tomorrow, feedback, follow-ups, termly audits)"
    SESSIONS = "sessions", "Session emails (bookings, waiting list, release decisions)"
    ESSENTIAL = "essential", "Account, security and essential messages"


# Essential mail (invitations, messages a colleague wrote to you, a session you are booked on
# being changed or cancelled) cannot be turned off and carries no unsubscribe header.
KIND_CATEGORY: dict[str, Category] = {
    "digest": Category.DIGEST,
    "session_reminder": Category.REMINDERS,
    "feedback_request": Category.REMINDERS,
    "impact_follow_up": Category.REMINDERS,
    "audit_profile": Category.REMINDERS,
    "audit_portfolio": Category.REMINDERS,
    "audit_needs": Category.REMINDERS,
    "release_nudge": Category.REMINDERS,
    "booking_confirmed": Category.SESSIONS,
    "booking_waitlisted": Category.SESSIONS,
    "booking_promoted": Category.SESSIONS,
    "release_decided": Category.SESSIONS,
    "release_requested": Category.SESSIONS,
    "invitation": Category.ESSENTIAL,
    "contact_request": Category.ESSENTIAL,
    "session_changed": Category.ESSENTIAL,
    "session_cancelled": Category.ESSENTIAL,
}

OPTIONAL = [Category.DIGEST, Category.REMINDERS, Category.SESSIONS]


def category_of(kind: str) -> Category:
    return KIND_CATEGORY.get(kind, Category.ESSENTIAL)
