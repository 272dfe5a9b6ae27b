from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    """
    The coordinator's dashboard and a CPD leader's slice of it: counts read across hubs,
    experts, sessions and portfolios, so the app sits on top of every other one. Its own rows:
    the coordinator's replies about needs, and the sessions commissioned for needs.
    """

    name = "coordination"
    verbose_name = "Coordination"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cpd_sessions.signals import session_published, session_publishing  # noqa: PLC0415 -- AppConfig.ready

        from . import figures_receivers, receivers  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        figures_receivers.connect()
        session_publishing.connect(
            receivers.check_commissioned_description, dispatch_uid="coordination.commission_check"
        )
        session_published.connect(
            receivers.tell_need_owners, dispatch_uid="coordination.commission_tell"
        )
