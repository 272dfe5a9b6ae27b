"""
The portfolio's pages. Every object is looked up through a queryset scoped to what the user may
see, so anyone else gets 404 (not a different error path); every write is the owner's only.
"""

from __future__ import annotations

import json
import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cpdhub.academic_year import current_academic_year, year_label
from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of
from cpdhub.querystring import id_param
from cpdhub.words import in_sentence

from . import permissions, selectors, services
from .export import portfolio_as_data, portfolio_zip, whole_portfolio
from .forms import (
    DecideNeedForm,
    EntryForm,
    FollowUpForm,
    GoalForm,
    NeedForm,
    ReviewForm,
    StatementForm,
)
from .home import portfolio_home
from .models import FIRST_YEAR, Entry, EntryAttachment, Goal, ImpactFollowUp, Need
from .needs import need_for_leader
from .needs import needs_audit as school_needs_audit
from .statement import draft, year_in_review
from .suggestions import suggest_experts, suggest_sessions
from .visibility import shared_with_me

ENTRIES_PER_PAGE = 25


def _mine(model, user, pk: int):
    return get_object_or_404(model, pk=pk, owner=user)


# --- /portfolio/ -----------------------------------------------------------------------


def home(request):
    portfolio = portfolio_home(request.user)
    return render(
        request,
        "portfolios/home.html",
        {"portfolio": portfolio, "year_label": year_label(portfolio.year)},
    )


# --- Goals -----------------------------------------------------------------------------


def goal_new(request):
    form = GoalForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            goal = services.goal_create(owner=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"Your goal “{goal.title}” is saved.")
            return redirect(goal)
    return render(
        request,
        "portfolios/goal_form.html",
        {"form": form, "goal": None},
        status=400 if form.errors else 200,
    )


def goal_detail(request, pk: int):
    try:
        goal = selectors.goal_detail(request.user, pk)
    except Goal.DoesNotExist:
        raise Http404 from None
    is_owner = permissions.is_owner(request.user, goal)
    return render(
        request,
        "portfolios/goal_detail.html",
        {
            "goal": goal,
            "is_owner": is_owner,
            "review_form": ReviewForm(),
            "suggestions": suggest_experts(request.user, goal.areas.all()) if is_owner else [],
            "session_suggestions": suggest_sessions(
                request.user, {goal: {a.pk for a in goal.areas.all()}}
            )[goal]
            if is_owner
            else None,
        },
    )


