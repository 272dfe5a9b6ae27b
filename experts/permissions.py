"""Who may do what in the directory. ``can_*`` answers; ``require_*`` refuses with the rule's
sentence (PermissionDenied), called from one place."""

from django.core.exceptions import PermissionDenied


def can_contact(user, profile) -> bool:
    return user.is_authenticated and user.is_active and profile.user_id != user.pk


# Marking a request helped (its expert) and thanking (its sender) are scoped in the views'
# querysets, so anyone else gets a 404.


def can_see_stale_profiles(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def require_can_see_stale_profiles(user) -> None:
    if not can_see_stale_profiles(user):
        raise PermissionDenied("The list of stale profiles is for the community coordinator.")
