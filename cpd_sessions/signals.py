"""
Signals other apps may listen to, so that this app never imports theirs.

``attendance_marked(sender=Booking, booking=<Booking>)`` is sent, after the transaction
commits, each time a lead or coordinator marks a booking as attended. The portfolio app
connects to it to add a log entry ("attended <session>") for the attendee.
"""

from django.dispatch import Signal

attendance_marked = Signal()
