"""What this app sends, and how each email is built.

A write records its email on the ledger inside its own transaction with a ``mail_*`` function
(``notifications.services.send_templated_mail``; the ledger sends it after commit, so a
rolled-back write sends nothing). When the ledger sends a row it builds the email afresh with
the builder registered for its kind here (``register_emails``, from ``AppConfig.ready``).
"""

from __future__ import annotations

from django.db.models import (
    Q,
)
from django.urls import reverse
from django.utils import timezone

from cpdhub.academic_year import academic_year_label
from hubs.models import COORDINATORS_GROUP, SubjectNetwork, Term, User
from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .evaluation import evaluation_of, involved, window_closes
from .meetings import network_planned_this_year
from .models import (
    Apology,
    Booking,
    DevelopmentSession,
    SessionMessage,
)
from .seats import waitlist_place

# --- Recording the email (inside the write's transaction: the ledger is the outbox) ---


def booking_mail_key(booking, kind: str) -> str:
    """The reason an email about a booking goes: one per state the booking reaches."""
    if kind == "session_reminder":
        day = timezone.localdate(booking.reminder_sent_at or timezone.now())
        return f"booking:{booking.pk}:reminder:{day.isoformat()}"
    if kind == "feedback_request":
        return f"booking:{booking.pk}"
    return f"booking:{booking.pk}:{booking.status}:{booking.updated_at.timestamp():.6f}"


def mail_booking(booking_id: int, kind: str, *, enqueue: bool = True) -> list:
    """One email about one booking to the person who booked (confirmed, promoted, …)."""

    booking = Booking.objects.select_related("user").filter(pk=booking_id).first()
    if booking is None or booking.user is None:
        return []  # gone, or its person's account was erased since
    return send_templated_mail(
        kind, to=[booking.user.email], key=booking_mail_key(booking, kind), enqueue=enqueue
    )


def mail_release_requested(booking_id: int, *, enqueue: bool = True) -> list:
    """
    Tell whoever decides it that a release request waits: the booker's school's CPD leaders other
    than the booker; when there is none, the coordinators (nobody decides their own request).
    """

    booking = (
        Booking.objects.select_related("user__school")
        .filter(pk=booking_id, status=Booking.Status.PENDING)
        .first()
    )
    if booking is None or booking.user is None or booking.user.school is None:
        return []
    leaders = [
        u.email
        for u in booking.user.school.cpd_leaders.filter(is_active=True).exclude(pk=booking.user_id)
    ]
    if not leaders:
        coordinators = User.objects.filter(
            Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True), is_active=True
        ).exclude(pk=booking.user_id)
        leaders = sorted({u.email for u in coordinators})
    if not leaders:
        return []
    return send_templated_mail(
        "release_requested",
        to=leaders,
        key=f"booking:{booking.pk}:release:{booking.updated_at.timestamp():.6f}",
        enqueue=enqueue,
    )


def mail_session_notice(session_id: int, kind: str, *, enqueue: bool = True) -> list:
    """A change or cancellation: everyone with a place or on the waitlist."""

    sequence = (
        DevelopmentSession.objects.filter(pk=session_id).values_list("sequence", flat=True).first()
    )
    emails = list(
        Booking.objects.filter(
            session_id=session_id, status__in=Booking.ACTIVE, user__isnull=False
        ).values_list("user__email", flat=True)
    )
    if sequence is None or not emails:
        return []
    # One notice per change (the calendar sequence moves with each) or cancellation.
    key = f"session:{session_id}:{sequence}"
    return send_templated_mail(kind, to=emails, key=key, enqueue=enqueue)


