"""Who may do what in the directory."""


def can_contact(user, profile) -> bool:
    return user.is_authenticated and user.is_active and profile.user_id != user.pk


def can_mark_helped(user, contact_request) -> bool:
    """Only the expert who was asked says whether they helped."""
    return contact_request.profile.user_id == user.pk
