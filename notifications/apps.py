from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The email ledger: the ground floor every app sends through. It imports no domain app;
    each registers its kinds (notifications/registry.py) in its own ready()."""

    name = "notifications"
    verbose_name = "Email and notifications"
    default_auto_field = "django.db.models.BigAutoField"
