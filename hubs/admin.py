from collections import Counter

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.socialaccount.admin import SocialAccountAdmin
from allauth.socialaccount.models import SocialAccount
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_deleted_objects
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.utils.text import capfirst

from . import services
from .models import (
    Hub,
    ImportJob,
    Invitation,
    Phase,
    School,
    SchoolDomain,
    Subject,
    SubjectNetwork,
    Term,
    User,
)
from .onboarding import exports


class CountsOnDeleteMixin:
    """
    The delete page (and "delete selected") lists what else would go as counts by kind, never
    by name: the rows a person's deletion cascades into are their private portfolio (goal,
    entry and need titles, attachment names), which the coordinator is not to read.
    """

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        _, model_count, perms_needed, protected = get_deleted_objects(
            objs, request, self.admin_site
        )
        chosen = {f"{capfirst(self.opts.verbose_name)}: {obj}" for obj in objs}
        others = {
            name: count
            for name, count in model_count.items()
            if name != self.opts.verbose_name_plural
        }
        summary = sorted(chosen) + [
            f"{capfirst(name)}: {count}" for name, count in sorted(others.items()) if count
        ]
        # Each protected row comes as "Verbose name: <link to it>": keep the kind, count them.
        protected_counts = Counter(str(row).split(":", 1)[0] for row in protected)
        protected_summary = [
            f"{name} ({count})" for name, count in sorted(protected_counts.items())
        ]
        return summary, model_count, perms_needed, protected_summary


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SchoolInline(admin.TabularInline):
    model = School
    fields = ["name", "urn", "phase"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Hub)
class HubAdmin(CountsOnDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["leaders"]
    inlines = [SchoolInline]


class SchoolDomainInline(admin.TabularInline):
    model = SchoolDomain
    extra = 1


@admin.register(School)
class SchoolAdmin(CountsOnDeleteMixin, admin.ModelAdmin):
    @admin.action(description="Export the selected schools as CSV")
    def export_csv(self, request, queryset):
        return exports.csv_response(
            exports.SchoolExport(), queryset.select_related("hub"), "schools"
        )

    list_display = ["name", "urn", "phase", "establishment_type", "hub", "local_authority"]
    list_filter = ["hub", "phase", "establishment_type", "local_authority"]
    search_fields = ["name", "urn", "postcode", "local_authority", "domains__domain"]
    actions = ["export_csv"]
    autocomplete_fields = ["hub", "cpd_leaders"]
    list_select_related = ["hub"]
    inlines = [SchoolDomainInline]
    fieldsets = [
        (None, {"fields": ["name", "urn", "hub", "cpd_leaders"]}),
        (
            "From Get Information about Schools",
            {
                "fields": [
                    "phase",
                    "establishment_type",
                    "local_authority",
                    "postcode",
                    "pupil_count",
                    "fsm_percent",
                ]
            },
        ),
        ("School day", {"fields": ["day_start", "day_end"]}),
    ]


class CPDHubUserCreationForm(forms.ModelForm):
    """
    A new account has no password the coordinator knows: it gets an unusable one, and the
    person sets their own from the reset email ("Send a password reset email").
    """

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "school", "job_role"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class CPDHubUserChangeForm(UserChangeForm):
    # No admin path sets or shows another person's password (not even its hash or a link).
    password = None

    class Meta:
        model = User
        exclude = ["password"]


@admin.register(User)
class UserAdmin(CountsOnDeleteMixin, DjangoUserAdmin):
    @admin.action(description="Export the selected people as CSV")
    def export_csv(self, request, queryset):
        return exports.csv_response(
            exports.StaffExport(), queryset.select_related("school"), "staff"
        )

    form = CPDHubUserChangeForm
    add_form = CPDHubUserCreationForm
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "school",
        "job_role",
        "is_active",
        "is_staff",
    ]
    list_filter = ["job_role", "is_active", "is_staff", "groups", "school__hub", "school"]
    list_select_related = ["school"]
    search_fields = ["email", "first_name", "last_name", "school__name"]
    autocomplete_fields = ["school", "subjects", "phases"]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["send_password_reset", "deactivate", "export_csv"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (
            "Person",
            {"fields": ["first_name", "last_name", "school", "job_role", "subjects", "phases"]},
        ),
        (
            "Access",
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
                "description": "Switching “active” off is the same as the action “Deactivate "
                "(left the school)”: bookings are cancelled, networks and roles left, "
                "shared items hidden. To help someone who cannot sign in, use the action "
                "“Send a password reset email”.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "school", "job_role"],
                "description": "The person sets their own password: after adding them, use "
                "“Send a password reset email”.",
            },
        )
    ]

    def get_readonly_fields(self, request, obj=None):
        # Changing someone's address to one's own and then resetting "their" password would be
        # a way into their account: addresses are the person's to change (/accounts/email/).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "email"] if obj is not None else readonly

    def user_change_password(self, request, id, form_url=""):
        # Django's "change password" page for a user: refused, whoever asks (403).
        raise PermissionDenied("Nobody sets another person's password here.")

    @admin.action(description="Send a password reset email", permissions=["change"])
    def send_password_reset(self, request, queryset):
        sent = services.password_reset_send(users=list(queryset), request=request)
        skipped = queryset.count() - sent
        message = f"Password reset email sent to {sent} person(s)."
        if skipped:
            message += f" {skipped} deactivated account(s) skipped."
        self.message_user(request, message)

    @admin.action(description="Deactivate (left the school)", permissions=["change"])
    def deactivate(self, request, queryset):
        done = 0
        for user in queryset.filter(is_active=True):
            services.user_deactivate(user=user, by=request.user)
            done += 1
        self.message_user(
            request,
            f"{done} account(s) deactivated: future bookings cancelled, networks and roles "
            "left, open invitations withdrawn, shared items hidden.",
        )

    def save_model(self, request, obj, form, change):
        leaving = change and "is_active" in form.changed_data and not obj.is_active
        if leaving:
            obj.is_active = True  # the service switches it off, with everything that goes with it
        super().save_model(request, obj, form, change)
        if leaving:
            services.user_deactivate(user=obj, by=request.user)
            obj.is_active = False

    def delete_model(self, request, obj):
        services.user_delete(user=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(User)):
            for user in queryset:
                services.user_delete(user=user, by=request.user)


