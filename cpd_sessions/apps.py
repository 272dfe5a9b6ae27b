from django.apps import AppConfig


class CpdSessionsConfig(AppConfig):
    # "sessions" is django.contrib.sessions' label; this app keeps its own.
    name = "cpd_sessions"
    label = "cpd_sessions"
    verbose_name = "Development sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import emails  # noqa: PLC0415 -- AppConfig.ready

        emails.register_emails()
        from hubs.signals import user_deactivated, user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready

        # Someone leaving gives their places back (hubs.services.user_deactivate / user_delete).
        user_deactivated.connect(
            receivers.cancel_future_bookings, dispatch_uid="cpd_sessions.left.deactivated"
        )
        user_deleting.connect(
            receivers.cancel_future_bookings, dispatch_uid="cpd_sessions.left.deleting"
        )
        # Then what they did stays only as counts (connected after: receivers run in order).
        user_deleting.connect(receivers.anonymise_leaver, dispatch_uid="cpd_sessions.left.erase")
