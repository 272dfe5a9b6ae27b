"""
The admin shows coaching as counts and states only. Relationships: their kind, status, rhythm,
dates and how many members, observations, meetings and steps they hold, never a word written
inside (notes, praise, steps, the request's message), and nothing can be changed there. The
step library's own steps (not private: the community's and schools' published words) are
curated on the site, by their curators, not here.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from .models import Relationship


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "status",
        "rhythm_days",
        "started_on",
        "ended_at",
        "member_count",
        "observation_count",
        "meeting_count",
        "step_count",
    ]
    list_filter = ["status", "kind"]
    fields = ["kind", "status", "rhythm_days", "started_on", "ended_at", "content_removed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("memberships", distinct=True),
                _observations=Count("observations", distinct=True),
                _meetings=Count("meetings", distinct=True),
                _steps=Count("steps", distinct=True),
            )
        )

    @admin.display(description="members", ordering="_members")
    def member_count(self, obj) -> int:
        return obj._members

    @admin.display(description="observations", ordering="_observations")
    def observation_count(self, obj) -> int:
        return obj._observations

    @admin.display(description="meetings", ordering="_meetings")
    def meeting_count(self, obj) -> int:
        return obj._meetings

    @admin.display(description="steps", ordering="_steps")
    def step_count(self, obj) -> int:
        return obj._steps

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
