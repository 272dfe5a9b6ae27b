from django.apps import AppConfig


class CoachingConfig(AppConfig):
    """
    Instructional coaching: the step library, relationships across schools, and the cycle of
    observation, meeting, step and check-back, private to the relationship's members. Above
    portfolios (an embedded step is copied into the teacher's log); below coordination and
    privacy, which count it and export it.
    """

    name = "coaching"
    verbose_name = "Coaching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        user_deleting.connect(receivers.forget_leaver, dispatch_uid="coaching.left.deleting")
