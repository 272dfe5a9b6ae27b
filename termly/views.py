"""The one-click profile confirmation from the term-start reminder (no sign-in needed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from experts.selectors import profile_with_user
from experts.services import profile_confirm

from .links import read_profile_confirm_token


def _bad_link(request):
    return HttpResponseBadRequest(
        render(request, "notifications/bad_link.html").content, content_type="text/html"
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm_profile(request, token: str):
    try:
        profile_id = read_profile_confirm_token(token)
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return _bad_link(request)
    profile = profile_with_user(profile_id)
    if profile is None:
        return _bad_link(request)
    done = False
    if request.method == "POST":
        profile_confirm(profile=profile)
        done = True
    return render(request, "termly/confirm_profile.html", {"profile": profile, "done": done})
