"""The coordinator's view of outgoing mail: counts and failures, "try again". The termly app
extends it with the counts per term and the digest's preview and test send (termly/admin.py)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import Count

from . import registry, services
from .models import Delivery, Preference


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "email", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["email", "key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    change_list_template = "admin/notifications/delivery/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Try the selected failed deliveries again")
    def retry_failed(self, request, queryset):
        # Every registered kind is built again from its key; account mail (rendered by allauth
        # with a one-time code or link) cannot be, and is asked for again by the person.
        failed = queryset.filter(status=Delivery.Status.FAILED)
        ids = list(failed.filter(kind__in=registry.names()).values_list("pk", flat=True))
        services.delivery_retry(delivery_ids=ids)
        transaction.on_commit(lambda: services.enqueue_deliveries(ids))  # the sweep, if down
        message = f"{len(ids)} deliveries queued again."
        if others := failed.exclude(pk__in=ids).count():
            message += (
                f" {others} cannot be rebuilt here (account emails with a one-time code or "
                "link): the person asks for a new one."
            )
        self.message_user(request, message)

    def changelist_view(self, request, extra_context=None):
        counts: dict[str, dict[str, int]] = {}
        for kind, status, n in (
            Delivery.objects.order_by().values_list("kind", "status").annotate(n=Count("*"))
        ):
            counts.setdefault(kind, {})[status] = n
        extra_context = {
            **(extra_context or {}),
            "statuses": Delivery.Status.choices,
            "counts": sorted(counts.items()),
        }
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "enabled", "updated_at"]
    list_filter = ["category", "enabled"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
