"""
/visits/: peer visits to other schools. A visit is looked up among those the person may open
(visits.visit_for: visitor, host, host school's CPD leaders), so anyone else gets 404. Every
write is a POST through a service in visits.py, which checks its rule.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cpdhub.forms import errors_to_form
from cpdhub.paging import page_of

from . import permissions, visits
from .models import PeerVisit
from .visit_forms import VisitAcceptForm, VisitAskForm, VisitNotesForm, VisitThanksForm
from .visits import LIST_PAGE


def _visit(request, pk: int) -> PeerVisit:
    try:
        return visits.visit_for(request.user, pk)
    except PeerVisit.DoesNotExist:
        raise Http404 from None


def home(request):
    form = VisitAskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = visits.visit_ask(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, f"Your request is sent. {visits.decided_by_words(visit.host_school)}"
            )
            return redirect(visit)
    user = request.user
    lists = {
        "made": page_of(request, visits.visits_made(user), param="made", per_page=LIST_PAGE),
        "hosting": page_of(
            request, visits.visits_hosting(user), param="hosting", per_page=LIST_PAGE
        ),
        "school": page_of(
            request, visits.visits_to_decide(user), param="school", per_page=LIST_PAGE
        ),
    }
    return render(
        request,
        "enquiry/visits.html",
        {"lists": lists, "form": form},
        status=400 if form.errors else 200,
    )


def _page(request, visit: PeerVisit, status: int = 200, **forms):
    user = request.user
    has_leader = visits.has_leader(visit.host_school)
    may_answer = permissions.can_answer_visit(user, visit, school_has_leader=has_leader)
    may_write = permissions.can_write_visit_notes(user, visit)
    context = {
        "visit": visit,
        "may_answer": may_answer,
        "may_write": may_write,
        "may_withdraw": permissions.can_withdraw_visit(user, visit),
        "who_decides": visits.decided_by_words(visit.host_school)
        if visit.status == PeerVisit.Status.ASKED and visit.visitor_id == user.pk
        else "",
        "show_notes": permissions.can_read_visit_notes(user, visit),
        "accept_form": forms.get("accept_form")
        or (VisitAcceptForm(hosts=visits.host_choices(visit.host_school)) if may_answer else None),
        "notes_form": forms.get("notes_form")
        or (VisitNotesForm(instance=visit) if may_write else None),
        "thanks_form": forms.get("thanks_form")
        or (VisitThanksForm(instance=visit) if may_write else None),
    }
    return render(request, "enquiry/visits_detail.html", context, status=status)


def visit(request, pk: int):
    return _page(request, _visit(request, pk))


@require_POST
def accept(request, pk: int):
    found = _visit(request, pk)
    permissions.require_can_answer_visit(
        request.user, found, school_has_leader=visits.has_leader(found.host_school)
    )
    form = VisitAcceptForm(request.POST, hosts=visits.host_choices(found.host_school))
    if form.is_valid():
        try:
            visits.visit_accept(visit=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Accepted: we have told the visitor, who books it next.")
            return redirect(found)
    return _page(request, found, status=400, accept_form=form)


@require_POST
def decline(request, pk: int):
    found = _visit(request, pk)
    visits.visit_decline(visit=found, by=request.user)
    messages.success(request, "Declined: we have told the visitor.")
    return redirect(found)


@require_POST
def withdraw(request, pk: int):
    found = _visit(request, pk)
    accepted = found.status == PeerVisit.Status.ACCEPTED
    visits.visit_withdraw(visit=found, by=request.user)
    if accepted:
        messages.success(
            request,
            "The visit is called off: its session is cancelled (any release time is given "
            "back) and we have told the host school.",
        )
    else:
        messages.success(request, "Your request is withdrawn: we have told the host school.")
    return redirect(found)


@require_POST
def notes(request, pk: int):
    found = _visit(request, pk)
    permissions.require_can_write_visit_notes(request.user, found)
    form = VisitNotesForm(request.POST, instance=PeerVisit(pk=found.pk))
    if form.is_valid():
        visits.visit_notes_save(
            visit=found,
            by=request.user,
            notes=form.cleaned_data["notes"],
            shared=form.cleaned_data["notes_shared"],
        )
        messages.success(request, "Your notes are saved.")
        return redirect(found)
    return _page(request, found, status=400, notes_form=form)


@require_POST
def thank(request, pk: int):
    found = _visit(request, pk)
    permissions.require_can_write_visit_notes(request.user, found)
    form = VisitThanksForm(request.POST, instance=PeerVisit(pk=found.pk))
    if form.is_valid():
        visits.visit_thank(visit=found, by=request.user, thanks=form.cleaned_data["thanks"])
        messages.success(request, "Thank you: your host sees it, and it counts on their profile.")
        return redirect(found)
    return _page(request, found, status=400, thanks_form=form)
