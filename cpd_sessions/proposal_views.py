"""The proposals queue: colleagues' proposed sessions, for whoever may publish them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cpdhub.paging import page_of

from . import permissions, proposals, session_changes
from .forms import DeclineProposalForm
from .lifecycle import SessionRefused


def proposal_queue(request):
    permissions.require_can_see_proposals(request.user)
    page = page_of(request, proposals.queue(request.user))
    return render(
        request,
        "cpd_sessions/proposals.html",
        {"page": page, "decline_form": DeclineProposalForm()},
    )


def _proposal_or_404(request, pk: int):
    """A proposal in the person's queue (anything else, or anyone else's: 404)."""
    permissions.require_can_see_proposals(request.user)
    return get_object_or_404(proposals.queue(request.user), pk=pk)


@require_POST
def proposal_publish(request, pk: int):
    session = _proposal_or_404(request, pk)
    try:
        session_changes.session_publish(session=session, by=request.user)
    except SessionRefused as refusal:
        messages.error(request, f"“{session.title}” is not published: {refusal}")
    else:
        messages.success(request, f"“{session.title}” is published: colleagues can book it now.")
    return redirect("cpd_sessions:proposals")


@require_POST
def proposal_decline(request, pk: int):
    session = _proposal_or_404(request, pk)
    form = DeclineProposalForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, f"“{session.title}” is not declined. Why not? {error}")
        return redirect("cpd_sessions:proposals")
    try:
        emailed = proposals.proposal_decline(
            session=session, by=request.user, reason=form.cleaned_data["reason"]
        )
    except SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        told = (
            f"{session.proposed_by.full_name} has been emailed your reason."
            if emailed
            else "No email was sent: the proposal was yours, or its proposer has left."
        )
        messages.success(request, f"“{session.title}” is declined. {told}")
    return redirect("cpd_sessions:proposals")
