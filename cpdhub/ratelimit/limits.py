"""
Limits that stop abuse but not people: django-ratelimit's counters in the
default cache (Redis in production, so every web process shares them), keyed by the signed-in
person or, signed out, by the client's address as allauth reads it (the same trusted-proxy
rule as the sign-in limits). The rates are settings (``CPDHUB_RATE_LIMITS``, one or more
"count/period" per group), chosen so that a person working normally never meets them: see
docs/security-and-privacy.md. Someone who does gets a 429 page that says how long to wait, and
the coordinator sees who in the admin (``ThrottledRequest``), one row per person, group and hour.
"""

from __future__ import annotations

import functools
import logging

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

from .models import ThrottledRequest

logger = logging.getLogger("cpdhub.ratelimit")


def client_key(group: str, request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{get_adapter().get_client_ip(request)}"


def over_limit(request, group: str) -> int | None:
    """Count this request against each of the group's rates; the seconds to wait when one is
    exceeded, else None."""
    wait = None
    for rate in settings.CPDHUB_RATE_LIMITS.get(group, "").split(","):
        if not rate.strip():
            continue
        usage = get_usage(request, group=group, key=client_key, rate=rate.strip(), increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(wait or 0, usage["time_left"])
    return wait


def limited(group: str, *, methods: tuple[str, ...] = ("GET", "POST")):
    """A view decorator: past the group's rate, a 429 page instead of the view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                wait = over_limit(request, group)
                if wait is not None:
                    return refuse(request, group, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def record(*, request, group: str, key: str) -> None:
    """Count a request refused by a rate limit against this person's row for the hour."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    user = request.user if request.user.is_authenticated else None
    row, _ = ThrottledRequest.objects.get_or_create(
        key=key, group=group, hour=hour, defaults={"user": user}
    )
    ThrottledRequest.objects.filter(pk=row.pk).update(
        refused=F("refused") + 1, last_path=request.path[:200], last_at=now
    )


def refuse(request, group: str, wait: int):
    record(request=request, group=group, key=client_key(group, request))
    logger.warning(
        "rate limit %s reached by %s on %s", group, client_key(group, request), request.path
    )
    minutes = max(1, round(wait / 60))
    response = render(request, "429.html", {"wait_minutes": minutes, "group": group}, status=429)
    response["Retry-After"] = str(max(1, int(wait)))
    return response