@admin.register(SubjectNetwork)
class SubjectNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "hub"]
    list_filter = ["subject", "hub"]
    list_select_related = ["subject", "hub"]
    search_fields = ["name", "description", "subject__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["subject", "hub", "leads", "members"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end", "academic_year"]
    search_fields = ["name"]
    date_hierarchy = "start"

    @admin.display(description="Academic year")
    def academic_year(self, term: Term) -> str:
        return term.academic_year


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "school",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["school", ("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["school", "invited_by"]
    search_fields = ["email", "school__name"]
    autocomplete_fields = ["school", "invited_by", "accepted_user"]
    actions = ["withdraw"]

    # Invitations are sent from a school's page (/schools/<urn>/invite/), which emails them;
    # here the coordinator sees them all and can withdraw open ones.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Withdraw the selected open invitations", permissions=["view"])
    def withdraw(self, request, queryset):
        withdrawn = 0
        for invitation in queryset.open():
            services.invitation_revoke(invitation=invitation, by=None)
            withdrawn += 1
        self.message_user(request, f"{withdrawn} invitation(s) withdrawn.")


# allauth's own admin pages, read-only where an edit would be a way into someone's account:
# adding an address (or a Google/Microsoft identity) of one's own to another person's account.
class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model, base in [(EmailAddress, EmailAddressAdmin), (SocialAccount, SocialAccountAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"ReadOnly{base.__name__}", (ReadOnlyMixin, base), {}))


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Uploads run in the background: who ran what, and how it went. Read-only."""

    list_display = ["created_at", "created_by", "kind", "school", "dry_run", "state", "total_rows"]
    list_filter = ["kind", "state", "dry_run"]
    list_select_related = ["created_by", "school"]
    search_fields = ["created_by__email", "file_name", "school__name"]
    fields = [
        "created_by", "kind", "school", "hub", "file_name", "dry_run", "confirms", "state",
        "total_rows", "summary", "error", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="result")
    def summary(self, obj) -> str:
        return obj.result.get("summary", "")
