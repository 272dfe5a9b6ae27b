"""
Peer visits to other schools. A teacher or leader asks to visit a school (a focus, dates that
suit them, why): the host school's CPD leaders are emailed. One of them accepts, naming a host
from their staff and the day, or declines; the visitor is emailed the answer.

A school with no CPD leader on CPD Hub: the request goes to the coordinators, who decide in
the CPD leader's place (the page tells the visitor who decides).

Accepting makes a private session exactly as coaching visits do (cpd_sessions'
``private_session_create``, kind "Peer visit or observation"): "Visit to <host school>", at the
host school, capacity 1. The visitor books it on the session's page, whose form asks release
time: the request goes to the visitor's own CPD leader's queue and charges their school's
budget, like any other. The session names the school only, never the focus or the reasons.

The visitor may withdraw a request that waits, or call off an accepted visit before it starts:
its session is cancelled the usual way (session_cancel: the ledger refunds any release time
approved or asked), and those who decide for the host school, and the host, are emailed once.

After the visit the visitor keeps notes (theirs alone unless they share them with their host)
and may thank the host; a thank-you counts as help on the host's profile, like a contact
request's (experts.services.helped_add), once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.models import DevelopmentSession
from cpdhub.small_numbers import protect
from experts.services import helped_add
from hubs.models import COORDINATORS_GROUP, School, User

from . import emails, permissions
from .models import PeerVisit

TITLE_MAX = DevelopmentSession._meta.get_field("title").max_length
CANCEL_REASON = "The visitor called off the visit."


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def has_leader(school: School) -> bool:
    """Has the school an active CPD leader on CPD Hub (who decides its visits)?"""
    return school.cpd_leaders.filter(is_active=True).exists()


def deciders(school: School) -> list[User]:
    """Who decides a request to visit ``school``: its active CPD leaders; the coordinators
    (active) when it has none."""
    leaders = list(school.cpd_leaders.filter(is_active=True).order_by("pk"))
    if leaders:
        return leaders
    who = Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True)
    return list(User.objects.filter(who, is_active=True).distinct().order_by("pk"))


def decided_by_words(school: School) -> str:
    """The sentence that tells the visitor who decides."""
    leaders = [u.full_name for u in school.cpd_leaders.filter(is_active=True).order_by("pk")]
    if not leaders:
        return (
            f"{school.name} has no CPD leader signed up here, so the community coordinator decides "
            "your request."
        )
    names = ", ".join(leaders[:-1]) + (" or " if len(leaders) > 1 else "") + leaders[-1]
    return f"{school.name}'s CPD leader ({names}) decides your request."


@transaction.atomic
def visit_ask(*, by: User, host_school: School, focus: str, dates: str, why: str) -> PeerVisit:
    """Ask to visit ``host_school``; its CPD leaders (or the coordinators, for a school with
    none) are emailed (through the ledger)."""
    permissions.require_can_ask_visit(by, host_school)
    visit = PeerVisit.objects.create(
        visitor=by,
        visitor_school_id=by.school_id,
        host_school=host_school,
        focus=focus.strip(),
        dates=dates.strip(),
        why=why.strip(),
    )
    emails.mail_visit_request(visit, deciders(host_school))
    return visit


@transaction.atomic
def visit_accept(
    *,
    visit: PeerVisit,
    by: User,
    host: User,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
) -> PeerVisit:
    """A host school's CPD leader accepts, naming the host and the day: the private session the
    visitor books for release time is made, and the visitor is emailed."""
    visit = PeerVisit.objects.select_for_update().get(pk=visit.pk)
    permissions.require_can_answer_visit(by, visit, school_has_leader=has_leader(visit.host_school))
    if visit.visitor is None:
        raise ValidationError("The visitor's account has been deleted: decline the request.")
    if host.school_id != visit.host_school_id or not host.is_active:
        raise ValidationError({"host": "Choose a member of staff at your school."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "The visit must end after it starts."})
    try:
        session = session_changes.private_session_create(
            by=visit.visitor,
            title=f"Visit to {visit.host_school.name}"[:TITLE_MAX],
            kind=DevelopmentSession.Kind.PEER_VISIT,
            venue_school=visit.host_school,
            start=_moment(date, start_time),
            end=_moment(date, end_time),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "first_date" in error.error_dict:
            raise ValidationError({"date": error.error_dict["first_date"]}) from None
        raise
    visit.status = PeerVisit.Status.ACCEPTED
    visit.host = host
    visit.decided_by = by
    visit.decided_at = timezone.now()
    visit.session = session
    visit.save(update_fields=["status", "host", "decided_by", "decided_at", "session"])
    emails.mail_visit_answer(visit)
    return visit


@transaction.atomic
def visit_decline(*, visit: PeerVisit, by: User) -> PeerVisit:
    visit = PeerVisit.objects.select_for_update().get(pk=visit.pk)
    permissions.require_can_answer_visit(by, visit, school_has_leader=has_leader(visit.host_school))
    visit.status = PeerVisit.Status.DECLINED
    visit.decided_by = by
    visit.decided_at = timezone.now()
    visit.save(update_fields=["status", "decided_by", "decided_at"])
    emails.mail_visit_answer(visit)
    return visit


@transaction.atomic
def visit_withdraw(*, visit: PeerVisit, by: User) -> PeerVisit:
    """The visitor withdraws a waiting request, or calls off an accepted visit before it
    starts: its session is cancelled the usual way (the ledger refunds any release). Those who
    decide for the host school, and the named host, are emailed once."""
    visit = PeerVisit.objects.select_for_update().get(pk=visit.pk)
    permissions.require_can_withdraw_visit(by, visit)
    if visit.session is not None:
        session_changes.session_cancel(session=visit.session, by=by, reason=CANCEL_REASON)
    visit.status = PeerVisit.Status.WITHDRAWN
    visit.save(update_fields=["status"])
    emails.mail_visit_withdrawn(visit, deciders(visit.host_school))
    return visit


@transaction.atomic
def visit_notes_save(*, visit: PeerVisit, by: User, notes: str, shared: bool) -> None:
    """The visitor's notes: theirs alone, or shared with their host."""
    permissions.require_can_write_visit_notes(by, visit)
    PeerVisit.objects.filter(pk=visit.pk).update(notes=notes.strip(), notes_shared=shared)


