from django.apps import AppConfig


class CpdSessionsConfig(AppConfig):
    # "sessions" is django.contrib.sessions' label; this app keeps its own.
    name = "cpd_sessions"
    label = "cpd_sessions"
    verbose_name = "Development sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import tasks

        tasks.register_emails()
