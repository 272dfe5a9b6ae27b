from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from . import services
from .models import (
    Hub,
    Invitation,
    Phase,
    School,
    SchoolDomain,
    Subject,
    SubjectNetwork,
    Term,
    User,
)


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
class HubAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["leaders"]
    inlines = [SchoolInline]


class SchoolDomainInline(admin.TabularInline):
    model = SchoolDomain
    extra = 1


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "establishment_type", "hub", "local_authority"]
    list_filter = ["hub", "phase", "establishment_type", "local_authority"]
    search_fields = ["name", "urn", "postcode", "local_authority", "domains__domain"]
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


class CPDHubUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]


class CPDHubUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {"fields": ["first_name", "last_name", "school", "job_role", "subjects", "phases"]},
        ),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]


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
            services.invitation_revoke(invitation=invitation)
            withdrawn += 1
        self.message_user(request, f"{withdrawn} invitation(s) withdrawn.")
