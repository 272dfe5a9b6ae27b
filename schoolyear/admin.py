from django.contrib import admin

from .models import CommunityDate, MeetingSeries, PlanDate, Priority, Team, YearPlan


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "kind", "leader"]
    list_filter = ["kind"]
    search_fields = ["name", "school__name"]
    raw_id_fields = ["leader"]
    list_select_related = ["school", "leader"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["team", "title", "first_date", "last_date", "start_time", "every_weeks"]
    list_select_related = ["team"]
    raw_id_fields = ["team"]


@admin.register(YearPlan)
class YearPlanAdmin(admin.ModelAdmin):
    list_display = ["school", "academic_year", "published_at"]
    list_select_related = ["school"]
    raw_id_fields = ["published_by"]


@admin.register(PlanDate)
class PlanDateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "end", "plan"]
    list_filter = ["kind"]
    list_select_related = ["plan__school"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "academic_year"]
    list_select_related = ["school"]


@admin.register(CommunityDate)
class CommunityDateAdmin(admin.ModelAdmin):
    list_display = ["date", "title"]
    raw_id_fields = ["proposed_by"]
