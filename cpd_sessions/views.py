"""Development sessions: list, offer, one session (book, cancel, .ics), approvals, recordings."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cpdhub import csvsafe, querystring
from cpdhub.forms import errors_to_form
from experts.models import ExpertiseArea

from . import (
    apologies,
    calendar,
    fee_shares,
    lifecycle,
    listing,
    permissions,
    proposals,
    session_changes,
    session_messages,
    session_page,
    slots,
)
from .attendance import attendance_mark, attendees, feedback_give
from .booking import BookingRefused, booking_cancel, booking_create, session_needs_release
from .booking import my_bookings as bookings_of
from .filters import RecordingsQuery, SessionFilter
from .forms import (
    CancelSessionForm,
    FeedbackForm,
    ReleaseForm,
    SessionForm,
    SessionMessageForm,
    WillChangeForm,
)
from .models import Booking, CalendarFeed, DevelopmentSession, ReleaseRequest
from .money import format_money

PAGE_SIZE = 20


def _session_or_404(pk: int, user) -> DevelopmentSession:
    try:
        return listing.session_for(pk, user)
    except DevelopmentSession.DoesNotExist:
        raise Http404 from None


# --- Listing and offering ---


def session_list(request):
    filtered = any(value for name, value in request.GET.items() if name != "page")
    sessions = SessionFilter(
        request.GET or None,
        # Without filters the list is read by prepared queries (listing.UpcomingSessions).
        queryset=listing.session_list(request.user)
        if filtered
        else DevelopmentSession.objects.none(),
        user=request.user,
    )
    invalid = sessions.is_bound and not sessions.is_valid()
    if invalid:
        rows = DevelopmentSession.objects.none()
    else:
        rows = sessions.qs if filtered else listing.UpcomingSessions(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd_sessions/list.html",
        {
            "filter": sessions,
            "page": page,
            "querystring": querystring.without_page(request.GET),
            "may_propose": permissions.can_propose(request.user),
            "proposals_waiting": proposals.waiting_count(request.user),
            "may_see_proposals": permissions.can_see_proposals(request.user),
        },
        status=400 if invalid else 200,
    )


def my_bookings(request):
    """My bookings: what is coming (waitlist place, release status), and feedback to give."""
    return render(request, "cpd_sessions/mine.html", bookings_of(request.user))


def session_new(request):
    permissions.require_can_propose(request.user)  # the form page; the service guards the write
    form = SessionForm(request.POST or None, initial=SessionForm.initial_from(request.GET))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("slot_minutes"):
            return _offer_slots(request, form)
        try:
            session, published = proposals.session_offer(
                by=request.user, dates=form.dates(), **form.service_fields()
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return render(
                request, "cpd_sessions/form.html", {"form": form, "creating": True}, status=400
            )
        if published:
            messages.success(request, "Your session is published: colleagues can book it now.")
        else:
            messages.success(
                request,
                "Thank you: your session is proposed. The coordinator (or the hub or network "
                "lead) will publish it.",
            )
        return redirect(session)
    return render(
        request,
        "cpd_sessions/form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


def _offer_slots(request, form):
    """A consultant's day offered as slots for small groups (one session each)."""
    [(start, end)] = form.dates()
    try:
        made, published = slots.consultant_day_offer(
            by=request.user,
            start=start,
            end=end,
            slot_minutes=form.cleaned_data["slot_minutes"],
            **form.service_fields(),
        )
    except ValidationError as error:
        errors_to_form(form, error)
        return render(
            request, "cpd_sessions/form.html", {"form": form, "creating": True}, status=400
        )
    fee = format_money(made[0].fee)
    done = "published: colleagues can book them now" if published else "proposed"
    messages.success(
        request,
        f"The day is offered as {len(made)} slots of {made[0].capacity} places each, "
        f"{fee} of the fee each; they are {done}.",
    )
    return redirect(made[0])