@transaction.atomic
def visit_thank(*, visit: PeerVisit, by: User, thanks: str) -> None:
    """The visitor thanks the host; the first thank-you counts as help on the host's profile."""
    permissions.require_can_write_visit_notes(by, visit)
    if not thanks.strip():
        raise ValidationError({"thanks": "Write a few words of thanks."})
    first = PeerVisit.objects.filter(pk=visit.pk, thanked_at__isnull=True).update(
        thanks=thanks.strip(), thanked_at=timezone.now()
    )
    if not first:
        PeerVisit.objects.filter(pk=visit.pk).update(thanks=thanks.strip())
    elif visit.host_id is not None:
        helped_add(user_id=visit.host_id)


# --- Reads ---------------------------------------------------------------------------------


def _leaderless() -> QuerySet[School]:
    return School.objects.exclude(cpd_leaders__is_active=True)


def visits_for(user: User) -> QuerySet[PeerVisit]:
    """The visits a person may open: made, hosted, or to a school they decide for (one they
    lead; for a coordinator, any school with no CPD leader)."""
    if not user.is_authenticated:
        return PeerVisit.objects.none()
    who = Q(visitor=user) | Q(host=user) | Q(host_school_id__in=user.led_school_ids)
    if user.is_coordinator:
        who |= Q(host_school__in=_leaderless())
    return PeerVisit.objects.filter(who).select_related(
        "visitor", "visitor_school", "host", "host_school", "session"
    )


def visit_for(user: User, pk: int) -> PeerVisit:
    """One visit, among those the person may open (anyone else: DoesNotExist, so 404)."""
    return visits_for(user).get(pk=pk)


LIST_PAGE = 20


def visits_made(user: User) -> QuerySet[PeerVisit]:
    """/visits/: the visits I asked for, newest first."""
    return visits_for(user).filter(visitor=user).order_by("-created_at", "-pk")


def visits_hosting(user: User) -> QuerySet[PeerVisit]:
    """/visits/: the visits I host, newest first."""
    return visits_for(user).filter(host=user).order_by("-created_at", "-pk")


def visits_to_decide(user: User) -> QuerySet[PeerVisit]:
    """/visits/: requests to the schools I decide for (lead; or, for a coordinator, those with
    no CPD leader), waiting ones first, then newest first."""
    if not user.is_authenticated:
        return PeerVisit.objects.none()
    where = Q(host_school_id__in=user.led_school_ids)
    if user.is_coordinator:
        where |= Q(host_school__in=_leaderless())
    waiting = Case(When(status=PeerVisit.Status.ASKED, then=0), default=1)
    return visits_for(user).filter(where).order_by(waiting, "-created_at", "-pk")


def host_choices(school: School) -> QuerySet[User]:
    return User.objects.filter(school=school, is_active=True).order_by("first_name", "last_name")


# --- The coordinator's figures: are visits two-way? ---------------------------------------


@dataclass(frozen=True)
class TwoWayRow:
    school: str
    hosted: int | str
    made: int | str
    two_way: bool


def two_way() -> list[TwoWayRow]:
    """Per school, accepted visits hosted and made, and whether it does both. A figure about
    fewer than 5 people (hosts, visitors) reads "fewer than 5 people". Two queries."""
    accepted = PeerVisit.objects.filter(status=PeerVisit.Status.ACCEPTED)
    hosted = {
        r["host_school__name"]: r
        for r in accepted.values("host_school__name").annotate(
            n=Count("pk"), people=Count("host", distinct=True)
        )
    }
    made = {
        r["visitor_school__name"]: r
        for r in accepted.filter(visitor_school__isnull=False)
        .values("visitor_school__name")
        .annotate(n=Count("pk"), people=Count("visitor", distinct=True))
    }
    rows = []
    for name in sorted(set(hosted) | set(made)):
        h, m = hosted.get(name), made.get(name)
        rows.append(
            TwoWayRow(
                school=name,
                hosted=protect(h["people"], h["n"]) if h else 0,
                made=protect(m["people"], m["n"]) if m else 0,
                two_way=bool(h and m),
            )
        )
    return rows
