from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QualityConfig(AppConfig):
    """
    A school's CPD reviewed against a quality standard (the DfE Standard by default): the
    leaders' self-review beside the school's own figures, an anonymous staff survey, a peer
    review by a leader from another school, an action plan. Above coaching and enquiry and
    the sessions (it counts their figures and asks for release time through them); below
    privacy (which exports it) and the demo.
    """

    name = "quality"
    verbose_name = "CPD quality reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hubs.signals import user_deleting  # noqa: PLC0415 -- AppConfig.ready

        from . import receivers  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready
        from .reference import ensure_default_framework  # noqa: PLC0415 -- AppConfig.ready

        register_emails()
        post_migrate.connect(
            ensure_default_framework, sender=self, dispatch_uid="quality.default_framework"
        )
        user_deleting.connect(receivers.forget_person, dispatch_uid="quality.deleting")