def goal_edit(request, pk: int):
    goal = _mine(Goal, request.user, pk)
    form = GoalForm(request.POST or None, instance=goal, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Your goal is saved.")
            return redirect(goal)
    return render(
        request,
        "portfolios/goal_form.html",
        {"form": form, "goal": goal},
        status=400 if form.errors else 200,
    )


@require_POST
def goal_delete(request, pk: int):
    goal = _mine(Goal, request.user, pk)
    services.goal_delete(goal=goal)
    messages.success(request, f"The goal “{goal.title}” is deleted. Its entries stay in your log.")
    return redirect("portfolios:home")


@require_POST
def goal_review(request, pk: int):
    goal = _mine(Goal, request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.goal_review_add(goal=goal, note=form.cleaned_data["note"])
        messages.success(request, "Your review note is added.")
    else:
        messages.error(request, "Write a note before adding it.")
    return redirect(goal)


# --- The log -----------------------------------------------------------------------------


def entry_list(request):
    page = Paginator(selectors.my_entries(request.user), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "portfolios/entry_list.html", {"page": page})


def _entry_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["attachment"] = data.pop("attachment", None) or None
    return data


def entry_new(request):
    form = EntryForm(request.POST or None, request.FILES or None, owner=request.user)
    goal_pk = id_param(request.GET.get("goal"))
    if request.method == "GET" and goal_pk is not None:
        goal = Goal.objects.filter(pk=goal_pk, owner=request.user).first()
        if goal is not None:
            form.initial["goals"] = [goal]
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(owner=request.user, **_entry_data(form))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"“{entry.title}” is in your log.")
            return redirect(entry)
    return render(
        request,
        "portfolios/entry_form.html",
        {"form": form, "entry": None},
        status=400 if form.errors else 200,
    )


def entry_detail(request, pk: int):
    try:
        entry = selectors.entry_detail(request.user, pk)
    except Entry.DoesNotExist:
        raise Http404 from None
    try:
        follow_up = entry.follow_up
    except ImpactFollowUp.DoesNotExist:
        follow_up = None
    return render(
        request,
        "portfolios/entry_detail.html",
        {
            "entry": entry,
            "follow_up": follow_up,
            "is_owner": permissions.is_owner(request.user, entry),
            "today": timezone.localdate(),
        },
    )


def entry_edit(request, pk: int):
    entry = _mine(Entry, request.user, pk)
    form = EntryForm(
        request.POST or None, request.FILES or None, instance=entry, owner=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(entry=entry, **_entry_data(form))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Your entry is saved.")
            return redirect(entry)
    return render(
        request,
        "portfolios/entry_form.html",
        {"form": form, "entry": entry, "attachments": entry.attachments.all()},
        status=400 if form.errors else 200,
    )


@require_POST
def entry_delete(request, pk: int):
    entry = _mine(Entry, request.user, pk)
    services.entry_delete(entry=entry)
    messages.success(request, f"“{entry.title}” is deleted from your log.")
    return redirect("portfolios:entries")


def attachment(request, entry_pk: int, pk: int):
    try:
        entry = selectors.entry_detail(request.user, entry_pk)
    except Entry.DoesNotExist:
        raise Http404 from None
    item = get_object_or_404(EntryAttachment, pk=pk, entry=entry)
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def attachment_delete(request, entry_pk: int, pk: int):
    entry = _mine(Entry, request.user, entry_pk)
    item = get_object_or_404(EntryAttachment, pk=pk, entry=entry)
    services.attachment_delete(attachment=item)
    messages.success(request, f"“{item.original_name}” is removed.")
    return redirect("portfolios:entry_edit", pk=entry.pk)


# --- The impact loop ---------------------------------------------------------------------


def follow_up(request, pk: int):
    item = get_object_or_404(
        ImpactFollowUp.objects.select_related("entry"), pk=pk, entry__owner=request.user
    )
    form = FollowUpForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(
                follow_up=item,
                tried=form.cleaned_data["tried"],
                level=form.cleaned_data["level"],
                what_happened=form.cleaned_data["what_happened"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Thank you: your answer is in your portfolio.")
            return redirect("portfolios:home")
    # The instance's fields were set by the form; show the saved state on errors.
    return render(
        request,
        "portfolios/follow_up.html",
        {"follow_up": item, "entry": item.entry, "form": form},
        status=400 if form.errors else 200,
    )


# --- Needs ---------------------------------------------------------------------------------


def need_list(request):
    form = NeedForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Your need is recorded. Your CPD leader will see it.")
            return redirect("portfolios:needs")
    needs = page_of(
        request,
        Need.objects.filter(owner=request.user)
        .select_related("area", "goal")
        .order_by("status", "-created_at", "pk"),
    )
    return render(
        request,
        "portfolios/needs.html",
        {"form": form, "needs": needs},
        status=400 if form.errors else 200,
    )


def need_edit(request, pk: int):
    need = get_object_or_404(Need.objects.select_related("area", "goal"), pk=pk, owner=request.user)
    form = NeedForm(request.POST or None, instance=need, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Your need is saved.")
            return redirect("portfolios:needs")
    if form.is_bound:  # a refused form wrote its values on the instance: show what is saved
        need = get_object_or_404(Need.objects.select_related("area", "goal"), pk=need.pk)
    return render(
        request,
        "portfolios/need_form.html",
        {
            "form": form,
            "need": need,
            "suggestions": suggest_experts(request.user, [need.area]),
            "session_suggestions": suggest_sessions(request.user, {need: {need.area_id}})[need],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def need_delete(request, pk: int):
    need = _mine(Need, request.user, pk)
    services.need_delete(need=need)
    messages.success(request, "The need is deleted.")
    return redirect("portfolios:needs")


def needs_audit(request):
    permissions.require_can_see_needs_audit(request.user)
    schools = list(request.user.led_schools.order_by("name"))
    return render(
        request,
        "portfolios/needs_audit.html",
        {
            "audit": school_needs_audit(request.user.led_school_ids),
            "schools": schools,
            "decide_choices": DecideNeedForm().fields["status"].choices,
        },
    )


@require_POST
def need_decide(request, pk: int):
    try:
        need = need_for_leader(request.user, pk)
    except Need.DoesNotExist:
        raise Http404 from None
    form = DecideNeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the need.")
        return redirect("portfolios:needs_audit")
    services.need_decide(need=need, by=request.user, status=form.cleaned_data["status"])
    messages.success(
        request,
        f"{need.owner.full_name}'s need in {in_sentence(need.area.name)} is now "
        f"“{need.get_status_display().lower()}”.",
    )
    return redirect("portfolios:needs_audit")


def needs_community(request):
    """The old address of needs against supply, now the coordinator's (/coordinator/needs/)."""
    permissions.require_can_see_community_needs(request.user)
    return redirect("coordination:needs", permanent=True)


# --- Shared with me --------------------------------------------------------------------------


def shared(request):
    goals, entries = shared_with_me(request.user)
    return render(
        request,
        "portfolios/shared.html",
        {
            "goals": page_of(request, goals, param="goals_page"),
            "entries": page_of(request, entries, param="entries_page"),
        },
    )


# --- The statement ---------------------------------------------------------------------------


def statement_now(request):
    return redirect("portfolios:statement", year=current_academic_year())


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= current_academic_year() + 1:
        raise Http404("No statement for that year.")


def statement(request, year: int):
    _check_year(year)
    review = year_in_review(request.user, year)
    drafted = draft(review, name=request.user.full_name)
    if request.method == "POST":
        if "redraft" in request.POST:
            services.statement_redraft(owner=request.user, year=year)
            messages.success(request, "Your statement is drafted afresh from your portfolio.")
            return redirect("portfolios:statement", year=year)
        form = StatementForm(request.POST)
        if form.is_valid():
            try:
                services.statement_save(
                    owner=request.user, year=year, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, "Your statement is saved.")
                return redirect("portfolios:statement", year=year)
    else:
        form = StatementForm(initial={"text": review.saved.text if review.saved else drafted})
    text = review.saved.text if review.saved else drafted
    return render(
        request,
        "portfolios/statement.html",
        {
            "review": review,
            "year_label": year_label(year),
            "text": text,
            "form": form,
            "edited": review.saved is not None,
            "previous_year": year - 1 if year - 1 >= FIRST_YEAR else None,
            "next_year": year + 1 if year + 1 <= current_academic_year() else None,
        },
        status=400 if form.errors else 200,
    )


# --- Portable --------------------------------------------------------------------------------


def export_json(request):
    data = portfolio_as_data(request.user, whole_portfolio(request.user))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cpd-portfolio-{stamp}.json"'
    return response


def export_zip(request):
    """Everything in one download: the JSON, my evidence files, and a printable copy."""
    stream = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    portfolio_zip(request.user, whole_portfolio(request.user), stream)
    stream.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"cpd-portfolio-{stamp}.zip",
        content_type="application/zip",
    )


def printable(request):
    portfolio = whole_portfolio(request.user)
    return render(request, "portfolios/print.html", {"portfolio": portfolio})
