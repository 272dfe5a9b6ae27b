"""Peer visits for tests, made through the services a person would use. The outsider (Thornbury)
visits the owner's school (Ashgrove); Ashgrove's leader answers; the colleague hosts."""

from __future__ import annotations

import datetime

from django.utils import timezone

from enquiry import visits
from enquiry.models import PeerVisit
from tests.cpd_sessions.factories import london

SECRET_WHY = "Secret why: my head of department wants me out of set 3"
SECRET_VISIT_NOTES = "Secret visit notes: their Year 9 questioning beat ours"
SECRET_THANKS = "Secret thanks: the best morning of my term"


def visit_day() -> datetime.date:
    return timezone.localdate(london(12, 9, 0))


def ask(personas, **overrides) -> PeerVisit:
    data = {
        "by": personas.outsider,
        "host_school": personas.school,
        "focus": "Questioning in Year 9 maths",
        "dates": "Any Tuesday next half term",
        "why": SECRET_WHY,
    } | overrides
    return visits.visit_ask(**data)


def accept(visit: PeerVisit, personas, *, host=None) -> PeerVisit:
    return visits.visit_accept(
        visit=visit,
        by=personas.leader,
        host=host or personas.colleague,
        date=visit_day(),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
    )


def made(personas, *, notes: str = SECRET_VISIT_NOTES, thanks: str = SECRET_THANKS):
    """A visit asked, accepted, with the visitor's notes and thanks."""
    visit = accept(ask(personas), personas)
    visits.visit_notes_save(visit=visit, by=personas.outsider, notes=notes, shared=False)
    visits.visit_thank(visit=visit, by=personas.outsider, thanks=thanks)
    return PeerVisit.objects.get(pk=visit.pk)
