from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = "Community structure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications.rendering import (  # noqa: PLC0415 -- AppConfig.ready
            register_common_context,
        )

        from .emails import register_emails  # noqa: PLC0415 -- AppConfig.ready
        from .onboarding import tasks  # noqa: F401, PLC0415 -- AppConfig.ready: Celery's discovery
        from .reference import ensure_reference_data  # noqa: PLC0415 -- AppConfig.ready
        from .selectors import community_context  # noqa: PLC0415 -- AppConfig.ready
        from .term_dates import all_terms  # noqa: F401, PLC0415 -- connects its cache's forgetting

        register_emails()
        register_common_context(community_context)

        post_migrate.connect(ensure_reference_data, dispatch_uid="hubs.reference_data")
