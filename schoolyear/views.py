"""
The school year's pages. A team is looked up among those the person may see
(``selectors.team_for``): anyone else, another school's leader and the coordinator included,
gets 404. The planner is for the school's staff (the published plan), its CPD leaders (the
draft, with clashes) and the coordinator. Every write is a POST through a service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cpdhub.academic_year import current_academic_year, year_label
from cpdhub.forms import errors_to_form
from hubs.models import School

from . import figures, meetings, permissions, plan, selectors, teams
from .forms import (
    AttendanceForm,
    CommunityDateForm,
    MeetingForm,
    MemberForm,
    MoveForm,
    PlanDateForm,
    PriorityForm,
    SeriesForm,
    TeamEditForm,
    TeamForm,
    TryForm,
)
from .models import CommunityDate, MeetingSeries, PlanDate, Team, TeamMeeting, TeamMembership


def _team(request, pk: int) -> Team:
    try:
        return selectors.team_for(request.user, pk)
    except Team.DoesNotExist:
        raise Http404 from None


def _meeting(request, team: Team, pk: int) -> TeamMeeting:
    try:
        return selectors.meeting_for(team, pk, drafts=permissions.can_edit_team(request.user, team))
    except TeamMeeting.DoesNotExist:
        raise Http404 from None


def _school(request, urn: int, *, plan_it: bool = False) -> School:
    school = get_object_or_404(School.objects.select_related("hub"), urn=urn)
    if not permissions.can_see_plan(request.user, school):
        raise Http404
    if plan_it:
        permissions.require_can_plan(request.user, school)
    return school


def _year(request) -> int:
    try:
        year = int(request.POST.get("year") or request.GET.get("year", ""))
    except ValueError:
        return current_academic_year()
    return year if 2000 <= year <= 2100 else current_academic_year()


# --- Teams ---------------------------------------------------------------------------------


def _team_page(request, team: Team, **forms):
    may_edit = permissions.can_edit_team(request.user, team)
    context = {
        "page": selectors.team_page(team, drafts=may_edit),
        "may_edit": may_edit,
        "may_choose_leader": permissions.can_plan(request.user, team.school),
    }
    if may_edit:
        context |= {
            "edit_form": forms.get("edit_form")
            or TeamEditForm(school=team.school, initial={"focus": team.focus}),
            "member_form": forms.get("member_form") or MemberForm(school=team.school),
            "series_form": forms.get("series_form") or SeriesForm(),
        }
    return render(request, "schoolyear/team.html", context, status=400 if forms else 200)


def team(request, pk: int):
    return _team_page(request, _team(request, pk))


@require_POST
def team_edit(request, pk: int):
    team = _team(request, pk)
    permissions.require_can_edit_team(request.user, team)
    form = TeamEditForm(request.POST, school=team.school)
    if form.is_valid():
        try:
            teams.team_update(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Team saved.")
            return redirect(team)
    return _team_page(request, team, edit_form=form)


@require_POST
def member_add(request, pk: int):
    team = _team(request, pk)
    permissions.require_can_edit_team(request.user, team)
    form = MemberForm(request.POST, school=team.school)
    if form.is_valid():
        teams.member_add(team=team, by=request.user, user=form.cleaned_data["user"])
        messages.success(request, f"{form.cleaned_data['user'].full_name} is in the team.")
        return redirect(team)
    return _team_page(request, team, member_form=form)


@require_POST
def member_remove(request, pk: int, user_id: int):
    team = _team(request, pk)
    permissions.require_can_edit_team(request.user, team)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("user"), team=team, user_id=user_id
    )
    try:
        teams.member_remove(team=team, by=request.user, user=membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.full_name} is no longer in the team.")
    return redirect(team)


@require_POST
def series_new(request, pk: int):
    team = _team(request, pk)
    permissions.require_can_edit_team(request.user, team)
    form = SeriesForm(request.POST)
    if form.is_valid():
        try:
            series = meetings.series_create(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"{series.meetings.count()} meetings planned.")
            return redirect(team)
    return _team_page(request, team, series_form=form)


@require_POST
def series_remove(request, pk: int, series_pk: int):
    team = _team(request, pk)
    permissions.require_can_edit_team(request.user, team)
    series = get_object_or_404(MeetingSeries, team=team, pk=series_pk)
    meetings.series_remove(series=series, by=request.user)
    messages.success(request, f"“{series.title}” and its meetings are taken off.")
    return redirect(team)


@require_POST
def meeting_remove(request, pk: int, meeting_pk: int):
    team = _team(request, pk)
    meeting = _meeting(request, team, meeting_pk)
    permissions.require_can_edit_team(request.user, team)
    meetings.meeting_remove(meeting=meeting, by=request.user)
    messages.success(request, "The meeting is taken off.")
    return redirect(team)


def _meeting_page(request, team: Team, meeting: TeamMeeting, **forms):
    may_edit = permissions.can_edit_team(request.user, team)
    is_member = permissions.is_member(request.user, team)
    tries = selectors.meeting_tries(meeting)
    mine = next((t for t in tries if t.user_id == request.user.pk), None)
    context = {
        "team": team,
        "meeting": meeting,
        "tries": tries,
        "may_edit": may_edit,
        "is_member": is_member,
    }
    if may_edit:
        context["meeting_form"] = forms.get("meeting_form") or MeetingForm(
            meeting=meeting,
            initial={
                "focus": meeting.focus,
                "priority": meeting.priority_id,
                "agenda": meeting.agenda,
                "notes": meeting.notes,
            },
        )
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            team=team, initial={"present": list(meeting.attendance.values_list("user", flat=True))}
        )
    if is_member:
        context["try_form"] = forms.get("try_form") or TryForm(
            initial={"text": mine.text if mine else ""}
        )
    return render(request, "schoolyear/meeting.html", context, status=400 if forms else 200)


def meeting(request, pk: int, meeting_pk: int):
    team = _team(request, pk)
    return _meeting_page(request, team, _meeting(request, team, meeting_pk))


@require_POST
def meeting_edit(request, pk: int, meeting_pk: int):
    team = _team(request, pk)
    meeting = _meeting(request, team, meeting_pk)
    permissions.require_can_edit_team(request.user, team)
    form = MeetingForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            meetings.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Meeting saved.")
            return redirect(meeting)
    return _meeting_page(request, team, meeting, meeting_form=form)


@require_POST
def attendance(request, pk: int, meeting_pk: int):
    team = _team(request, pk)
    meeting = _meeting(request, team, meeting_pk)
    permissions.require_can_edit_team(request.user, team)
    form = AttendanceForm(request.POST, team=team)
    if form.is_valid():
        meetings.attendance_record(
            meeting=meeting, by=request.user, present=list(form.cleaned_data["present"])
        )
        messages.success(request, "Attendance saved.")
        return redirect(meeting)
    return _meeting_page(request, team, meeting, attendance_form=form)


@require_POST
def try_next(request, pk: int, meeting_pk: int):
    team = _team(request, pk)
    meeting = _meeting(request, team, meeting_pk)
    permissions.require_member(request.user, team)
    form = TryForm(request.POST)
    if form.is_valid():
        meetings.try_save(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Saved: the team sees what you will try.")
        return redirect(meeting)
    return _meeting_page(request, team, meeting, try_form=form)


def school_teams(request, urn: int):
    school = _school(request, urn, plan_it=True)
    form = TeamForm(request.POST if request.method == "POST" else None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            team = teams.team_create(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"{team.name} is set up: add its members.")
            return redirect(team)
    return render(
        request,
        "schoolyear/school_teams.html",
        {"school": school, "teams": selectors.school_teams(school), "form": form},
        status=400 if form.errors else 200,
    )


# --- The year planner ----------------------------------------------------------------------


def _planner_page(request, school: School, year: int, **forms):
    draft = permissions.can_see_draft(request.user, school)
    may_plan = permissions.can_plan(request.user, school)
    context = {
        "planner": selectors.planner(school, year, draft=draft),
        "year_label": year_label(year),
        "previous_year": year - 1,
        "next_year": year + 1,
        "may_plan": may_plan,
    }
    if may_plan:
        context |= {
            "date_form": forms.get("date_form") or PlanDateForm(),
            "move_form": MoveForm(),
        }
    return render(request, "schoolyear/planner.html", context, status=400 if forms else 200)


def planner(request, urn: int):
    school = _school(request, urn)
    return _planner_page(request, school, _year(request))


@require_POST
def date_add(request, urn: int):
    school = _school(request, urn, plan_it=True)
    form = PlanDateForm(request.POST)
    if form.is_valid():
        try:
            item = plan.date_add(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"{item.get_kind_display()} added.")
            return redirect(_planner_url(school, item.plan.academic_year))
    return _planner_page(request, school, _year(request), date_form=form)


def _planner_url(school: School, year: int) -> str:
    return reverse("schoolyear:planner", kwargs={"urn": school.urn}) + f"?year={year}"


def _date(school: School, pk: int) -> PlanDate:
    return get_object_or_404(PlanDate.objects.select_related("plan"), pk=pk, plan__school=school)


@require_POST
def date_move(request, urn: int, pk: int):
    school = _school(request, urn, plan_it=True)
    item = _date(school, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            plan.date_move(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Date moved.")
    else:
        messages.error(request, "Give the new date as a date.")
    return redirect(_planner_url(school, item.plan.academic_year))


@require_POST
def date_remove(request, urn: int, pk: int):
    school = _school(request, urn, plan_it=True)
    item = _date(school, pk)
    plan.date_remove(item=item, by=request.user)
    told = item.plan.published_at is not None and item.kind != PlanDate.Kind.PROTECTED
    messages.success(
        request, f"{item.title} taken off the plan." + (" Staff are told by email." if told else "")
    )
    return redirect(_planner_url(school, item.plan.academic_year))


@require_POST
def publish(request, urn: int):
    school = _school(request, urn, plan_it=True)
    year = _year(request)
    plan.plan_publish(school=school, by=request.user, year=year)
    messages.success(request, f"{year_label(year)} is published: staff see it and their calendars.")
    return redirect(_planner_url(school, year))


@require_POST
def adopt(request, urn: int, pk: int):
    school = _school(request, urn, plan_it=True)
    proposal = get_object_or_404(CommunityDate, pk=pk)
    item = plan.community_date_adopt(school=school, by=request.user, proposal=proposal)
    messages.success(request, f"{item.title} is an INSET day of {school.name}.")
    return redirect(_planner_url(school, item.plan.academic_year))


def priorities(request, urn: int):
    school = _school(request, urn, plan_it=True)
    year = _year(request)
    form = PriorityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan.priority_create(school=school, by=request.user, year=year, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Priority saved.")
            return redirect(reverse("schoolyear:priorities", kwargs={"urn": urn}) + f"?year={year}")
    return render(
        request,
        "schoolyear/priorities.html",
        {
            "school": school,
            "year": year,
            "year_label": year_label(year),
            "coverage": figures.coverage(school, year),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- The coordinator -----------------------------------------------------------------------


def community_year(request):
    permissions.require_coordinator(request.user)
    year = _year(request)
    schools, rows = selectors.inset_side_by_side(year)
    return render(
        request,
        "schoolyear/community.html",
        {
            "year": year,
            "year_label": year_label(year),
            "schools": schools,
            "rows": rows,
            "proposals": {
                p.date: p for p in CommunityDate.objects.filter(date__in=[d for d, _ in rows])
            },
            "form": CommunityDateForm(),
        },
    )


@require_POST
def community_propose(request):
    permissions.require_coordinator(request.user)
    form = CommunityDateForm(request.POST)
    if form.is_valid():
        try:
            proposal = plan.community_date_propose(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{proposal.title} proposed to every school.")
    else:
        messages.error(request, "Give the proposed day as a date, with a title.")
    return redirect("schoolyear:community")
