from django.conf import settings

from .navigation import nav_for
from .selectors import community_context


def community(request) -> dict:
    return {
        **community_context(),
        "email_on_console": settings.EMAIL_ON_CONSOLE,
        "main_nav": nav_for(request.user, request.path) if hasattr(request, "user") else [],
    }
