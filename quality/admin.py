"""
The coordinator's admin for quality reviews: frameworks (add another standard: its parts,
criteria and levels), and reviews as levels and completion only. A school's words (comments,
evidence, findings, actions) are not shown here; the survey's answers are counts on the
review's own page and have no admin page: nothing here can put an answer beside a person.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from .models import Criterion, Framework, Level, Part, Review


class PartInline(admin.StackedInline):
    model = Part
    extra = 0
    show_change_link = True


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [LevelInline, PartInline]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework"]
    list_filter = ["framework"]
    inlines = [CriterionInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "framework", "self_review_done_at", "shared"]
    list_filter = ["year", "shared"]
    list_select_related = ["school", "framework"]
    fields = ["school", "year", "framework", "started_at", "self_review_done_at", "shared"]
    readonly_fields = fields
    search_fields = ["school__name", "school__urn"]

    def has_add_permission(self, request) -> bool:
        return False
