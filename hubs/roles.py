"""The Coordinators group's model permissions, kept in step with the apps after every migrate."""

from django.contrib.auth.models import Group, Permission

from .models import COORDINATORS_GROUP

# Apps whose admin pages coordinators run. Later apps add their label here; portfolio
# content stays out (private to its owner, DESIGN.md).
COORDINATOR_APP_LABELS = ["hubs", "account", "socialaccount"]


def sync_coordinator_permissions(**kwargs) -> None:
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=COORDINATOR_APP_LABELS)
    )
