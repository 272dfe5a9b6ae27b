"""Who may do what in the directory."""


def can_contact(user, profile) -> bool:
    return user.is_authenticated and user.is_active and profile.user_id != user.pk


# Marking a request helped (its expert) and thanking (its sender) are scoped in the views'
# querysets, so anyone else gets a 404.
