"""
Who may do what with development sessions. Each rule is written once, here: ``can_*`` answers
(for templates and views deciding what to show), ``require_*`` refuses with the rule's sentence
(PermissionDenied) and is called from one place: the service for a write, the view for a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from hubs.permissions import is_cpd_leader_of

if TYPE_CHECKING:
    from hubs.models import User

    from .models import Booking, DevelopmentSession, ReleaseRequest


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def is_lead(user, session: DevelopmentSession) -> bool:
    if not _active(user):
        return False
    # Uses the prefetched leads when the selector fetched them.
    return any(lead.pk == user.pk for lead in session.leads.all())


def can_propose(user) -> bool:
    """
    Any staff member with a directory profile offers sessions; coordinators, and hub and
    network leads (who plan their hub's or network's meetings, profile or not), too.
    """
    if not _active(user):
        return False
    # The profile is loaded with the signed-in person (hubs.backends): no query.
    return user.is_coordinator or hasattr(user, "expert_profile") or leads_hub_or_network(user)


def leads_hub_or_network(user) -> bool:
    """Does ``user`` lead a hub or a subject network? (Asked once, then kept on the instance.)"""
    if not _active(user):
        return False
    known = getattr(user, "_leads_hub_or_network", None)
    if known is None:
        known = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .filter(Q(led_hubs__isnull=False) | Q(led_networks__isnull=False))
            .exists()
        )
        user._leads_hub_or_network = known
    return known


def can_publish(user, session: DevelopmentSession) -> bool:
    """A coordinator; or the lead of the hub or network the session is for."""
    return can_publish_to(user, scope=session.scope, hub=session.hub, network=session.network)


def can_publish_to(user, *, scope: str, hub=None, network=None) -> bool:
    """
    May ``user`` publish a session for this audience? Asked on publishing and again on every
    edit of a published session whose audience changes, so a network lead cannot widen their
    network's session to a hub or a school that is not theirs.
    """
    if not _active(user):
        return False
    if user.is_coordinator:
        return True
    if scope == "hub" and hub is not None:
        return hub.leaders.filter(pk=user.pk).exists()
    if scope == "network" and network is not None:
        return network.leads.filter(pk=user.pk).exists()
    return False


def can_see_proposals(user) -> bool:
    """The proposals queue: for coordinators, and hub and network leads (their own audience)."""
    return _active(user) and (user.is_coordinator or leads_hub_or_network(user))


def can_decide_proposal(user, session: DevelopmentSession) -> bool:
    """Publishing or declining a proposal: whoever may publish it."""
    return can_publish(user, session)


def can_edit(user, session: DevelopmentSession) -> bool:
    """Its leads and coordinators; whoever may publish a colleague's proposal may change it
    first; a declined proposal stays as it was (its proposer proposes again)."""
    if not _active(user):
        return False
    if session.status == "declined":  # DevelopmentSession.Status (models import this module)
        return user.is_coordinator
    if user.is_coordinator or is_lead(user, session):
        return True
    return session.status == "proposed" and can_decide_proposal(user, session)


def can_see_attendees(user, session: DevelopmentSession) -> bool:
    """Attendee lists and the register are for the session's leads and coordinators."""
    return _active(user) and (user.is_coordinator or is_lead(user, session))


can_mark_attendance = can_see_attendees


def can_see_join_link(user, session: DevelopmentSession, booking: Booking | None) -> bool:
    if is_lead(user, session) or (_active(user) and user.is_coordinator):
        return True
    return booking is not None and booking.status == booking.Status.CONFIRMED


DECIDE_RELEASE_RULE = (
    "Nobody decides their own release time: a request is decided by a CPD leader of the "
    "person's school, or by a coordinator when the person is that school's only CPD leader."
)
SET_BUDGET_RULE = (
    "Nobody sets their own CPD budget: it is set by a CPD leader of the person's school, or by "
    "a coordinator when the person is that school's only CPD leader."
)


def _decides_for(user, person: User) -> bool:
    """
    Nobody decides for themselves. A person's CPD leader decides for them; a CPD leader's own
    request goes to another CPD leader of the school, or to a coordinator if there is none.
    """
    if not _active(user) or person.pk == user.pk:
        return False
    school = person.school
    if is_cpd_leader_of(user, school):
        return True
    if not user.is_coordinator or school is None:
        return False
    return not has_other_leader(person)


def has_other_leader(person: User) -> bool:
    """Does the person's school have an active CPD leader other than them?"""
    if person.school_id is None:
        return False
    return person.school.cpd_leaders.filter(is_active=True).exclude(pk=person.pk).exists()


def can_decide_release(user, release: ReleaseRequest) -> bool:
    return _decides_for(user, release.booking.user)


def can_set_budget(user, person: User) -> bool:
    return _decides_for(user, person)


def can_give_feedback(user, booking: Booking) -> bool:
    """Someone who had a confirmed place, once the session has started (not a private session,
    such as a coaching visit: no one ran it for them to rate)."""
    return (
        _active(user)
        and booking.user_id == user.pk
        and booking.status == booking.Status.CONFIRMED
        and booking.session.has_started
        and booking.session.scope != booking.session.Scope.PRIVATE
    )


