"""
Development sessions for the demo community (idempotent): every kind, past and future, with
bookings, a waitlist, release requests (one waiting for leader@demo.test, one she approved),
a consultant whose fee schools share, attendance, feedback and recordings, and one evaluation
shared back (shared comments, the leads' "what we will change"; the portfolio's demo answers
its attendees' six-week follow-ups).

Sessions are found by title and their dates are set relative to today, so running it again
brings the same rows to the same state.
"""

from __future__ import annotations

import datetime
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from experts.models import ExpertiseArea
from hubs.models import Hub, School, SubjectNetwork, Term, User

from .attendance import attendance_mark, feedback_give
from .budget import settle_release
from .evaluation import window_closes
from .evaluation_sharing import will_change_set
from .models import (
    Apology,
    Booking,
    Consultant,
    CpdBudget,
    DevelopmentSession,
    ReleaseRequest,
)
from .session_changes import set_dates

K, F = DevelopmentSession.Kind, DevelopmentSession.Format

# The past session whose evaluation has been shared (eight weeks ago, so its attendees' six-week
# follow-ups are in: portfolios/demo.py answers them). The demo teacher attended it.
EVALUATED = "Adapting lessons for pupils with SEND"
EVALUATED_COMMENTS = {
    0: ("Seeing the same task adapted three ways made it click for me.", True),
    2: ("More time to plan with colleagues from our own phase, please.", True),
    6: ("The room was too hot and I could not hear the online group.", False),
    8: ("I would like a follow-up session on scaffolding writing.", True),
}
WILL_CHANGE = (
    "Planning time by phase in the second half, a smaller room for the online group's "
    "microphone, and a follow-up twilight on scaffolding writing next term."
)

# (title, kind, format, days from today, start, end, meetings, capacity, areas, lead email or
#  staff index, scope, extra)
SESSIONS = [
    (
        "Hinge questions that show who has understood",
        K.WORKSHOP,
        F.IN_PERSON,
        9,
        "16:00",
        "17:30",
        1,
        16,
        ["questioning", "assessment-for-learning"],
        "expert@demo.test",
        "community",
        {},
    ),
    (
        "Maths mastery twilights: bar modelling",
        K.WORKSHOP,
        F.IN_PERSON,
        14,
        "15:45",
        "17:15",
        4,
        12,
        ["maths-mastery"],
        "expert@demo.test",
        "community",
        {},
    ),
    (
        "Bar modelling in the classroom (daytime workshop)",
        K.WORKSHOP,
        F.IN_PERSON,
        12,
        "10:00",
        "12:00",
        1,
        10,
        ["maths-mastery"],
        "expert@demo.test",
        "community",
        {},
    ),
    (
        "Retrieval practice in five minutes a lesson",
        K.WEBINAR,
        F.ONLINE,
        6,
        "16:00",
        "17:00",
        1,
        None,
        ["retrieval-practice"],
        1,
        "community",
        {},
    ),
    (
        "Primary geography network: autumn meeting",
        K.NETWORK_MEETING,
        F.HYBRID,
        20,
        "16:00",
        "17:30",
        1,
        30,
        ["subject-knowledge-geography"],
        2,
        "network",
        {"network": "primary-geography"},
    ),
    (
        "Northgate hub meeting",
        K.HUB_MEETING,
        F.IN_PERSON,
        27,
        "15:45",
        "17:00",
        1,
        40,
        ["curriculum-design"],
        "leader@demo.test",
        "hub",
        {"hub": "northgate"},
    ),
    (
        "Observe calm routines at Hollins Park",
        K.PEER_VISIT,
        F.IN_PERSON,
        16,
        "09:00",
        "11:00",
        1,
        3,
        ["behaviour-management", "autism"],
        3,
        "community",
        {},
    ),
    (
        "Coaching group for new middle leaders",
        K.COACHING_GROUP,
        F.ONLINE,
        8,
        "16:15",
        "17:00",
        3,
        8,
        ["coaching", "middle-leadership"],
        4,
        "community",
        {},
    ),
    (
        "Metacognition with an EEF-trained consultant",
        K.CONSULTANT_LED,
        F.IN_PERSON,
        35,
        "13:00",
        "16:00",
        1,
        30,
        ["metacognition"],
        None,
        "community",
        {"consultant": True},
    ),
    (
        "Lesson study cycle: reading fluency",
        K.LESSON_STUDY,
        F.IN_PERSON,
        18,
        "13:30",
        "15:30",
        3,
        6,
        ["lesson-study", "early-reading-and-phonics"],
        5,
        "community",
        {},
    ),
    (
        "Speed networking: find your CPD partner",
        K.SPEED_NETWORKING,
        F.IN_PERSON,
        22,
        "16:00",
        "17:00",
        1,
        40,
        [],
        "coordinator@demo.test",
        "community",
        {},
    ),
    # Past sessions, with attendance, feedback and recordings.
    (
        "Whole-class feedback that cuts marking",
        K.WEBINAR,
        F.ONLINE,
        -20,
        "16:00",
        "17:00",
        1,
        None,
        ["feedback"],
        6,
        "community",
        {"recording": "https://video.demo.test/whole-class-feedback"},
    ),
    (
        "Oracy: structured talk that lifts writing",
        K.WORKSHOP,
        F.IN_PERSON,
        -12,
        "16:00",
        "17:30",
        1,
        20,
        ["oracy"],
        7,
        "community",
        {"recording": "https://video.demo.test/oracy"},
    ),
    (
        EVALUATED,
        K.WORKSHOP,
        F.HYBRID,
        -56,
        "15:45",
        "17:15",
        1,
        25,
        ["send"],
        8,
        "hub",
        {"hub": "northgate", "recording": "https://video.demo.test/send"},
    ),
]


