"""Deprecated: email lives in the notifications app (rendering.py, services.py)."""

from notifications.rendering import absolute_url, build_message, render_email  # noqa: F401
from notifications.services import send_templated_mail  # noqa: F401
