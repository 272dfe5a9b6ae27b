"""The one-click profile confirmation in the term-start reminder: its signed link."""

from __future__ import annotations

from django.core import signing

from notifications.rendering import absolute_url

# The salt is kept from when this lived in the notifications app: links already sent work.
CONFIRM_SALT = "notifications.profile-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 120  # a term and a bit


def profile_confirm_url(*, profile_id: int) -> str:
    token = signing.dumps({"p": profile_id}, salt=CONFIRM_SALT)
    return absolute_url(f"/notifications/confirm-profile/{token}/")


def read_profile_confirm_token(token: str) -> int:
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["p"])
