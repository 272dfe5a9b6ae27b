"""
The admin shows enquiry groups as counts and states only: kind, status, dates and how many
members, log entries, reading-list items and agreements they hold, and whether their write-up is
published, never a word written inside (the question included: it is the group's), and nothing
can be changed there.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q

from .models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "status",
        "started_on",
        "planned_end",
        "member_count",
        "log_count",
        "reading_count",
    ]
    list_filter = ["status", "kind"]
    fields = ["kind", "status", "started_on", "planned_end", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count(
                    "memberships", filter=Q(memberships__left_at__isnull=True), distinct=True
                ),
                _log=Count("log", distinct=True),
                _reading=Count("reading", distinct=True),
            )
        )

    @admin.display(description="members", ordering="_members")
    def member_count(self, obj) -> int:
        return obj._members

    @admin.display(description="log entries", ordering="_log")
    def log_count(self, obj) -> int:
        return obj._log

    @admin.display(description="reading list", ordering="_reading")
    def reading_count(self, obj) -> int:
        return obj._reading

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
