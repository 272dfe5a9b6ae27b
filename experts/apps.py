from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = "Expert directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals, tasks  # noqa: PLC0415 -- AppConfig.ready
        from .reference import ensure_expertise_areas  # noqa: PLC0415 -- AppConfig.ready

        signals.connect()
        tasks.register_emails()
        post_migrate.connect(ensure_expertise_areas, dispatch_uid="experts.reference_data")
