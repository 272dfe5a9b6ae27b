"""Unsubscribe (signed token, no sign-in) and email preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .categories import OPTIONAL, Category


def _bad_link(request):
    return HttpResponseBadRequest(
        render(request, "notifications/bad_link.html").content, content_type="text/html"
    )


@login_not_required
@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        user_id, category = services.read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return _bad_link(request)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return _bad_link(request)
    done = False
    if request.method == "POST":
        services.preference_set(user=user, category=category, enabled=False)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"category": Category(category), "email": user.email, "done": done},
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        for category in OPTIONAL:
            services.preference_set(
                user=request.user, category=category, enabled=category.value in request.POST
            )
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:preferences")
    chosen = services.preferences_for(request.user)
    return render(
        request,
        "notifications/preferences.html",
        {"choices": [(c, chosen[c.value]) for c in OPTIONAL]},
    )
