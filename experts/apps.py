from django.apps import AppConfig
from django.db.models.signals import post_migrate

from hubs.signals import user_deactivated, user_deleting


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = "Expert directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: PLC0415 -- AppConfig.ready
        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready
        from .reference import ensure_expertise_areas  # noqa: PLC0415 -- AppConfig.ready

        signals.connect()
        # Someone leaving takes their words out of the spelling vocabulary at once, whether the
        # rows change by save() (caught by experts/signals.py) or not (hubs.services.user_*).
        user_deactivated.connect(signals.forget_leaver, dispatch_uid="experts.left.deactivated")
        user_deleting.connect(signals.forget_leaver, dispatch_uid="experts.left.deleting")
        user_deleting.connect(
            signals.anonymise_contact_requests, dispatch_uid="experts.left.contact_requests"
        )
        register_emails()
        post_migrate.connect(ensure_expertise_areas, dispatch_uid="experts.reference_data")
