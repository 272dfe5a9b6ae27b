from django.conf import settings

from .navigation import nav_for


def community(request) -> dict:
    return {
        "community_name": settings.COMMUNITY_NAME,
        "coordinator_email": settings.COORDINATOR_EMAIL,
        "main_nav": nav_for(request.user, request.path) if hasattr(request, "user") else [],
    }
