from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = "Community structure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .roles import sync_coordinator_permissions

        post_migrate.connect(
            sync_coordinator_permissions, dispatch_uid="hubs.coordinator_permissions"
        )