def session_edit(request, pk: int):
    session = _session_or_404(pk, request.user)
    # The form page; the service guards the write.
    permissions.require_can_edit(request.user, session)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            moved = session_changes.session_update(
                session=DevelopmentSession.objects.get(pk=pk),
                by=request.user,
                dates=form.dates(),
                **fields,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        except lifecycle.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _saved_words(session, moved=moved))
            return redirect(session)
    return render(
        request,
        "cpd_sessions/form.html",
        {"form": form, "session": session, "creating": False},
        status=400 if form.errors else 200,
    )


def _saved_words(session: DevelopmentSession, *, moved: bool) -> str:
    """What saving says: a draft has nobody booked to tell; a published session may have."""
    if session.status == DevelopmentSession.Status.PROPOSED:
        return "Saved. It is still a draft: nobody can book it until it is published."
    return "Saved. Everyone booked has been told about the change." if moved else "Saved."


@require_POST
def session_publish(request, pk: int):
    session = _session_or_404(pk, request.user)
    try:
        session_changes.session_publish(session=session, by=request.user)
    except lifecycle.SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Published: colleagues can book it now.")
    return redirect(session)


@require_POST
def session_cancel(request, pk: int):
    session = _session_or_404(pk, request.user)
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        if form.has_error("reason", "max_length"):
            messages.error(request, f"Why it is cancelled: {form.errors['reason'][0]}")
        else:
            messages.error(
                request, "Say why the session is cancelled: everyone booked will be told."
            )
        return redirect(session)
    try:
        session_changes.session_cancel(
            session=session, by=request.user, reason=form.cleaned_data["reason"]
        )
    except lifecycle.SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The session is cancelled and everyone booked has been told.")
    return redirect(session)


# --- One session ---


def session_detail(request, pk: int):
    session = _session_or_404(pk, request.user)
    return render(request, "cpd_sessions/detail.html", _detail_context(request, session))


def _detail_context(
    request, session, *, release_form=None, feedback_form=None, will_change_form=None
) -> dict:
    """The session page: its data from the selector, its forms (bound ones kept after an error)."""
    context = session_page.session_page(session, request.user)
    if context["may_write_will_change"] and will_change_form is None:
        will_change_form = WillChangeForm(initial={"will_change": session.will_change})
    if context["needs_release"] and release_form is None:
        release_form = ReleaseForm(
            fee_share=context["suggested_fee_share"], days=len(session.dates.all())
        )
    if context["may_feedback"] and feedback_form is None:
        feedback_form = FeedbackForm(instance=context["feedback"])
    if context["attendees"]:
        apologies.with_apologies(context["attendees"])
    return {
        **context,
        "my_meetings": apologies.meetings_to_apologise_for(session, context["booking"]),
        "release_form": release_form,
        "feedback_form": feedback_form,
        "will_change_form": will_change_form,
        "cancel_form": CancelSessionForm(),
    }


@require_POST
def book(request, pk: int):
    session = _session_or_404(pk, request.user)
    release = None
    release_form = None
    if session_needs_release(session, request.user):
        release_form = ReleaseForm(
            request.POST,
            fee_share=fee_shares.estimated_fee_share(session, request.user.school),
            days=len(session.dates.all()),
        )
        if not release_form.is_valid():
            context = _detail_context(request, session, release_form=release_form)
            return render(request, "cpd_sessions/detail.html", context, status=400)
        release = release_form.cleaned_data
    try:
        result = booking_create(session=session, user=request.user, release=release)
    except BookingRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(session)
    booking = result.booking
    if not result.created:
        messages.info(request, "You have already booked this session.")
    elif booking.status == Booking.Status.CONFIRMED:
        messages.success(request, "You are booked on. We have emailed you the details.")
    elif booking.status == Booking.Status.PENDING:
        messages.success(
            request,
            "Your place is held while your CPD leader decides on release time. "
            "We will email you their decision.",
        )
    else:
        messages.success(
            request,
            "The session is full, so you are on the waitlist. If a place comes free "
            "we will email you.",
        )
    # A clash is shown on the session page, before booking and after (not a second message).
    return redirect(session)


