from django import template

from cpd_sessions import approvals, booking, meetings
from cpd_sessions.listing import my_next_sessions as _my_next_sessions
from cpdhub.kept_html import KeptCards

register = template.Library()


@register.simple_tag
def my_next_sessions(user, limit: int = 5):
    """Sessions the person leads or has booked, for the dashboard."""
    return _my_next_sessions(user, limit)


@register.inclusion_tag("cpd_sessions/_hub_sessions.html")
def hub_sessions(user, hub):
    """A hub page's upcoming sessions (the hub's and its networks') and recent recordings."""
    return {
        "hub": hub,
        "upcoming": meetings.hub_upcoming(user, hub),
        "recorded": meetings.hub_recordings(user, hub),
    }


@register.inclusion_tag("cpd_sessions/_network_meetings.html")
def network_meetings(user, network, may_lead: bool = False):
    """A network page's next and past meetings; its leads are prompted when none is planned."""
    return {
        "network": network,
        "meetings": meetings.network_meetings(user, network),
        "may_lead": may_lead,
    }


@register.simple_tag
def leader_waiting(user, term=None):
    """What waits for a CPD leader: requests, budgets not set, the term's figures (or None).
    ``term``: the current term when the page has it already (the dashboard does)."""
    return approvals.leader_waiting(user, term=term)


@register.filter
def needs_release_for(session, user) -> bool:
    """On a session card: does any meeting fall in this person's school day, so their CPD leader
    must approve release time? Reads the card's prefetched dates (no query)."""
    school = getattr(user, "school", None)
    return booking.in_school_day([(d.start, d.end) for d in session.dates.all()], school)


_session_cards = KeptCards("cpd_sessions/_card.html")


def _session_card_shows(session, user) -> tuple:
    """Every value a session card shows: the viewer's own part of it (their booking, whether
    it needs their release) included."""
    venue = session.venue_school
    consultant = session.consultant
    return (
        session.pk,
        session.title,
        session.kind,
        session.format,
        session.status,
        venue.name if venue is not None else None,
        session.start,
        tuple((d.start, d.end) for d in session.dates.all()),
        tuple(str(area) for area in session.areas.all()),
        tuple(str(lead) for lead in session.leads.all()),
        str(consultant) if consultant is not None else None,
        session.capacity,
        getattr(session, "seats_taken", None),
        getattr(session, "my_status", None),
        needs_release_for(session, user),
    )


@register.simple_tag
def session_cards(sessions, user) -> str:
    """A page of session cards, each drawn once per process for what it shows."""
    return _session_cards.render_many(
        (_session_card_shows(session, user), {"session": session, "user": user})
        for session in sessions
    )
