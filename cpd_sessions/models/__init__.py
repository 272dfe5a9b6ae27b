"""
The sessions app's models, one module per part: a session, its consultant and dates
(``sessions``), a place on it (``booking``), release time, budgets and the money ledger
(``money``), the register, apologies and feedback (``attendance``), the calendar feed
(``calendar_feed``), a lead's messages (``messages``) and the bounds they keep (``limits``).

Every model is imported here, so Django registers them and ``from cpd_sessions.models import
Booking`` is how the rest of the code names them.
"""

from .attendance import Apology, Attendance, Feedback
from .booking import Booking
from .calendar_feed import CalendarFeed, _new_feed_token
from .limits import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    FEEDBACK_TEXT_MAX,
    FIRST_YEAR,
    LAST_YEAR,
    MATERIALS_MAX,
    MAX_ALLOCATION,
    MAX_CAPACITY,
    MAX_COVER_LESSONS,
    MAX_FEE,
    MAX_GOAL_LENGTH,
    MAX_RELEASE_TOTAL,
    MAX_SUPPLY_PER_DAY,
    MAX_TRAVEL,
    MONEY,
    WILL_CHANGE_MAX,
)
from .messages import MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX, SessionMessage
from .money import BudgetEntry, CpdBudget, ReleaseRequest
from .sessions import (
    RECORDING_SHAREABLE,
    Consultant,
    DevelopmentSession,
    SessionDate,
    SessionQuerySet,
)

__all__ = [
    "CANCEL_REASON_MAX",
    "DESCRIPTION_MAX",
    "FEEDBACK_TEXT_MAX",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MATERIALS_MAX",
    "MAX_ALLOCATION",
    "MAX_CAPACITY",
    "MAX_COVER_LESSONS",
    "MAX_FEE",
    "MAX_GOAL_LENGTH",
    "MAX_RELEASE_TOTAL",
    "MAX_SUPPLY_PER_DAY",
    "MAX_TRAVEL",
    "MESSAGE_BODY_MAX",
    "MESSAGE_SUBJECT_MAX",
    "MONEY",
    "RECORDING_SHAREABLE",
    "WILL_CHANGE_MAX",
    "Apology",
    "Attendance",
    "Booking",
    "BudgetEntry",
    "CalendarFeed",
    "Consultant",
    "CpdBudget",
    "DevelopmentSession",
    "Feedback",
    "ReleaseRequest",
    "SessionDate",
    "SessionMessage",
    "SessionQuerySet",
    "_new_feed_token",
]
