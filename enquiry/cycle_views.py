"""
A lesson-study cycle's page and its writes. The group is looked up among the person's own
(selectors.group_for), so anyone who is not a current member gets 404, as for the group page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpdhub.forms import errors_to_form

from . import cycles, permissions
from .cycle_forms import NEVER_NAMES, CasePupilForm, DiscussionForm, EntryForm, PlanForm
from .models import CasePupil, Cycle, Group
from .selectors import current_member_ids, name_in


def _group(request, pk: int):
    try:
        return cycles.group_of(request.user, pk)
    except Group.DoesNotExist:
        raise Http404 from None


ENTRY_LABELS = {
    "prediction": "How you predict they will respond",
    "observation": "What they did in the research lesson",
    "interview": "What they said in the interview",
}


def _cycle_page(request, pk: int, number: int):
    group = _group(request, pk)
    try:
        return group, cycles.cycle_page(group, number)
    except Cycle.DoesNotExist:
        raise Http404 from None


def _schools(group) -> list[int]:
    return [m.school_id for m in group.memberships.all() if m.left_at is None]


def _render(request, group, page, status: int = 200, **forms):
    cycle, current = page.cycle, current_member_ids(group)
    rows = [
        {
            "pupil": pupil,
            "predictions": [(name_in(p.by, current), p.text) for p in pupil.predictions.all()],
            "observations": [
                (name_in(o.observer, current), o.text) for o in pupil.observations.all()
            ],
            "interviews": [(name_in(i.by, current), i.text) for i in pupil.interviews.all()],
        }
        for pupil in page.pupils
    ]
    entry_forms = {
        kind: forms.get(kind) or EntryForm(pupils=page.pupils, label=label, prefix=kind)
        for kind, label in ENTRY_LABELS.items()
    }
    context = {
        "group": group,
        "page": page,
        "cycle": cycle,
        "rows": rows,
        "never_names": NEVER_NAMES,
        "can_write": permissions.can_write(request.user, group),
        "can_book_release": permissions.can_book_release(request.user, group, cycle),
        "plan_form": forms.get("plan_form") or PlanForm(instance=cycle, schools=_schools(group)),
        "pupil_form": forms.get("pupil_form") or CasePupilForm(),
        "entry_forms": entry_forms,
        "discussion_form": forms.get("discussion_form") or DiscussionForm(instance=cycle),
    }
    return render(request, "enquiry/cycle.html", context, status=status)


def cycle(request, pk: int, number: int):
    group, page = _cycle_page(request, pk, number)
    return _render(request, group, page)


@require_POST
def cycle_new(request, pk: int):
    group = _group(request, pk)
    try:
        made = cycles.cycle_create(group=group, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(group)
    messages.success(request, f"Cycle {made.number} is started: choose its case pupils.")
    return redirect(made)


@require_POST
def plan(request, pk: int, number: int):
    group, page = _cycle_page(request, pk, number)
    permissions.require_can_write(request.user, group)
    form = PlanForm(request.POST, instance=page.cycle, schools=_schools(group))
    if form.is_valid():
        try:
            cycles.cycle_plan_save(cycle=page.cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The plan is saved.")
            return redirect(page.cycle)
    return _render(request, group, cycles.cycle_page(group, number), 400, plan_form=form)


@require_POST
def case_pupil_add(request, pk: int, number: int):
    group, page = _cycle_page(request, pk, number)
    permissions.require_can_write(request.user, group)
    form = CasePupilForm(request.POST)
    if form.is_valid():
        try:
            cycles.case_pupil_add(cycle=page.cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"Case pupil {form.cleaned_data['code']} is added.")
            return redirect(page.cycle)
    return _render(request, group, page, 400, pupil_form=form)


@require_POST
def entry_add(request, pk: int, number: int, kind: str):
    if kind not in ENTRY_LABELS:
        raise Http404
    group, page = _cycle_page(request, pk, number)
    permissions.require_can_write(request.user, group)
    form = EntryForm(request.POST, pupils=page.pupils, label=ENTRY_LABELS[kind], prefix=kind)
    if form.is_valid():
        pupil = get_object_or_404(CasePupil, pk=form.cleaned_data["case_pupil"].pk)
        try:
            cycles.entry_add(
                case_pupil=pupil, by=request.user, kind=kind, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"It is added for case pupil {pupil.code}.")
            return redirect(page.cycle)
    return _render(request, group, page, 400, **{kind: form})


@require_POST
def discussion(request, pk: int, number: int):
    group, page = _cycle_page(request, pk, number)
    permissions.require_can_write(request.user, group)
    form = DiscussionForm(request.POST, instance=page.cycle)
    if form.is_valid():
        try:
            cycles.discussion_save(
                cycle=page.cycle, by=request.user, discussion=form.cleaned_data["discussion"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "The discussion is saved: the next cycle may start.")
            return redirect(page.cycle)
    page = cycles.cycle_page(group, number)
    return _render(request, group, page, 400, discussion_form=form)


@require_POST
def release(request, pk: int, number: int):
    """Book release time to observe: to the private session's page and its booking form."""
    _group, page = _cycle_page(request, pk, number)
    try:
        session = cycles.observer_release(cycle=page.cycle, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(page.cycle)
    messages.success(request, "Book it here: the form asks your CPD leader for release time.")
    return redirect(session)
