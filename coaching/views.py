"""
Coaching's pages. A relationship is looked up among the person's own (selectors.relationship_for),
so anyone who is not a member, leaders and the coordinator included, gets 404. Every write is a
POST through a service, which checks its rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpd_sessions.lifecycle import SessionRefused
from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of
from experts.models import ExpertProfile

from . import library, permissions, selectors, services, visits
from .forms import (
    AnswerForm,
    CheckBackForm,
    CopyForm,
    DecideForm,
    MeetingForm,
    MoveForm,
    ObservationForm,
    RequestForm,
    SetUpForm,
    ShareForm,
    StatusForm,
    StepFilterForm,
    StepForm,
    VisitForm,
)
from .models import ActionStep, Meeting, Observation, Relationship, Share, Step, Visit

SHAREABLE = {"observation": Observation, "meeting": Meeting, "step": ActionStep}


def _relationship(request, pk: int) -> Relationship:
    try:
        return selectors.relationship_for(request.user, pk)
    except Relationship.DoesNotExist:
        raise Http404 from None


def _step(request, pk: int, step_pk: int) -> tuple[Relationship, ActionStep]:
    relationship = _relationship(request, pk)
    step = get_object_or_404(ActionStep, pk=step_pk, relationship=relationship)
    step.relationship = relationship  # its members, already loaded
    return relationship, step


def _coached_users(relationship: Relationship, user) -> list:
    return [
        m.user
        for m in relationship.memberships.all()
        if m.is_coached and m.user_id not in (None, user.pk)
    ]


# --- /coaching/ --------------------------------------------------------------------------


def home(request):
    page = selectors.my_coaching(request.user)
    return render(
        request,
        "coaching/home.html",
        {
            "page": page,
            "can_set_up": permissions.can_set_up(request.user),
            "answer_form": AnswerForm(),
        },
    )


def shared(request):
    return render(request, "coaching/shared.html", {"shares": selectors.shared_with(request.user)})


# --- Setting up and asking ---------------------------------------------------------------


def set_up(request):
    permissions.require_can_set_up(request.user)
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_create(
                by=request.user,
                coaches=[data["coach"]] if data["coach"] else [],
                teachers=data["teachers"],
                peer=data["peer"],
                rhythm_days=data["rhythm_days"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            names = ", ".join(m.user.full_name for m in relationship.memberships.all() if m.user)
            messages.success(request, f"Coaching is set up for {names}.")
            return redirect("coaching:home")
    return render(
        request, "coaching/set_up.html", {"form": form}, status=400 if form.errors else 200
    )


def ask(request, profile: int):
    found = get_object_or_404(
        ExpertProfile.objects.visible().select_related("user__school"), pk=profile
    )
    permissions.require_can_request_coaching(request.user, found)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_request(by=request.user, profile=found, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                f"Your request is sent to {found.user.full_name}. We will email you their answer.",
            )
            return redirect("coaching:home")
    return render(
        request,
        "coaching/ask.html",
        {"form": form, "profile": found},
        status=400 if form.errors else 200,
    )


@require_POST
def answer(request, pk: int):
    relationship = _relationship(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        services.relationship_answer(relationship=relationship, by=request.user, accept=accept)
        messages.success(
            request,
            "You accepted: the coaching has started."
            if accept
            else "You declined the request; we have told them.",
        )
    return redirect(relationship)


@require_POST
def status(request, pk: int):
    relationship = _relationship(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        what = form.cleaned_data["action"]
        if what == "end":
            services.relationship_end(relationship=relationship, by=request.user)
            messages.success(request, "The coaching has ended.")
        else:
            services.relationship_pause(
                relationship=relationship, by=request.user, paused=what == "pause"
            )
            messages.success(
                request,
                "The coaching is paused: nothing is due until you resume it."
                if what == "pause"
                else "The coaching has resumed.",
            )
    return redirect(relationship)


# --- /coaching/<id>/ ---------------------------------------------------------------------


def cycle(request, pk: int):
    relationship = _relationship(request, pk)
    page = selectors.cycle_page(
        relationship, request.user, selectors.history_page_number(request.GET.get("earlier"))
    )
    return render(
        request,
        "coaching/cycle.html",
        {
            "page": page,
            "relationship": relationship,
            "can_record": permissions.can_record(request.user, relationship),
            "can_pause": permissions.can_pause(request.user, relationship),
            "can_end": permissions.can_end(request.user, relationship),
            "can_answer": permissions.can_answer_request(request.user, relationship),
            "can_plan_visit": permissions.can_plan_visit(request.user, relationship),
            "visits": visits.visit_rows(relationship, request.user),
            "answer_form": AnswerForm(),
            "me": request.user,
        },
    )


def observe(request, pk: int):
    relationship = _relationship(request, pk)
    permissions.require_can_record(request.user, relationship)
    form = ObservationForm(request.POST or None, coached=_coached_users(relationship, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_record(
                relationship=relationship, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The observation is recorded.")
            return redirect(relationship)
    return render(
        request,
        "coaching/observe.html",
        {"form": form, "relationship": relationship},
        status=400 if form.errors else 200,
    )


def meet(request, pk: int):
    relationship = _relationship(request, pk)
    permissions.require_can_record(request.user, relationship)
    form = MeetingForm(
        request.POST or None,
        coached=_coached_users(relationship, request.user),
        observations=Observation.objects.filter(relationship=relationship),
        steps=selectors.library(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(relationship=relationship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The meeting is recorded; the teacher is emailed the step.")
            return redirect(relationship)
    return render(
        request,
        "coaching/meet.html",
        {"form": form, "relationship": relationship},
        status=400 if form.errors else 200,
    )


def visit_plan(request, pk: int):
    """Plan a visit to the teacher's school, then on to the session's page to book it (the form
    there asks release time from the coach's CPD leader)."""
    relationship = _relationship(request, pk)
    permissions.require_can_plan_visit(request.user, relationship)
    form = VisitForm(
        request.POST or None, schools=permissions.visit_schools(relationship, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = visits.visit_plan(
                relationship=relationship, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                "The visit is planned. Now book it: say what cover and costs it needs, and "
                "your CPD leader decides on the release time.",
            )
            return redirect(visit.session)
    return render(
        request,
        "coaching/visit_plan.html",
        {"form": form, "relationship": relationship},
        status=400 if form.errors else 200,
    )


@require_POST
def visit_cancel(request, pk: int, visit_pk: int):
    relationship = _relationship(request, pk)
    visit = get_object_or_404(
        Visit.objects.select_related("session"), pk=visit_pk, relationship=relationship
    )
    try:
        visits.visit_cancel(visit=visit, by=request.user)
    except SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The visit is called off; any release time is given back.")
    return redirect(relationship)


@require_POST
def step_move(request, pk: int, step_pk: int):
    relationship, step = _step(request, pk, step_pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            step = services.step_move(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The step is now {step.get_status_display().lower()}.")
    return redirect(relationship)


@require_POST
def step_check_back(request, pk: int, step_pk: int):
    relationship, step = _step(request, pk, step_pk)
    form = CheckBackForm(request.POST)
    if form.is_valid():
        try:
            services.step_reschedule(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The check-back date is changed.")
    else:
        messages.error(request, "Enter the new check-back date.")
    return redirect(relationship)


def step_portfolio(request, pk: int, step_pk: int):
    relationship, step = _step(request, pk, step_pk)
    permissions.require_can_copy_to_portfolio(request.user, step)
    form = CopyForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.step_copy_to_portfolio(step=step, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The step is in your portfolio log.")
            return redirect(entry)
    return render(
        request,
        "coaching/portfolio_copy.html",
        {"form": form, "relationship": relationship, "step": step},
        status=400 if form.errors else 200,
    )


# --- Sharing one item --------------------------------------------------------------------


def share(request, pk: int, what: str, item_pk: int):
    relationship = _relationship(request, pk)
    model = SHAREABLE.get(what)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=item_pk, relationship=relationship)
    permissions.require_can_share(request.user, item)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_create(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, f"{form.cleaned_data['colleague'].full_name} can now read it."
            )
            return redirect(request.path)
    shares = Share.objects.filter(owner=request.user, **{what: item}).select_related("colleague")
    return render(
        request,
        "coaching/share.html",
        {
            "form": form,
            "relationship": relationship,
            "item": item,
            "what": what,
            "shares": shares,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def share_withdraw(request, pk: int):
    found = get_object_or_404(
        Share.objects.select_related("observation", "meeting", "step"), pk=pk, owner=request.user
    )
    item = found.item
    services.share_withdraw(share=found, by=request.user)
    messages.success(request, "The share is withdrawn: they can no longer read it.")
    return redirect(item.relationship)


# --- The library -------------------------------------------------------------------------


def step_library(request):
    form = StepFilterForm(request.GET or None)
    steps = selectors.library(request.user, **form.filters())
    return render(
        request,
        "coaching/library.html",
        {
            "form": form,
            "page_obj": page_of(request, steps),
            "proposals": list(selectors.proposals_for(request.user)[:50]),
            "mine": list(selectors.my_proposals(request.user)),
            "can_propose": permissions.can_propose(request.user),
        },
    )


def step_new(request):
    permissions.require_can_propose(request.user)
    form = StepForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        school = request.user.school if data.pop("for_school", False) else None
        try:
            step = library.step_propose(by=request.user, school=school, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                "The step is in the library."
                if step.status == Step.Status.PUBLISHED
                else "Your step is proposed: a curator will publish it or say no.",
            )
            return redirect("coaching:step_detail", pk=step.pk)
    return render(
        request, "coaching/step_form.html", {"form": form}, status=400 if form.errors else 200
    )


def step_detail(request, pk: int):
    try:
        step = selectors.step_visible(request.user, pk)
    except Step.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "coaching/step_detail.html",
        {
            "step": step,
            "can_decide": step.status == Step.Status.PROPOSED
            and permissions.can_curate(request.user, step.school_id),
            "decide_form": DecideForm(),
        },
    )


@require_POST
def step_decide(request, pk: int):
    try:
        step = selectors.step_visible(request.user, pk)
    except Step.DoesNotExist:
        raise Http404 from None
    form = DecideForm(request.POST)
    if form.is_valid():
        publish = form.cleaned_data["decision"] == "publish"
        library.step_decide(step=step, by=request.user, publish=publish)
        messages.success(request, "Published." if publish else "Declined.")
    return redirect("coaching:step_detail", pk=step.pk)
