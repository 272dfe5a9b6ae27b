from django.contrib import admin, messages

from hubs.admin import CountsOnDeleteMixin

from . import services
from .models import ExpertiseArea, ExpertProfile, ProfileArea


@admin.register(ExpertiseArea)
class ExpertiseAreaAdmin(CountsOnDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "category", "synonyms"]
    list_filter = ["category"]
    search_fields = ["name", "synonyms", "description"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    @admin.action(description="Merge the selected areas into the first one (by name)")
    def merge(self, request, queryset):
        areas = list(queryset.order_by("name"))
        if len(areas) < 2:
            self.message_user(request, "Select at least two areas to merge.", messages.WARNING)
            return
        keep, duplicates = areas[0], areas[1:]
        moved = services.area_merge(keep=keep, duplicates=duplicates)
        self.message_user(
            request,
            f"Merged {len(duplicates)} area(s) into “{keep.name}”; {moved} offer(s) moved. "
            "Their names are now synonyms, so searches for them still work.",
        )


class ProfileAreaInline(admin.TabularInline):
    model = ProfileArea
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "last_confirmed_at", "is_hidden"]
    list_filter = ["is_hidden", "contact_preference", "user__school__hub"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "headline"]
    autocomplete_fields = ["user", "subjects", "phases"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProfileAreaInline]
    # Contact requests are messages between colleagues: not shown in the admin.
