"""
The admin lists required training and completions (dates and statuses), never a certificate:
those are for the person and their school's CPD leaders only.
"""

from __future__ import annotations

from django.contrib import admin

from .models import Completion, Requirement


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "valid_months", "active"]
    list_filter = ["active"]
    search_fields = ["title"]
    raw_id_fields = ["school"]
    filter_horizontal = ["sessions"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["requirement", "user", "completed_on", "expires_on", "source"]
    list_filter = ["source"]
    raw_id_fields = ["requirement", "user", "session"]
    fields = ["requirement", "user", "completed_on", "expires_on", "provider", "source"]
    readonly_fields = fields
