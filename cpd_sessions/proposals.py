"""
Proposed sessions and whoever may publish them. A colleague's proposal waits in a queue for
those who may publish it (the rule is ``permissions.can_publish``: a coordinator any, a hub
lead their hub's, a network lead their network's). Each of them is emailed once per proposal,
through the ledger; a proposal is published, or declined with a reason emailed to whoever
proposed it.

The reads (the queue, who may publish) and the writes (offer, decline) live here together;
the two emails are built in ``emails.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, QuerySet

from hubs.models import COORDINATORS_GROUP, User

from . import emails, permissions, session_changes
from .lifecycle import SessionRefused
from .models import CANCEL_REASON_MAX, DevelopmentSession

PROPOSED = DevelopmentSession.Status.PROPOSED


# --- Reads ---------------------------------------------------------------------------------


def _publishable_by(user: User) -> Q | None:
    """The proposals ``user`` may publish, as a filter (None: everything, for a coordinator)."""
    if user.is_coordinator:
        return None
    return Q(scope=DevelopmentSession.Scope.HUB, hub__leaders=user) | Q(
        scope=DevelopmentSession.Scope.NETWORK, network__leads=user
    )


def queue(user: User) -> QuerySet[DevelopmentSession]:
    """The proposals waiting for ``user`` to publish or decline, oldest first (a fixed number of
    queries whatever their number: the page's rows, their dates, areas and leads)."""
    if not permissions.can_see_proposals(user):
        return DevelopmentSession.objects.none()
    rows = DevelopmentSession.objects.filter(status=PROPOSED)
    mine = _publishable_by(user)
    if mine is not None:
        rows = rows.filter(pk__in=DevelopmentSession.objects.filter(mine).values("pk"))
    return (
        rows.select_related("proposed_by__school", "hub", "network", "school", "venue_school")
        .prefetch_related("dates", "areas")
        .order_by("created_at", "pk")
    )


def waiting_count(user: User) -> int:
    """How many proposals wait for ``user`` (0, with no query, for someone who publishes none)."""
    if not permissions.can_see_proposals(user):
        return 0
    return queue(user).count()


def publishers(session: DevelopmentSession) -> list[User]:
    """Everyone who may publish ``session``: the coordinators, and its hub's leaders or its
    network's leads. Active accounts only."""
    who = Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True)
    if session.scope == DevelopmentSession.Scope.HUB and session.hub_id:
        who |= Q(led_hubs=session.hub_id)
    if session.scope == DevelopmentSession.Scope.NETWORK and session.network_id:
        who |= Q(led_networks=session.network_id)
    return list(User.objects.filter(who, is_active=True).distinct().order_by("pk"))


# --- Writes --------------------------------------------------------------------------------


@transaction.atomic
def session_offer(
    *,
    by: User,
    dates: Sequence[tuple[datetime.datetime, datetime.datetime]],
    **fields,
) -> tuple[DevelopmentSession, bool]:
    """
    Offer a session (the "Offer a session" form). Someone who may publish it publishes it at
    once; anyone else's proposal waits in the queue, and each person who may publish it is
    emailed once. Returns the session and whether it is published.
    """
    session = session_changes.session_propose(by=by, dates=dates, **fields)
    if permissions.can_publish(by, session):
        session_changes.session_publish(session=session, by=by)
        return session, True
    proposal_notify(session=session)
    return session, False


def proposal_notify(*, session: DevelopmentSession) -> int:
    """Email each person who may publish ``session`` (not its proposer), once per proposal."""
    to = [u.email for u in publishers(session) if u.pk != session.proposed_by_id]
    if not to:
        return 0
    return len(emails.mail_session_proposed(session.pk, to))


@transaction.atomic
def proposal_decline(*, session: DevelopmentSession, by: User, reason: str) -> bool:
    """Decline a proposal with a reason, which is emailed (once) to whoever proposed it."""
    permissions.require_can_decide_proposal(by, session)
    reason = reason.strip()
    if not reason:
        raise SessionRefused("Say why you decline it: the colleague who proposed it is told.")
    if len(reason) > CANCEL_REASON_MAX:
        raise SessionRefused(f"Keep the reason to {CANCEL_REASON_MAX} characters or fewer.")
    session = DevelopmentSession.objects.select_for_update().get(pk=session.pk)
    if session.status != PROPOSED:
        raise SessionRefused(
            f"This session is {session.get_status_display().lower()}: it is no longer a "
            "proposal to decide on."
        )
    session.status = DevelopmentSession.Status.DECLINED
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancel_reason"])
    proposer = session.proposed_by
    if proposer is not None and proposer.is_active and proposer.pk != by.pk:
        emails.mail_proposal_declined(session.pk, proposer.email)
        return True
    return False