def message_recipients(message: SessionMessage) -> list[str]:
    statuses = Booking.ACTIVE if message.include_waitlist else Booking.HOLDS_SEAT
    return list(
        Booking.objects.filter(
            session_id=message.session_id, status__in=statuses, user__isnull=False
        )
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


def mail_session_message(message_id: int, *, enqueue: bool = True) -> list:
    """A lead's message to everyone booked: once per message and person (the key)."""
    message = SessionMessage.objects.filter(pk=message_id).first()
    if message is None:
        return []
    return send_templated_mail(
        "session_message",
        to=message_recipients(message),
        key=f"session-message:{message.pk}",
        enqueue=enqueue,
    )


def network_prompt_key(network_id: int, term_id: int) -> str:
    """Once a term for each network's lead (the ledger's row per address, kind and key)."""
    return f"network_prompt:{network_id}:{term_id}"


def mail_network_prompt(network: SubjectNetwork, term: Term) -> list:
    """A network's leads, told once a term that no meeting is planned this academic year."""
    return send_templated_mail(
        "network_prompt",
        to=[lead.email for lead in network.leads.all() if lead.is_active],
        key=network_prompt_key(network.pk, term.pk),
    )


PROPOSED_KIND = "session_proposed"
DECLINED_KIND = "proposal_declined"
APOLOGY_KIND = "apology_sent"
CERTIFICATE_KIND = "certificate_issued"


def proposed_key(session_id: int) -> str:
    return f"proposed:{session_id}"


def declined_key(session_id: int) -> str:
    return f"proposal_declined:{session_id}"


def mail_session_proposed(session_id: int, to: list[str]) -> list:
    """A colleague's proposal, to each person who may publish it: once per proposal."""
    return send_templated_mail(PROPOSED_KIND, to=to, key=proposed_key(session_id))


def mail_proposal_declined(session_id: int, email: str) -> list:
    """The reason a proposal was declined, to whoever proposed it: once."""
    return send_templated_mail(DECLINED_KIND, to=[email], key=declined_key(session_id))


def apology_key(apology: Apology) -> str:
    """Once per person and meeting: sending, withdrawing and sending again tells nobody twice."""
    return f"apology:{apology.booking_id}:{apology.date_id}"


def _told(booking: Booking) -> list[str]:
    """The session's active leads (never the person themselves); the coordinators if none."""
    session = booking.session
    leads = session.leads.filter(is_active=True).exclude(pk=booking.user_id)
    emails = sorted({u.email for u in leads})
    if emails:
        return emails
    coordinators = User.objects.filter(
        Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True), is_active=True
    ).exclude(pk=booking.user_id)
    return sorted({u.email for u in coordinators})


def mail_apology(apology: Apology, *, enqueue: bool = True) -> list:
    """On the ledger inside the write's transaction; sent after commit."""
    to = _told(apology.booking)
    if not to:
        return []
    return send_templated_mail(APOLOGY_KIND, to=to, key=apology_key(apology), enqueue=enqueue)


def certificate_key(booking_id: int) -> str:
    return f"certificate:{booking_id}"


def mail_certificate(booking_id: int, email: str) -> list:
    """A certificate of attendance, once per booking (the ledger keeps it to one)."""
    return send_templated_mail(CERTIFICATE_KIND, to=[email], key=certificate_key(booking_id))


EVALUATION_KIND = "evaluation_shared"
WILL_CHANGE_KIND = "evaluation_will_change"


def evaluation_key(session_id: int) -> str:
    """Once per session and person: the summary of what people thought."""
    return f"evaluation:{session_id}"


def will_change_key(session_id: int) -> str:
    """Once per session and lead: the request to say what will change."""
    return f"evaluation-ask:{session_id}"


def mail_evaluation(session: DevelopmentSession, *, enqueue: bool = True) -> list:
    """The evaluation summary, to everyone involved (``evaluation.involved``): once each."""
    emails = [u.email for u in involved(session)]
    if not emails:
        return []
    return send_templated_mail(
        EVALUATION_KIND, to=emails, key=evaluation_key(session.pk), enqueue=enqueue
    )


def mail_will_change_request(session: DevelopmentSession) -> list:
    """The session's active leads, asked once to say what they will change."""
    emails = [lead.email for lead in session.leads.all() if lead.is_active]
    if not emails:
        return []
    return send_templated_mail(WILL_CHANGE_KIND, to=emails, key=will_change_key(session.pk))


# --- Building the email when it is sent (registered with the ledger) ---


def _context(booking) -> dict:
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "person": booking.user,
        "dates": list(session.dates.all()),
        "session_url": absolute_url(session.get_absolute_url()),
    }


def _booking(booking_id: int, **filters):

    return (
        Booking.objects.select_related(
            "user__school", "session__venue_school", "release__decided_by"
        )
        .filter(pk=booking_id, **filters)
        .first()
    )


