from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Email and notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hubs.signals import user_deleting

        from . import receivers

        # A deleted account's address leaves the ledger (hubs.services.user_delete).
        user_deleting.connect(receivers.forget_address, dispatch_uid="notifications.left.ledger")
