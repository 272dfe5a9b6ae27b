from django.contrib import admin

from .models import (
    Attendance,
    Booking,
    Consultant,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionDate,
)


@admin.register(Consultant)
class ConsultantAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "fee"]
    search_fields = ["name", "organisation"]


class SessionDateInline(admin.TabularInline):
    model = SessionDate
    extra = 0


@admin.register(DevelopmentSession)
class DevelopmentSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "status", "scope", "capacity"]
    list_filter = ["status", "kind", "format", "scope"]
    search_fields = ["title"]
    autocomplete_fields = ["leads"]
    filter_horizontal = ["areas", "phases", "subjects"]
    inlines = [SessionDateInline]
    readonly_fields = ["sequence"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "status", "waitlist_position", "created_at"]
    list_filter = ["status"]
    search_fields = ["session__title", "user__email"]
    raw_id_fields = ["session", "user"]
    # Seats are decided only by cpd_sessions.services; the admin shows, it does not book.
    readonly_fields = ["session", "user", "status", "waitlist_position"]

    def has_add_permission(self, request):
        return False


@admin.register(ReleaseRequest)
class ReleaseRequestAdmin(admin.ModelAdmin):
    list_display = ["booking", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    readonly_fields = ["booking", "decision", "decided_by", "decided_at", "reason"]

    def has_add_permission(self, request):
        return False


@admin.register(CpdBudget)
class CpdBudgetAdmin(admin.ModelAdmin):
    list_display = ["user", "academic_year", "allocated", "spent"]
    raw_id_fields = ["user", "set_by"]


admin.site.register(Attendance)
admin.site.register(Feedback)
