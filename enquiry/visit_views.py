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

from . import permissions, visits
from .models import PeerVisit
from .visit_forms import VisitAcceptForm, VisitAskForm, VisitNotesForm, VisitThanksForm


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
            messages.success(request, "Your request is sent to the school's CPD leaders.")
            return redirect(visit)
    return render(
        request,
        "enquiry/visits.html",
        {"lists": visits.my_visits(request.user), "form": form},
        status=400 if form.errors else 200,
    )


def _page(request, visit: PeerVisit, status: int = 200, **forms):
    user = request.user
    may_answer = permissions.can_answer_visit(user, visit)
    may_write = permissions.can_write_visit_notes(user, visit)
    context = {
        "visit": visit,
        "may_answer": may_answer,
        "may_write": may_write,
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
    permissions.require_can_answer_visit(request.user, found)
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