def booking_email(delivery) -> registry.Email | None:
    """``booking:<id>:…``: confirmed, waitlisted, promoted, release decided, reminder, feedback."""

    booking = _booking(int(delivery.key.split(":")[1]))
    if booking is None:
        return None
    context = _context(booking)
    context["waitlist_place"] = waitlist_place(booking)
    return registry.Email(context)


def release_requested_email(delivery) -> registry.Email | None:

    booking = _booking(int(delivery.key.split(":")[1]), status=Booking.Status.PENDING)
    if booking is None:
        return None  # decided or cancelled before the email went
    context = _context(booking)
    context["release"] = getattr(booking, "release", None)
    context["approvals_url"] = absolute_url("/sessions/approvals/")
    if booking.session.scope == booking.session.Scope.PRIVATE:
        # A private session's page is for its own people: the leader decides from the email
        # and the queue, which carry its title, times, place and costs.
        context["session_url"] = ""
    return registry.Email(context, reply_to=registry.reply_to(booking.user))


def session_notice_email(delivery) -> registry.Email | None:
    """``session:<id>:<sequence>``: the notice for this recipient's booking."""

    booking = (
        Booking.objects.select_related("user", "session__venue_school")
        .filter(
            session_id=int(delivery.key.split(":")[1]),
            status__in=Booking.ACTIVE,
            user__email__iexact=delivery.email,
        )
        .first()
    )
    return registry.Email(_context(booking)) if booking is not None else None


def session_message_email(delivery) -> registry.Email | None:
    message_id = delivery.key.removeprefix("session-message:")
    message = (
        SessionMessage.objects.select_related("session__venue_school", "sent_by")
        .filter(pk=int(message_id) if message_id.isdigit() else 0)
        .first()
    )
    if message is None:
        return None
    session = message.session
    sender = message.sent_by
    reply_to = registry.reply_to(sender)
    return registry.Email(
        context={
            "message": message,
            "sender": sender,
            "session": session,
            "person": delivery.recipient,
            "dates": list(session.dates.all()),
            "session_url": absolute_url(session.get_absolute_url()),
            "reply_to": reply_to,
        },
        reply_to=reply_to,
    )


