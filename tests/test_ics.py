"""The small iCalendar writer (cpdhub/ics.py): what it writes reads back with ``icalendar`` as
written, whatever the text (commas, semicolons, backslashes, new lines, accents, emoji, very
long lines), and no line is longer than 75 octets."""

import datetime

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from cpdhub import ics


def _calendar(*events: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    return (head + "".join(events) + "END:VCALENDAR\r\n").encode()


def _event(summary: str) -> str:
    return ics.vevent(
        [
            ("UID", "x@test"),
            ("DTSTAMP", ics.utc(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC))),
            ("DTSTART;VALUE=DATE", ics.day(datetime.date(2026, 11, 2))),
            ("DTEND;VALUE=DATE", ics.day(datetime.date(2026, 12, 12))),
            ("SUMMARY", ics.text(summary)),
        ]
    )


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_any_text_reads_back_as_written_in_lines_of_75_octets_at_most(summary):
    body = _calendar(_event(summary))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["summary"]) == summary
    assert event.decoded("dtstart") == datetime.date(2026, 11, 2)


def test_escapes_new_lines_and_times_are_utc():
    body = _calendar(_event("Line one\nTwo; three, four \\ five"))
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["summary"]) == "Line one\nTwo; three, four \\ five"
    london = datetime.datetime(
        2026, 10, 21, 15, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert ics.utc(london) == "20261021T143000Z"
