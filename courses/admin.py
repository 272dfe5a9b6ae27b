"""The coordinator's admin: providers, courses (hide or edit), and the outside networks."""

from django.contrib import admin
from django.db import models

from .models import Course, OutsideNetwork, Provider
from .services import course_reindex

HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS
    search_fields = ["name"]
    list_display = ["name", "website"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS
    list_display = [
        "title",
        "provider",
        "format",
        "cost",
        "starts_on",
        "recommended_by",
        "is_hidden",
    ]
    list_filter = ["is_hidden", "format"]
    search_fields = ["title", "provider__name"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider"]
    filter_horizontal = ["areas", "phases"]
    readonly_fields = ["added_by", "recommended_by", "review_count", "created_at"]
    exclude = ["rating_total", "search_text"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course_reindex(course=form.instance)


@admin.register(OutsideNetwork)
class OutsideNetworkAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS
    list_display = ["name", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["areas", "schools"]