def network_prompt_email(delivery) -> registry.Email | None:
    """A network's lead, told no meeting is planned this academic year; nothing once one is."""
    network = (
        SubjectNetwork.objects.select_related("subject", "hub")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if network is None or delivery.recipient is None:
        return None
    today = timezone.localdate()
    if network_planned_this_year(network, today):
        return None
    return registry.Email(
        context={
            "person": delivery.recipient,
            "network": network,
            "academic_year": academic_year_label(today),
            "network_url": absolute_url(network.get_absolute_url()),
            "new_session_url": absolute_url(reverse("cpd_sessions:new")),
        }
    )


def _proposal_of(delivery, **filters) -> DevelopmentSession | None:
    return (
        DevelopmentSession.objects.select_related("proposed_by__school", "hub", "network")
        .prefetch_related("dates")
        .filter(pk=int(delivery.key.split(":")[1]), **filters)
        .first()
    )


def proposed_email(delivery) -> registry.Email | None:
    """``proposed:<id>``: a colleague's proposal, to someone who may publish it (while it waits)."""
    session = _proposal_of(delivery, status=DevelopmentSession.Status.PROPOSED)
    if session is None:
        return None
    return registry.Email(
        context={
            "session": session,
            "dates": list(session.dates.all()),
            "proposer": session.proposed_by,
            "session_url": absolute_url(session.get_absolute_url()),
            "queue_url": absolute_url(reverse("cpd_sessions:proposals")),
        }
    )


def declined_email(delivery) -> registry.Email | None:
    """``proposal_declined:<id>``: the reason, to the colleague who proposed it."""
    session = _proposal_of(delivery, status=DevelopmentSession.Status.DECLINED)
    if session is None:
        return None
    return registry.Email(
        context={
            "session": session,
            "dates": list(session.dates.all()),
            "person": session.proposed_by,
            "reason": session.cancel_reason,
            "session_url": absolute_url(session.get_absolute_url()),
        }
    )


def apology_email(delivery) -> registry.Email | None:
    """``apology:<booking>:<date>``: nothing once the apology is withdrawn before it went."""
    _, booking_id, date_id = delivery.key.split(":")
    apology = (
        Apology.objects.select_related("booking__user__school", "booking__session__venue_school")
        .filter(booking_id=int(booking_id), date_id=int(date_id))
        .select_related("date")
        .first()
    )
    if apology is None or apology.booking.user is None:
        return None
    session = apology.booking.session
    reply_to = registry.reply_to(apology.booking.user)
    return registry.Email(
        context={
            "reply_to": reply_to,
            "person": delivery.recipient,
            "apologiser": apology.booking.user,
            "meeting": apology.date,
            "session": session,
            "dates": list(session.dates.all()),
            "session_url": absolute_url(session.get_absolute_url()),
        },
        reply_to=reply_to,
    )


def certificate_email(delivery) -> registry.Email | None:
    """``certificate:<booking>``: nothing if the person is no longer marked present."""
    booking = (
        Booking.objects.select_related("user", "session__venue_school")
        .filter(
            pk=int(delivery.key.split(":")[1]),
            attendance__present=True,
            status=Booking.Status.CONFIRMED,
            user__is_active=True,
        )
        .first()
    )
    if booking is None:
        return None
    session = booking.session
    return registry.Email(
        context={
            "person": booking.user,
            "session": session,
            "dates": list(session.dates.all()),
            "session_url": absolute_url(session.get_absolute_url()),
            "certificate_url": absolute_url(
                reverse("cpd_sessions:certificate", kwargs={"pk": session.pk})
            ),
        }
    )


def _evaluated_session(delivery, **filters) -> DevelopmentSession | None:
    return (
        DevelopmentSession.objects.select_related("venue_school")
        .prefetch_related("dates", "leads")
        .filter(pk=int(delivery.key.split(":")[1]), **filters)
        .first()
    )


def evaluation_email(delivery) -> registry.Email | None:
    """``evaluation:<id>``: the summary as it stands when it is sent (never a name)."""
    session = _evaluated_session(delivery, evaluation_shared_at__isnull=False)
    if session is None:
        return None
    return registry.Email(
        context={
            "person": delivery.recipient,
            "session": session,
            "dates": list(session.dates.all()),
            "evaluation": evaluation_of(session),
            # The summary's own page: reachable by everyone it is sent to, the attendees'
            # CPD leaders included, whether or not the session is in their scope.
            "session_url": absolute_url(
                reverse("cpd_sessions:evaluation", kwargs={"pk": session.pk})
            ),
            "session_link": "Read the summary online",
        }
    )


def will_change_email(delivery) -> registry.Email | None:
    """``evaluation-ask:<id>``: nothing once the summary has gone or a lead has written it."""
    session = _evaluated_session(delivery, evaluation_shared_at__isnull=True, will_change="")
    if session is None:
        return None
    return registry.Email(
        context={
            "person": delivery.recipient,
            "session": session,
            "dates": list(session.dates.all()),
            "closes": window_closes(session),
            "session_url": absolute_url(session.get_absolute_url()) + "#will-change-heading",
        }
    )


BOOKING_KINDS = {
    "booking_confirmed": Category.SESSIONS,
    "booking_waitlisted": Category.SESSIONS,
    "booking_promoted": Category.SESSIONS,
    "release_decided": Category.SESSIONS,
    "session_reminder": Category.REMINDERS,
    "feedback_request": Category.REMINDERS,
}


def register_emails() -> None:
    registry.register("session_message", category=Category.ESSENTIAL, build=session_message_email)
    for kind, category in BOOKING_KINDS.items():
        registry.register(kind, category=category, build=booking_email)
    registry.register(
        "release_requested", category=Category.SESSIONS, build=release_requested_email
    )
    for kind in ("session_changed", "session_cancelled"):
        registry.register(kind, category=Category.ESSENTIAL, build=session_notice_email)
    registry.register("network_prompt", category=Category.REMINDERS, build=network_prompt_email)
    registry.register(PROPOSED_KIND, category=Category.ESSENTIAL, build=proposed_email)
    registry.register(DECLINED_KIND, category=Category.ESSENTIAL, build=declined_email)
    registry.register(APOLOGY_KIND, category=Category.SESSIONS, build=apology_email)
    registry.register(CERTIFICATE_KIND, category=Category.SESSIONS, build=certificate_email)
    registry.register(EVALUATION_KIND, category=Category.SESSIONS, build=evaluation_email)
    registry.register(WILL_CHANGE_KIND, category=Category.REMINDERS, build=will_change_email)
