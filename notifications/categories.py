"""
The preference categories: what a person can turn off. A kind (a template set under
``templates/email/<kind>/``) is registered with its category by the app that owns it.
"""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    DIGEST = "digest", "The termly digest"
    REMINDERS = "reminders", "Reminders (sessions tomorrow, feedback, follow-ups, termly audits)"
    SESSIONS = "sessions", "Session emails (bookings, waiting list, release decisions)"
    ESSENTIAL = "essential", "Account, security and essential messages"


# Each kind's category is given by the app that registers it (see registry.py). Essential
# mail (invitations, messages a colleague wrote to you, a session you are booked on being
# changed or cancelled, account mail) cannot be turned off and carries no unsubscribe header.
OPTIONAL = [Category.DIGEST, Category.REMINDERS, Category.SESSIONS]