def _evaluated(session: DevelopmentSession) -> bool:
    """A session that went ahead and is not a private visit (see ``evaluation.evaluated``)."""
    return session.status in {"published", "completed"} and session.scope != "private"


def can_write_will_change(user, session: DevelopmentSession) -> bool:
    """Once it has ended, a session's leads (or a coordinator) say what they will change."""
    return can_see_attendees(user, session) and _evaluated(session) and session.is_past


def can_see_evaluation(user, session: DevelopmentSession, *, took_part: bool) -> bool:
    """
    The evaluation summary, once shared: the session's leads and the coordinators, and those who
    took part (``took_part``: the person attended, or leads the school of someone who did; see
    ``evaluation.is_involved``). Nobody else, whatever else of the session they may see.
    """
    if not _active(user) or not _evaluated(session) or session.evaluation_shared_at is None:
        return False
    return can_see_attendees(user, session) or took_part


def can_see_approvals(user) -> bool:
    """The approvals queue is for CPD leaders and coordinators."""
    return _active(user) and (user.is_cpd_leader or user.is_coordinator)


# --- Refusals: one sentence per rule ----------------------------------------------------


def _require(allowed: bool, sentence: str) -> None:
    if not allowed:
        raise PermissionDenied(sentence)


def require_can_propose(user) -> None:
    _require(
        can_propose(user),
        "To offer a session, first add a profile to the directory saying what you can share "
        "(hub and network leads plan their meetings without one).",
    )


def require_can_publish(user, session: DevelopmentSession) -> None:
    _require(
        can_publish(user, session),
        "Only a coordinator, or the lead of this hub or network, publishes.",
    )


def require_can_see_proposals(user) -> None:
    _require(
        can_see_proposals(user),
        "Proposed sessions wait for the coordinator, and hub and network leads, to publish them.",
    )


def require_can_decide_proposal(user, session: DevelopmentSession) -> None:
    _require(
        can_decide_proposal(user, session),
        "Only a coordinator, or the lead of this hub or network, decides on a proposal.",
    )


def require_can_edit(user, session: DevelopmentSession) -> None:
    _require(can_edit(user, session), "Only the session's leads or a coordinator can change it.")


def can_cancel(user, session: DevelopmentSession) -> bool:
    """Whoever may change it; and a private session's proposer (a coach calling off the visit
    they planned), who does not lead it."""
    if can_edit(user, session):
        return True
    return (
        _active(user)
        and session.scope == "private"  # DevelopmentSession.Scope (models import this module)
        and session.proposed_by_id == user.pk
    )


def require_can_cancel(user, session: DevelopmentSession) -> None:
    _require(
        can_cancel(user, session),
        "Only the session's leads or a coordinator (or whoever planned a private visit) can "
        "cancel it.",
    )


def require_can_mark_attendance(user, session: DevelopmentSession) -> None:
    _require(
        can_mark_attendance(user, session),
        "Only the session's leads or a coordinator keep the register.",
    )


def require_can_see_attendees(user, session: DevelopmentSession) -> None:
    _require(
        can_see_attendees(user, session),
        "The register is for the session's leads and the coordinators.",
    )


def require_can_message_attendees(user, session: DevelopmentSession) -> None:
    _require(
        can_see_attendees(user, session),
        "Only the session's leads or a coordinator can email the people booked.",
    )


def can_see_certificate(user, booking: Booking) -> bool:
    """A certificate of attendance: for the person who was there, their session's leads and
    the coordinators."""
    if not _active(user):
        return False
    return booking.user_id == user.pk or can_see_attendees(user, booking.session)


def require_can_see_certificate(user, booking: Booking) -> None:
    _require(
        can_see_certificate(user, booking),
        "A certificate is for the person who attended, the session's leads and the coordinators.",
    )


def require_can_give_feedback(user, booking: Booking) -> None:
    _require(can_give_feedback(user, booking), "Feedback is for people who attended.")


def require_can_cancel_booking(user, booking: Booking) -> None:
    _require(
        booking.user_id == user.pk,  # also as they leave (hubs.signals.user_deactivated)
        "Only the person who booked can cancel a booking.",
    )


def require_can_decide_release(user, release: ReleaseRequest) -> None:
    _require(can_decide_release(user, release), DECIDE_RELEASE_RULE)


def require_can_set_budget(user, person: User) -> None:
    _require(can_set_budget(user, person), SET_BUDGET_RULE)


def require_can_see_approvals(user) -> None:
    _require(
        can_see_approvals(user), "Release-time approvals are for CPD leaders and coordinators."
    )


def can_send_apologies(user, booking: Booking) -> bool:
    """Apologies for one meeting are sent (and withdrawn) by the person booked, with a place."""
    return _active(user) and booking.user_id == user.pk and booking.holds_seat


def require_can_send_apologies(user, booking: Booking) -> None:
    _require(
        can_send_apologies(user, booking),
        "Only the person booked, with a place on the session, sends apologies for a meeting.",
    )


def require_can_write_will_change(user, session: DevelopmentSession) -> None:
    _require(
        can_write_will_change(user, session),
        "Only the session's leads or a coordinator say what will change, once it has ended.",
    )


def require_can_issue_certificates(user, session: DevelopmentSession) -> None:
    _require(
        can_see_attendees(user, session),
        "Only the session's leads or a coordinator issue certificates of attendance.",
    )
