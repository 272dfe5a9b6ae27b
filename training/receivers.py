"""
How required training answers other apps' signals:

- ``cpd_sessions.signals.attendance_marked``: a person marked present at a session linked to
  required training has done it, on the session's day (services.completion_from_attendance).
- ``hubs.signals.user_deleting``: an erased account's certificates are deleted from storage
  after commit; its completions go with the account (the foreign key cascades).
"""

from __future__ import annotations

from . import services


def record_attendance(sender, booking, **kwargs) -> None:
    services.completion_from_attendance(booking=booking)


def forget_certificates(sender, user, **kwargs) -> None:
    services.forget_certificates(user)
