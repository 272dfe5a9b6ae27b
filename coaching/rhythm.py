"""
When coaching is due: written once, for the caseload, the reminders, the weekly summary and the
leaders' activity figures. A relationship's next meeting is due ``rhythm_days`` after the last
meeting (or after it started); a step is checked back on its date. Either date is *overdue*
once it has passed, *due* from ``DUE_WITHIN`` days before it. A paused or ended relationship is
neither.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DUE_WITHIN = datetime.timedelta(days=3)


@dataclass(frozen=True)
class Timing:
    next_meeting: datetime.date | None
    check_back: datetime.date | None
    days_since_meeting: int | None
    due: bool
    overdue: bool

    @property
    def next_date(self) -> datetime.date | None:
        dates = [d for d in (self.next_meeting, self.check_back) if d is not None]
        return min(dates) if dates else None

    @property
    def sort_key(self) -> tuple:
        """What needs doing first: overdue, then due, then the nearest date."""
        return (
            0 if self.overdue else 1 if self.due else 2,
            self.next_date or datetime.date.max,
        )


def timing(
    *,
    open_now: bool,
    rhythm_days: int,
    started_on: datetime.date,
    last_meeting: datetime.date | None,
    check_back: datetime.date | None,
    today: datetime.date,
) -> Timing:
    since = (today - last_meeting).days if last_meeting else None
    if not open_now:
        return Timing(None, check_back, since, due=False, overdue=False)
    next_meeting = (last_meeting or started_on) + datetime.timedelta(days=rhythm_days)
    dates = [d for d in (next_meeting, check_back) if d is not None]
    overdue = any(d < today for d in dates)
    due = not overdue and any(d <= today + DUE_WITHIN for d in dates)
    return Timing(next_meeting, check_back, since, due=due, overdue=overdue)
