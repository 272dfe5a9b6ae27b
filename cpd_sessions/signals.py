"""
Signals other apps may listen to, so that this app never imports theirs.

``attendance_marked(sender=Booking, booking=<Booking>)`` is sent, after the transaction
commits, each time a lead or coordinator marks a booking as attended. The portfolio app
connects to it to add a log entry ("session attended") for the attendee, and "session led"
entries for the leads.

``attendance_unmarked(sender=Booking, booking=<Booking>)`` is sent, after the transaction
commits, when a booking marked present is marked absent again. The portfolio app removes the
"session attended" entry it derived (or, if its owner has written in it, unlinks it).

``feedback_given(sender=Feedback, feedback=<Feedback>)`` is sent, after the transaction commits,
each time an attendee gives (or changes) their feedback. The portfolio app fills the empty parts
of the attendee's entry from it (what was most useful, what I will try).

``session_publishing(sender=DevelopmentSession, session=<DevelopmentSession>)`` is sent inside
the publishing transaction, the row locked, before the status changes. A receiver refuses by
raising ``lifecycle.SessionRefused`` with its sentence (the coordination app refuses a
commissioned draft that still has the text it started with).

``session_published(sender=DevelopmentSession, session=<DevelopmentSession>, by=<User>)`` is
sent inside the same transaction once the session is published, so a receiver's ledger rows
commit (and are sent) with it, or not at all. The coordination app tells the people whose
needs a commissioned session was for.
"""

from django.dispatch import Signal

attendance_marked = Signal()
attendance_unmarked = Signal()
feedback_given = Signal()
session_publishing = Signal()
session_published = Signal()
