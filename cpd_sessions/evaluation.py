"""
A session's evaluation, shared back with everyone involved: its leads, the people who attended
and their schools' CPD leaders (and the coordinators, who see everything).

What is shared: how many answered out of how many attended, how they rated it (the spread of
the one rating question), the comments whose writers agreed to share them (never with a name),
the leads' "what we will change", and, on the page, the six-week follow-up levels as they come
in. About fewer than 3 people it shows no rating, no comment and no level
(``cpdhub.small_numbers``): it says so instead.

The summary is shared once, when the feedback window closes (``FEEDBACK_WINDOW`` after the
session's end, for a series after its last meeting); the leads are asked for "what we will
change" when the session ends, so the summary carries it. This module reads; the writes are in
``evaluation_sharing``.

The follow-up levels live in the portfolio, an app above this one: it registers a source in its
``AppConfig.ready()`` (the pattern of ``interests.py``); without one, the page shows none.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from cpdhub.small_numbers import SMALLEST_SHARED_GROUP, enough_to_share
from hubs.models import User

from .models import Booking, DevelopmentSession, Feedback

# Feedback is asked for during the 14 days after a session ends (``tasks.request_feedback``
# asks each attendee once in that time); when they are over, the summary is shared.
FEEDBACK_WINDOW = datetime.timedelta(days=14)
# A summary not shared within a week of its window closing (the task did not run: an outage)
# is not shared late, and sessions that ended before sharing existed are never swept up.
SHARE_WITHIN = datetime.timedelta(days=7)

RATINGS = (5, 4, 3, 2, 1)
RATING_WORDS = {5: "very useful", 4: "useful", 3: "somewhat useful", 2: "a little", 1: "not useful"}


@dataclass(frozen=True)
class FollowUpLevels:
    """The six-week follow-ups of the people who attended: how many answered, and how many at
    each level (label, count), in the order of the levels."""

    answered: int
    levels: list[tuple[str, int]]


# ``source(session)`` gives the follow-up levels of a session's attendees (one query).
FollowUpSource = Callable[[DevelopmentSession], FollowUpLevels]
_follow_up_sources: list[FollowUpSource] = []


def register_follow_up_source(source: FollowUpSource) -> None:
    if source not in _follow_up_sources:
        _follow_up_sources.append(source)


@dataclass
class Evaluation:
    session: DevelopmentSession
    attended: int
    answered: int
    # Shown only when enough answered (``enough``): empty otherwise.
    ratings: list[tuple[int, str, int]] = field(default_factory=list)
    average: float | None = None
    comments: list[str] = field(default_factory=list)
    follow_ups: FollowUpLevels | None = None
    smallest: int = SMALLEST_SHARED_GROUP

    @property
    def enough(self) -> bool:
        return enough_to_share(self.answered, self.smallest)

    @property
    def will_change(self) -> str:
        return self.session.will_change

    @property
    def follow_ups_enough(self) -> bool:
        return self.follow_ups is not None and enough_to_share(
            self.follow_ups.answered, self.smallest
        )


def window_closes(session: DevelopmentSession) -> datetime.datetime:
    return session.end + FEEDBACK_WINDOW


def attended(session: DevelopmentSession) -> QuerySet[Booking]:
    """Who took part: confirmed places not marked absent (whether or not the register was kept;
    an erased account's booking still counts in the figures)."""
    return Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED).exclude(
        attendance__present=False
    )


def evaluation_of(session: DevelopmentSession) -> Evaluation:
    """The summary everyone involved sees (three queries, and one per follow-up source)."""
    feedback = Feedback.objects.filter(booking__in=attended(session))
    spread = dict(feedback.values_list("rating").annotate(n=Count("pk")).order_by())
    answered = sum(spread.values())
    evaluation = Evaluation(session=session, attended=attended(session).count(), answered=answered)
    # Read whatever the count (the page's queries are the same at 1 answer and at many); shown
    # only when enough answered, sorted by their words, not by when or by whom they were written.
    comments = sorted(
        text.strip()
        for text in feedback.filter(share_comment=True)
        .exclude(comment="")
        .values_list("comment", flat=True)
        if text.strip()
    )
    if evaluation.enough:
        evaluation.ratings = [(r, RATING_WORDS[r], spread.get(r, 0)) for r in RATINGS]
        evaluation.average = round(sum(r * n for r, n in spread.items()) / answered, 1)
        evaluation.comments = comments
    for source in _follow_up_sources:
        evaluation.follow_ups = source(session)
    return evaluation


def involved(session: DevelopmentSession) -> QuerySet[User]:
    """Everyone the summary goes to: the active leads, attendees and attendees' schools' CPD
    leaders, each once."""
    took_part = attended(session)
    return (
        User.objects.filter(
            Q(pk__in=took_part.filter(user__isnull=False).values("user_id"))
            | Q(pk__in=session.leads.values("pk"))
            | Q(
                led_schools__in=took_part.filter(user__school__isnull=False).values(
                    "user__school_id"
                )
            ),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def is_involved(user: User, session: DevelopmentSession) -> bool:
    """An attendee, or a CPD leader of an attendee's school (the leads are known already)."""
    took_part = attended(session)
    led = user.led_school_ids
    condition = Q(user=user) | (Q(user__school_id__in=led) if led else Q(pk__in=[]))
    return took_part.filter(condition).exists()


def shared_session(pk: int) -> DevelopmentSession | None:
    """An evaluated session whose summary has been shared, with its dates and leads (for the
    summary's own page, whoever may see the session itself)."""
    return (
        evaluated()
        .filter(pk=pk, evaluation_shared_at__isnull=False)
        .select_related("venue_school")
        .prefetch_related("dates", "leads")
        .first()
    )


def evaluated() -> QuerySet[DevelopmentSession]:
    """Sessions that are evaluated: they went ahead and are not someone's private visit."""
    return DevelopmentSession.objects.filter(
        status__in=[DevelopmentSession.Status.PUBLISHED, DevelopmentSession.Status.COMPLETED]
    ).exclude(scope=DevelopmentSession.Scope.PRIVATE)


def due_to_share(now: datetime.datetime) -> QuerySet[DevelopmentSession]:
    """Sessions whose feedback window closed (within ``SHARE_WITHIN``) and not yet shared."""
    return evaluated().filter(
        evaluation_shared_at__isnull=True,
        end__lte=now - FEEDBACK_WINDOW,
        end__gt=now - FEEDBACK_WINDOW - SHARE_WITHIN,
    )


def due_to_ask(now: datetime.datetime) -> QuerySet[DevelopmentSession]:
    """Sessions that ended and whose window is still open: their leads are asked (once each,
    the ledger's key) for what they will change."""
    return evaluated().filter(end__lte=now, end__gt=now - FEEDBACK_WINDOW)
