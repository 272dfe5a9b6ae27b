from django.contrib import admin

from .models import ThrottledRequest


@admin.register(ThrottledRequest)
class ThrottledRequestAdmin(admin.ModelAdmin):
    """Who met a rate limit, by the hour: a scraper shows here. Read-only: the counters are
    written by limits.py."""

    list_display = ("key", "user", "group", "hour", "refused", "last_path", "last_at")
    list_filter = ("group",)
    search_fields = ("key", "user__email", "last_path")
    date_hierarchy = "hour"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
