from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from cpdhub import querystring
from cpdhub.academic_year import parse_year_label, year_label
from cpdhub.singleline import SingleLineFormField
from hubs.models import User

from . import exports, session_changes
from .lifecycle import SessionRefused
from .models import (
    Attendance,
    Booking,
    BudgetEntry,
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


# Moving, cancelling or completing a session tells everyone booked and changes their calendar
# entries (cpd_sessions.session_changes): once a session exists, the admin shows those fields and
# links to the session's own edit page, which goes through them.
LIFECYCLE_FIELDS = ["start", "end", "status", "capacity"]


class SessionDateInline(admin.TabularInline):
    model = SessionDate
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return obj is None

    def has_add_permission(self, request, obj=None):
        return obj is None


def _https_links(field, **kwargs):
    """A link typed without a scheme is an https one (as ``formfield_overrides`` below says for
    the admin's own forms; this form is made before the admin applies them)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class DevelopmentSessionAdminForm(forms.ModelForm):
    """The audience's job roles as ticks with their names, not the stored list ("[]")."""

    job_roles = forms.MultipleChoiceField(
        choices=User.JobRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="For these job roles",
        help_text="Tick none for a session open to every role.",
    )

    class Meta:
        model = DevelopmentSession
        fields = "__all__"  # noqa: DJ007 -- the admin's own form: every field, as before
        formfield_callback = _https_links


@admin.register(DevelopmentSession)
class DevelopmentSessionAdmin(admin.ModelAdmin):
    form = DevelopmentSessionAdminForm
    list_display = ["title", "kind", "start", "status", "scope", "capacity"]
    list_filter = ["status", "kind", "format", "scope"]
    search_fields = ["title"]
    autocomplete_fields = ["leads"]
    filter_horizontal = ["areas", "phases", "subjects"]
    inlines = [SessionDateInline]
    actions = ["publish_proposed", "export_csv"]
    # A link typed without a scheme ("teams.microsoft.com/…") is an https one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["sequence"]
        return ["sequence", "change_on_site", *LIFECYCLE_FIELDS]

    @admin.display(description="Dates, places and status")
    def change_on_site(self, obj):
        return format_html(
            '<a href="{}">Change them on the session\'s page</a>, which tells everyone booked '
            "and updates their calendars.",
            reverse("cpd_sessions:edit", args=[obj.pk]),
        )

    @admin.action(description="Publish the selected proposed sessions")
    def publish_proposed(self, request, queryset):
        """Each through ``session_changes.session_publish``: its permission and lifecycle rules."""
        published, refused = 0, []
        skipped = queryset.exclude(status=DevelopmentSession.Status.PROPOSED).count()
        for session in queryset.filter(status=DevelopmentSession.Status.PROPOSED):
            try:
                session_changes.session_publish(session=session, by=request.user)
            except (SessionRefused, PermissionDenied) as error:
                refused.append(f"“{session.title}”: {error}")
            else:
                published += 1
        if published:
            self.message_user(request, f"{published} session(s) published.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} selected session(s) were not proposed, so left as they are."
            )
        for message in refused:
            self.message_user(request, f"Not published: {message}", messages.WARNING)

    @admin.action(description="Export the selected sessions (CSV)")
    def export_csv(self, request, queryset):
        return exports.sessions_csv(queryset)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "status", "waitlist_position", "created_at"]
    list_filter = ["status"]
    search_fields = ["session__title", "user__email"]
    raw_id_fields = ["session", "user"]
    # Seats are decided only by cpd_sessions.booking; the admin shows, it does not book.
    readonly_fields = ["session", "user", "status", "waitlist_position"]
    actions = ["export_csv"]

    @admin.action(description="Export the selected bookings (CSV)")
    def export_csv(self, request, queryset):
        return exports.bookings_csv(queryset)

    def has_add_permission(self, request):
        return False


@admin.register(ReleaseRequest)
class ReleaseRequestAdmin(admin.ModelAdmin):
    list_display = ["booking", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    readonly_fields = ["booking", "decision", "decided_by", "decided_at", "reason"]
    actions = ["export_csv"]

    @admin.action(description="Export the release costs of the selected requests (CSV)")
    def export_csv(self, request, queryset):
        return exports.release_costs_csv(queryset)

    def has_add_permission(self, request):
        return False


# The academic year is stored as its first calendar year (2026) and shown and typed in the admin
# as schools write it ("2026/27"), as on every other page.


class AcademicYearField(SingleLineFormField):
    """ "2026/27" typed, 2026 stored."""

    def prepare_value(self, value):
        return year_label(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        year = parse_year_label(text)
        if year is None:
            raise forms.ValidationError(
                "Write the academic year as schools do, for example 2026/27.", code="academic_year"
            )
        return year


class AcademicYearFilter(admin.SimpleListFilter):
    title = "academic year"
    parameter_name = "academic_year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by("-academic_year")
        return [
            (str(y), year_label(y))
            for y in years.values_list("academic_year", flat=True).distinct()
        ]

    def queryset(self, request, queryset):
        year = querystring.id_param(self.value())
        return queryset if year is None else queryset.filter(academic_year=year)


@admin.display(description="academic year", ordering="academic_year")
def academic_year_shown(obj) -> str:
    return year_label(obj.academic_year)


@admin.register(CpdBudget)
class CpdBudgetAdmin(admin.ModelAdmin):
    list_display = ["user", academic_year_shown, "allocated"]
    list_filter = [AcademicYearFilter]
    raw_id_fields = ["user", "set_by"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "academic_year":
            return AcademicYearField(label="Academic year", help_text="For example 2026/27.")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(BudgetEntry)
class BudgetEntryAdmin(admin.ModelAdmin):
    """The ledger is written by the booking and release services only: the admin reads it."""

    list_display = ["user", academic_year_shown, "kind", "amount", "reason", "created_at"]
    list_filter = ["kind", AcademicYearFilter]
    exclude = ["academic_year"]
    readonly_fields = [academic_year_shown]
    search_fields = ["user__email", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    # The register is kept by the session's leads on its page (it also logs the session in
    # each attendee's portfolio); the admin shows it.
    list_display = ["booking", "present", "marked_by", "marked_at"]
    readonly_fields = ["booking", "present", "marked_by", "marked_at"]

    def has_add_permission(self, request):
        return False


admin.site.register(Feedback)
