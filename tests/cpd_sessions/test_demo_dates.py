"""The demo's session series land on school days in term, whatever day the demo is seeded on."""

import datetime
import itertools

from cpd_sessions.demo import meeting_days
from hubs.demo import term_dates

# Three academic years, as the demo seeds them (each year's list opens with the summer before it).
TERMS = [(s, e) for _n, s, e in term_dates(2025) + term_dates(2026)[1:] + term_dates(2027)[1:]]


def in_term(day):
    return any(start <= day <= end for start, end in TERMS)


def test_every_series_seeded_on_any_day_of_two_years_is_weekly_on_term_weekdays():
    for offset in range(730):
        today = datetime.date(2026, 1, 1) + datetime.timedelta(days=offset)
        for days_from_today, meetings in [(14, 4), (18, 3), (8, 3), (40, 1), (-20, 1), (-12, 1)]:
            first = today + datetime.timedelta(days=days_from_today)
            days = meeting_days(first, meetings, TERMS, today=today)
            context = (today, first, days)
            assert len(days) == meetings, context
            assert all(d.weekday() < 5 for d in days), context
            assert all(in_term(d) for d in days), context
            assert all((b - a).days >= 7 for a, b in itertools.pairwise(days)), context
            # Upcoming sessions stay upcoming; a past one stays in the past.
            assert all(d >= today for d in days) if days_from_today >= 0 else days[-1] < today


def test_a_series_that_meets_a_holiday_resumes_the_next_term_without_meeting_twice_a_day():
    # Seeded on 8 December 2026, four twilights a fortnight on: the first falls in the Christmas
    # holiday and moves to the spring term's first day; the third, in term on its own, follows the
    # others rather than landing on the same day as the first.
    today = datetime.date(2026, 12, 8)
    days = meeting_days(datetime.date(2026, 12, 22), 4, TERMS, today=today)
    assert days == [
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 12),
        datetime.date(2027, 1, 19),
        datetime.date(2027, 1, 26),
    ]


def test_a_past_meeting_in_a_holiday_stays_in_the_past():
    # Seeded on 8 September 2026, a session twelve days ago (27 August, the summer holiday)
    # moves back to the summer term's last day, not forward into the autumn term.
    past = meeting_days(datetime.date(2026, 8, 27), 1, TERMS, today=datetime.date(2026, 9, 8))
    assert past == [datetime.date(2026, 7, 21)]


def test_with_no_term_dates_only_weekends_move():
    saturday = datetime.date(2027, 1, 2)
    days = meeting_days(saturday, 2, [], today=saturday)
    assert days == [datetime.date(2027, 1, 4), datetime.date(2027, 1, 11)]
