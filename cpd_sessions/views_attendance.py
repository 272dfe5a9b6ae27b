"""
The session's people after booking: apologies for one meeting of a series (the person booked),
certificates of attendance emailed to everyone present at once (a lead or a coordinator), the
leads' "what we will change" for the evaluation shared back, and the shared summary's own page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST, require_safe

from cpdhub.forms import errors_to_form

from . import apologies, certificates, evaluation, permissions
from .evaluation_sharing import will_change_set
from .forms import ApologyForm, WillChangeForm
from .lifecycle import SessionRefused
from .models import Booking, DevelopmentSession, SessionDate
from .views import _detail_context, _session_or_404


@require_POST
def apology(request, pk: int):
    """Send (or withdraw) apologies for one meeting: only one's own booking (others: 404)."""
    session = _session_or_404(pk, request.user)
    booking = get_object_or_404(Booking, session=session, user=request.user)
    form = ApologyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the meeting you cannot come to, then try again.")
        return redirect(session)
    date = get_object_or_404(SessionDate, session=session, pk=form.cleaned_data["date"])
    when = date.start
    try:
        if form.cleaned_data["action"] == "withdraw":
            apologies.apology_withdraw(booking=booking, date=date, by=request.user)
            messages.success(
                request, f"Your apologies for {_day(when)} are withdrawn: you are expected."
            )
        else:
            _, created = apologies.apology_send(booking=booking, date=date, by=request.user)
            messages.success(
                request,
                f"Your apologies for {_day(when)} are sent: the session's lead is told, and you "
                "keep your place for the other meetings."
                if created
                else f"You have already sent apologies for {_day(when)}.",
            )
    except apologies.ApologyRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(session)


def _day(when) -> str:
    return dateformat.format(timezone.localtime(when), "l j F Y")


@require_POST
def certificates_send(request, pk: int):
    """Email a certificate to everyone marked present who has not had theirs."""
    session: DevelopmentSession = _session_or_404(pk, request.user)
    try:
        issued = certificates.certificates_issue(session=session, by=request.user)
    except SessionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(session)
    if issued.sent:
        people = "person" if issued.sent == 1 else "people"
        messages.success(
            request, f"Certificates of attendance are on their way to {issued.sent} {people}."
        )
    elif issued.already:
        messages.info(request, "Everyone present has already been emailed their certificate.")
    else:
        messages.info(request, "Nobody is marked present yet: save the register first.")
    return redirect(session)


@require_POST
def will_change(request, pk: int):
    """A lead's "what we will change" (others who see the session: refused, 403)."""
    session: DevelopmentSession = _session_or_404(pk, request.user)
    permissions.require_can_write_will_change(request.user, session)  # before the form shows
    form = WillChangeForm(request.POST)
    if form.is_valid():
        try:
            will_change_set(session=session, by=request.user, text=form.cleaned_data["will_change"])
        except ValidationError as error:
            errors_to_form(form, error)
    if form.errors:
        context = _detail_context(request, session, will_change_form=form)
        return render(request, "cpd_sessions/detail.html", context, status=400)
    messages.success(
        request,
        "Saved: what you will change goes in the summary everyone involved receives."
        if session.evaluation_shared_at is None
        else "Saved: the session's page shows what you will change.",
    )
    return redirect(session)


@require_safe
def evaluation_summary(request, pk: int):
    """
    The shared summary on a page of its own (the email's link): for the session's leads, the
    people who attended, their schools' CPD leaders and the coordinators, whether or not the
    session is in their scope; it shows the summary only (what the email said, and the six-week
    levels as they come in). Before it is shared, and for everyone else: 404.
    """
    session = evaluation.shared_session(pk)
    if session is None:
        raise Http404("No such evaluation.")
    user = request.user
    took_part = not permissions.can_see_attendees(user, session) and evaluation.is_involved(
        user, session
    )
    if not permissions.can_see_evaluation(user, session, took_part=took_part):
        raise Http404("No such evaluation.")
    return render(
        request,
        "cpd_sessions/evaluation.html",
        {
            "session": session,
            "dates": list(session.dates.all()),
            "evaluation": evaluation.evaluation_of(session),
            "session_visible": DevelopmentSession.objects.visible_to(user).filter(pk=pk).exists(),
        },
    )
