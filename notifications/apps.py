from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Email and notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .termly_kinds import register_kinds

        register_kinds()
