from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """
    The UK GDPR rights, on top of every other app: the privacy notice, "download my data" (a
    zip built in the background, offered by a link that expires), "delete my account" and the
    retention job. It reads every app's rows about a person; no app imports it.
    """

    name = "privacy"
    verbose_name = "Privacy and personal data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready

        user_deleting.connect(receivers.forget_exports, dispatch_uid="privacy.left.exports")
        user_deleting.connect(receivers.forget_imports, dispatch_uid="privacy.left.imports")
        user_deleting.connect(receivers.forget_sessions, dispatch_uid="privacy.left.sessions")