def meeting_days(
    first: datetime.date,
    meetings: int,
    terms: list[tuple[datetime.date, datetime.date]],
    *,
    today: datetime.date,
) -> list[datetime.date]:
    """The days of a series of weekly ``meetings`` from ``first``, each on a school weekday in
    term: nobody runs a twilight on 28 December. A meeting that falls in a holiday moves to the
    next term's first weekday; the next is a week on from the one before it, and only ever moves
    later, so a series never meets twice on a day nor runs backwards. A series over by ``today``
    is laid out from its last meeting backwards, so that it stays in the past. With no term dates
    that way, only weekends move."""
    last = first + datetime.timedelta(weeks=meetings - 1)
    forward = last >= today
    step = datetime.timedelta(days=1 if forward else -1)
    days: list[datetime.date] = []
    day = first if forward else last
    for _ in range(meetings):
        while True:
            if terms and not any(start <= day <= end for start, end in terms):
                beyond = (
                    (s for s, _e in terms if s > day)
                    if forward
                    else (e for _s, e in terms if e < day)
                )
                moved = (min if forward else max)(beyond, default=None)
                if moved is None:  # no term that way: only weekends move
                    terms = []
                    continue
                day = moved
            if day.weekday() < 5:
                break
            day += step
        days.append(day)
        day += 7 * step
    return days if forward else days[::-1]


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _dates(days: int, start: str, end: str, meetings: int = 1) -> list[tuple]:
    """A series' (start, end) pairs: ``meetings`` weekly meetings from ``days`` from today."""
    terms = list(Term.objects.values_list("start", "end"))
    today = timezone.localdate()
    first = today + datetime.timedelta(days=days)
    series = meeting_days(first, meetings, terms, today=today)
    return [(_at(d, start), _at(d, end)) for d in series]


