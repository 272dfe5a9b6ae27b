from django.conf import settings

from .navigation import nav_for


def community(request) -> dict:
    return {
        "community_name": settings.COMMUNITY_NAME,
        "coordinator_email": settings.COORDINATOR_EMAIL,
        "email_on_console": settings.EMAIL_ON_CONSOLE,
        "main_nav": nav_for(request.user, request.path) if hasattr(request, "user") else [],
    }
