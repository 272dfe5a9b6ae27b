from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """
    The coordinator's dashboard and a CPD leader's slice of it: counts read across hubs,
    experts, sessions and portfolios, so the app sits on top of every other one. No models.
    """

    name = "coordination"
    verbose_name = "Coordination"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
