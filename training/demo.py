"""
Required training for the demo community: safeguarding (level 1, every 3 years) and first aid
(every 3 years) required of all staff by the community; safeguarding level 3 required of DSLs
by the demo CPD leader's school. Sam Whitfield (teacher@demo.test) has first aid overdue; Priya
Shah (leader@demo.test) has safeguarding due within the month; everyone else in her school is
in date for safeguarding, and first aid is missing for some.

Idempotent: the requirements are found by title, and the demo school's completions rewritten.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from hubs.models import Responsibility, School, User, UserResponsibility

from .models import Completion, Requirement, add_months

SAFEGUARDING = "Safeguarding level 1"
FIRST_AID = "First aid"
DSL = "Safeguarding level 3 (DSL)"
DEMO_URN = 148101
CERTIFICATE = b"Certificate of completion: Safeguarding level 1 (demo)\n"


def _requirement(title: str, school: School | None, months: int, **fields) -> Requirement:
    requirement, _ = Requirement.objects.update_or_create(
        school=school, title=title, defaults={"valid_months": months, "active": True, **fields}
    )
    return requirement


def _done(
    requirement: Requirement, person: User, completed_on: datetime.date, provider: str
) -> Completion:
    return Completion.objects.create(
        requirement=requirement,
        user=person,
        completed_on=completed_on,
        expires_on=requirement.expiry_for(completed_on),
        provider=provider,
        source=Completion.Source.LEADER,
    )


@transaction.atomic
def seed() -> None:
    school = School.objects.filter(urn=DEMO_URN).first()
    if school is None:
        return
    today = timezone.localdate()
    safeguarding = _requirement(SAFEGUARDING, None, 36)
    first_aid = _requirement(FIRST_AID, None, 36)
    dsl = _requirement(DSL, school, 24, responsibilities=[Responsibility.DSL])
    staff = list(User.objects.filter(school=school, is_active=True).order_by("pk"))
    for completion in Completion.objects.filter(user__school=school).exclude(certificate=""):
        completion.certificate.delete(save=False)
    Completion.objects.filter(user__school=school).delete()
    teacher = User.objects.filter(email="teacher@demo.test").first()
    leader = User.objects.filter(email="leader@demo.test").first()
    if leader is not None:
        UserResponsibility.objects.get_or_create(user=leader, responsibility=Responsibility.DSL)
    for n, person in enumerate(staff):
        # Safeguarding: in date for everyone (done in the last year), but the leader's is due.
        if person == leader:
            done = add_months(today + datetime.timedelta(days=20), -36)
        else:
            done = today - datetime.timedelta(days=30 + 11 * n % 300)
        made = _done(safeguarding, person, done, "Local authority safeguarding team")
        if person == teacher:  # her certificate, uploaded
            made.original_name, made.content_type = "safeguarding-certificate.txt", "text/plain"
            made.size = len(CERTIFICATE)
            made.certificate.save(made.original_name, ContentFile(CERTIFICATE), save=True)
        # First aid: the teacher's expired a month ago; every other person has it or not.
        if person == teacher:
            _done(first_aid, person, add_months(today, -37), "St John Ambulance")
        elif n % 3 != 2:
            _done(first_aid, person, today - datetime.timedelta(days=200), "St John Ambulance")
    if leader is not None:
        _done(dsl, leader, today - datetime.timedelta(days=90), "Local authority DSL course")
