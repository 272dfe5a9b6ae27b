from django.apps import AppConfig


class TermlyConfig(AppConfig):
    """
    The termly mail, on top of every other app: the digest, the term-start audit reminders,
    the release nudges, their planning and beat tasks, and the coordinator's digest preview.
    No models: what it sends is recorded on the ledger (notifications).
    """

    name = "termly"
    verbose_name = "Termly mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