def cancel_booking(request, pk: int):
    """GET: what cancelling would cancel (every meeting of a series), to confirm. POST: cancel."""
    session = _session_or_404(pk, request.user)
    booking = get_object_or_404(Booking, session=session, user=request.user)
    if request.method != "POST":
        if not booking.is_active:
            messages.info(request, "You have no booking to cancel on this session.")
            return redirect(session)
        release = getattr(booking, "release", None)
        return render(
            request,
            "cpd_sessions/cancel_booking.html",
            {"session": session, "booking": booking, "release": release},
        )
    try:
        booking_cancel(booking=booking, by=request.user)
    except lifecycle.SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your booking is cancelled.")
    return redirect(session)


@require_POST
def attendance(request, pk: int):
    session = _session_or_404(pk, request.user)
    present = querystring.id_list(request.POST.getlist("present"))
    try:
        attendance_mark(session=session, by=request.user, present_ids=present)
    except lifecycle.SessionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The register is saved.")
    return redirect(session)


@require_POST
def feedback(request, pk: int):
    session = _session_or_404(pk, request.user)
    booking = get_object_or_404(Booking, session=session, user=request.user)
    permissions.require_can_give_feedback(request.user, booking)  # before the form is shown again
    form = FeedbackForm(request.POST, instance=getattr(booking, "feedback", None))
    if not form.is_valid():
        context = _detail_context(request, session, feedback_form=form)
        return render(request, "cpd_sessions/detail.html", context, status=400)
    try:
        feedback_give(booking=booking, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        errors_to_form(form, error)
        context = _detail_context(request, session, feedback_form=form)
        return render(request, "cpd_sessions/detail.html", context, status=400)
    messages.success(request, "Thank you for your feedback.")
    return redirect(session)


def session_ics(request, pk: int):
    """The .ics of my booking (or, for whoever runs it, a lead or a coordinator, of the session)."""
    session = _session_or_404(pk, request.user)
    booking = session_page.booking_of(session, request.user)
    # The page offers the file to everyone who may change the session ("Running this session").
    runs_it = permissions.can_edit(request.user, session)
    if booking is None and not runs_it:
        raise Http404
    if booking is not None and booking.status == Booking.Status.WAITLISTED and not runs_it:
        raise Http404
    body = calendar.booking_ics(
        session,
        None if runs_it else booking,
        show_link=permissions.can_see_join_link(request.user, session, booking),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cpd-session-{session.pk}.ics"'
    return response


# --- Calendar feed ---


def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(feed.get_absolute_url()) if feed else None
    return render(request, "cpd_sessions/calendar.html", {"feed": feed, "feed_url": url})


@require_POST
def calendar_renew(request):
    calendar.feed_renew(user=request.user)
    messages.success(request, "Your calendar address is ready. Any old address no longer works.")
    return redirect("cpd_sessions:calendar")


@require_POST
def calendar_revoke(request):
    calendar.feed_revoke(user=request.user)
    messages.success(request, "Your calendar address is switched off.")
    return redirect("cpd_sessions:calendar")


@login_not_required
def feed(request, token: str):
    """The personal feed a calendar app subscribes to: the token is the only credential."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    body = calendar.feed_ics(calendar.feed_items(feed.user), name="My CPD sessions", user=feed.user)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- Recordings ---


def recordings(request):
    sessions = listing.recordings(request.user)
    query = RecordingsQuery(request.GET)
    if query.is_valid():
        q, area = query.cleaned_data["q"], query.cleaned_data["area"]
    else:
        q, area = "", None
        sessions = sessions.none()
        for error in querystring.messages_of(query):
            messages.error(request, error)
    if q:
        sessions = sessions.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if area:
        sessions = sessions.filter(areas=area)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd_sessions/recordings.html",
        {
            "page": page,
            "q": q,
            "area": area,
            "areas": ExpertiseArea.objects.order_by("name"),
            "querystring": querystring.without_page(request.GET),
        },
        status=200 if query.is_valid() else 400,
    )


# --- The session lead: the register for the door, emails to everyone booked, certificates ---


def _release_words(booking: Booking) -> str:
    release = getattr(booking, "release", None)
    if release is None:
        return "Not needed"
    return {
        ReleaseRequest.Decision.APPROVED: "Approved",
        ReleaseRequest.Decision.DECLINED: "Declined",
    }.get(release.decision, "Waiting for a decision")


def register(request, pk: int):
    """The register to print for the door: everyone booked, the waitlist, release status."""
    session = _session_or_404(pk, request.user)
    permissions.require_can_see_attendees(request.user, session)
    people = apologies.with_apologies(attendees(session))
    for booking in people:
        booking.apologised_ids = {date.pk for date in booking.apologies_for}
    return render(
        request,
        "cpd_sessions/register.html",
        {"session": session, "attendees": people, "dates": list(session.dates.all())},
    )


def register_csv(request, pk: int):
    session = _session_or_404(pk, request.user)
    permissions.require_can_see_attendees(request.user, session)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-session-{session.pk}.csv"'
    write = csvsafe.writer(response).writerow
    write([session.title, timezone.localtime(session.start).strftime("%d/%m/%Y %H:%M")])
    write(
        [
            *("Name", "Email", "School", "Job role", "Booking", "Waitlist", "Release time"),
            *("Present", "Apologies for"),
        ]
    )
    for booking in apologies.with_apologies(attendees(session)):
        attendance = getattr(booking, "attendance", None)
        write(
            [
                booking.user.full_name,
                booking.user.email,
                booking.user.school.name if booking.user.school else "",
                booking.user.get_job_role_display(),
                booking.get_status_display(),
                booking.waitlist_position or "",
                _release_words(booking),
                "" if attendance is None else ("Yes" if attendance.present else "No"),
                "; ".join(
                    timezone.localtime(d.start).strftime("%d/%m/%Y %H:%M")
                    for d in booking.apologies_for
                ),
            ]
        )
    return response


def session_message(request, pk: int):
    """Email everyone booked (through the ledger, once per message)."""
    session = _session_or_404(pk, request.user)
    permissions.require_can_message_attendees(request.user, session)  # the form page
    form = SessionMessageForm(request.POST or None, initial={"token": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        try:
            sent = session_messages.session_message_send(
                session=session, by=request.user, **form.cleaned_data
            )
        except lifecycle.SessionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if sent.created:
                count = sent.recipients
                messages.success(
                    request,
                    f"Your message is on its way to {count} "
                    f"{'person' if count == 1 else 'people'}.",
                )
            else:
                messages.info(request, "That message was already sent: nobody gets it twice.")
            return redirect(session)
    return render(
        request,
        "cpd_sessions/message.html",
        {
            "session": session,
            "form": form,
            "places": sum(1 for b in attendees(session) if b.status in Booking.HOLDS_SEAT),
            "sent": session.messages.select_related("sent_by")[:10],
        },
        status=400 if form.errors else 200,
    )


def certificate(request, pk: int, booking_pk: int | None = None):
    """A certificate of attendance, printable: for the person present (their own), or for a
    lead or coordinator (anyone present)."""
    session = _session_or_404(pk, request.user)
    bookings = Booking.objects.filter(
        session=session, attendance__present=True, user__isnull=False
    ).select_related("user__school", "attendance")
    if booking_pk is None:
        booking = get_object_or_404(bookings, user=request.user)
    else:
        booking = get_object_or_404(bookings, pk=booking_pk)
    permissions.require_can_see_certificate(request.user, booking)
    dates = list(session.dates.all())
    seconds = sum((d.end - d.start).total_seconds() for d in dates)
    return render(
        request,
        "cpd_sessions/certificate.html",
        {
            "session": session,
            "booking": booking,
            "dates": dates,
            "hours": round(seconds / 3600, 1),
            "leads": list(session.leads.all()),
        },
    )
