"""
The session's people after booking: apologies for one meeting of a series (the person booked),
and certificates of attendance emailed to everyone present at once (a lead or a coordinator).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from . import apologies, certificates
from .forms import ApologyForm
from .lifecycle import SessionRefused
from .models import Booking, DevelopmentSession, SessionDate
from .views import _session_or_404


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