@transaction.atomic
def seed() -> None:
    areas = {a.slug: a for a in ExpertiseArea.objects.all()}
    accounts = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
    staff = list(
        User.objects.filter(school__isnull=False, is_active=True)
        .exclude(email__endswith="@demo.test")
        .select_related("school")
        .order_by("email")
    )
    consultant, _ = Consultant.objects.update_or_create(
        name="Dr Ruth Adebayo",
        defaults={
            "organisation": "Thinking Schools Consultancy",
            "email": "ruth@consultancy.demo.test",
            "fee": Decimal("1200.00"),
        },
    )
    millbrook = School.objects.filter(urn=148103).first()
    hollins = School.objects.filter(urn=148104).first()

    sessions: dict[str, DevelopmentSession] = {}
    for (
        title,
        kind,
        fmt,
        days,
        start,
        end,
        meetings,
        capacity,
        slugs,
        lead,
        scope,
        extra,
    ) in SESSIONS:
        lead_user = accounts.get(lead) if isinstance(lead, str) else staff[lead] if lead else None
        dates = _dates(days, start, end, meetings)
        online = fmt in {F.ONLINE, F.HYBRID}
        past = days < 0
        session, _ = DevelopmentSession.objects.update_or_create(
            title=title,
            defaults={
                "description": f"{title}. Practical, evidence-informed and ready to use the next day.",
                "kind": kind,
                "format": fmt,
                "scope": scope,
                "hub": Hub.objects.get(slug=extra["hub"]) if "hub" in extra else None,
                "network": SubjectNetwork.objects.get(slug=extra["network"])
                if "network" in extra
                else None,
                "venue_school": None
                if fmt == F.ONLINE
                else hollins
                if kind == K.PEER_VISIT
                else millbrook,
                "room": "" if fmt == F.ONLINE else "Library",
                "join_link": "https://meet.demo.test/" + str(zlib.crc32(title.encode()) % 10**6)
                if online
                else "",
                "capacity": capacity,
                "status": DevelopmentSession.Status.COMPLETED
                if past
                else DevelopmentSession.Status.PUBLISHED,
                "consultant": consultant if "consultant" in extra else None,
                "fee": consultant.fee if "consultant" in extra else Decimal(0),
                "cost_split": DevelopmentSession.CostSplit.ATTENDEES,
                "min_places": 10 if "consultant" in extra else None,
                "decision_date": (dates[0][0] - datetime.timedelta(days=14)).date()
                if "consultant" in extra
                else None,
                "recording_url": extra.get("recording", ""),
                "materials": "Slides: https://files.demo.test/slides.pdf" if past else "",
                "proposed_by": lead_user,
                "start": dates[0][0],
                "end": dates[-1][1],
            },
        )
        set_dates(session, dates)
        DevelopmentSession.objects.filter(pk=session.pk).update(start=dates[0][0], end=dates[-1][1])
        session.leads.set([lead_user] if lead_user else [])
        session.areas.set([areas[s] for s in slugs if s in areas])
        sessions[title] = session

    # A proposal waiting for the coordinator to publish.
    proposal_dates = _dates(40, "16:00", "17:00")
    proposal, _ = DevelopmentSession.objects.update_or_create(
        title="Phonics for Key Stage 2 catch-up (proposed)",
        defaults={
            "kind": K.WORKSHOP,
            "format": F.IN_PERSON,
            "venue_school": millbrook,
            "capacity": 15,
            "status": DevelopmentSession.Status.PROPOSED,
            "proposed_by": staff[9],
            "start": proposal_dates[0][0],
            "end": proposal_dates[0][1],
        },
    )
    set_dates(proposal, proposal_dates)
    proposal.leads.set([staff[9]])

    teacher, leader = accounts["teacher@demo.test"], accounts["leader@demo.test"]
    # Bookings: confirmed places, a full peer visit with a waitlist, the consultant day.
    _book(sessions["Hinge questions that show who has understood"], [teacher, *staff[10:20]])
    _book(sessions["Retrieval practice in five minutes a lesson"], [teacher, *staff[20:45]])
    twilights = sessions["Maths mastery twilights: bar modelling"]
    _book(twilights, staff[12:22])
    # Apologies for one meeting of a series: a colleague will miss the last twilight and keeps
    # her place for the others (the lead, expert@demo.test, sees it on the register).
    last = twilights.dates.order_by("start").last()
    away = Booking.objects.filter(session=twilights, user=staff[12]).first()
    if last is not None and away is not None and twilights.dates.count() > 1:
        Apology.objects.get_or_create(booking=away, date=last)
    # The teacher books the peer visit first: the release she has approved is for a held seat.
    _book(sessions["Observe calm routines at Hollins Park"], [teacher, *staff[30:37]])
    _book(sessions["Metacognition with an EEF-trained consultant"], staff[0:9])
    _book(sessions["Primary geography network: autumn meeting"], [teacher])

    # Release time: one request waiting for leader@demo.test, one she approved.
    now = timezone.now()
    pending_session = sessions["Lesson study cycle: reading fluency"]
    _book(pending_session, [teacher], status=Booking.Status.PENDING)
    ReleaseRequest.objects.update_or_create(
        booking=Booking.objects.get(session=pending_session, user=teacher),
        defaults={
            "cover_lessons": 2,
            "cover_notes": "Year 4, Thursday afternoons",
            "supply_cost": Decimal("180.00"),
            "travel_cost": Decimal("0.00"),
            "goal": "Improve reading fluency in my Year 4 class (my goal this year)",
            "decision": ReleaseRequest.Decision.PENDING,
            "decided_by": None,
            "decided_at": None,
            "reason": "",
        },
    )
    visit = sessions["Observe calm routines at Hollins Park"]
    ReleaseRequest.objects.update_or_create(
        booking=Booking.objects.get(session=visit, user=teacher),
        defaults={
            "cover_lessons": 2,
            "supply_cost": Decimal("90.00"),
            "travel_cost": Decimal("8.40"),
            "goal": "Calmer transitions in Year 4",
            "decision": ReleaseRequest.Decision.APPROVED,
            "decided_by": leader,
            "decided_at": now - datetime.timedelta(days=1),
        },
    )
    year = sessions["Hinge questions that show who has understood"].academic_year
    CpdBudget.objects.update_or_create(
        user=teacher,
        academic_year=year,
        defaults={"allocated": Decimal("400.00"), "set_by": leader},
    )
    # The ledger: a charge for each approved release whose place is confirmed (as the services
    # would have written it; settling twice adds nothing, so the demo can be loaded again).
    approved = Booking.objects.filter(
        release__decision=ReleaseRequest.Decision.APPROVED
    ).select_related("session")
    for booking in approved:
        settle_release(booking, "Release approved", by=leader)

    # Past sessions: who came, what they thought. Kept as the product keeps them, through the
    # register and feedback services, so each attendee's portfolio gets its "session attended"
    # entry (the portfolio hears of it once the seed commits).
    for title in (
        "Whole-class feedback that cuts marking",
        "Oracy: structured talk that lifts writing",
        EVALUATED,
    ):
        session = sessions[title]
        people = [teacher, *staff[40:48]]
        _book(session, people)
        confirmed = list(
            Booking.objects.filter(session=session, status=Booking.Status.CONFIRMED)
            .select_related("session", "user")
            .order_by("pk")
        )
        attendance_mark(
            session=session,
            by=session.leads.first(),
            present_ids=[b.pk for i, b in enumerate(confirmed) if i % 5 != 4],
        )
        for index, booking in enumerate(confirmed):
            if index % 5 != 4 and index % 2 == 0:
                comment, share = (
                    EVALUATED_COMMENTS.get(index, ("", False))
                    if title == EVALUATED
                    else ("", False)
                )
                feedback_give(
                    booking=booking,
                    by=booking.user,
                    rating=5 - index % 3,
                    most_useful="Seeing it modelled with a real class.",
                    will_try="One routine next week, then review with my year partner.",
                    comment=comment,
                    share_comment=share,
                    anonymous=index % 4 == 0,
                )
    # Its lead said what will change, and the summary went when feedback closed (as the daily
    # task would have: the demo sends no mail).
    evaluated = DevelopmentSession.objects.get(pk=sessions[EVALUATED].pk)
    will_change_set(session=evaluated, by=evaluated.leads.first(), text=WILL_CHANGE)
    DevelopmentSession.objects.filter(pk=evaluated.pk).update(
        evaluation_shared_at=window_closes(evaluated)
    )


def _book(session, people, *, status=None) -> None:
    """Places in order: seats first, then the waitlist (direct rows: the demo sends no mail)."""
    existing = set(Booking.objects.filter(session=session).values_list("user_id", flat=True))
    held = Booking.objects.filter(session=session, status__in=Booking.HOLDS_SEAT).count()
    last = (
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
        .order_by("-waitlist_position")
        .values_list("waitlist_position", flat=True)
        .first()
        or 0
    )
    for person in people:
        if person.pk in existing:
            continue
        if session.capacity is None or held < session.capacity:
            Booking.objects.create(
                session=session, user=person, status=status or Booking.Status.CONFIRMED
            )
            held += 1
        else:
            last += 1
            Booking.objects.create(
                session=session,
                user=person,
                status=Booking.Status.WAITLISTED,
                waitlist_position=last,
            )
