"""
Writes of the courses app, each one transaction.

A request to attend is not a second queue: it makes a private session of kind "External course"
(``cpd_sessions.session_changes.private_session_create``: the course's title and provider, its
days (one, or several: three days, not consecutive), its fee, its areas) and books it for the
requester with one release request (fee, supply cover for all the days, travel, and the goal it
serves), through ``cpd_sessions.booking.booking_create``. The
request then waits in the CPD leader's approvals queue, is decided with the usual emails, and
charges (or refunds) the person's CPD budget through the usual ledger. Cancelling it cancels
the booking: the ledger refunds what was charged, once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.template.defaultfilters import pluralize
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.booking import BookingRefused, booking_cancel, booking_create
from cpd_sessions.lifecycle import SessionRefused
from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from cpd_sessions.models.limits import MAX_GOAL_LENGTH, MAX_SUPPLY_PER_DAY
from cpd_sessions.money import format_money
from hubs.models import User
from portfolios.models import Goal
from portfolios.receivers import session_date_and_hours
from portfolios.services import entry_create_from_attendance

from . import permissions
from .models import Course, CourseRequest, OutsideNetwork, Provider, Review

TITLE_MAX = DevelopmentSession._meta.get_field("title").max_length
SESSION_FORMAT = {
    Course.Format.IN_PERSON: DevelopmentSession.Format.IN_PERSON,
    Course.Format.ONLINE: DevelopmentSession.Format.ONLINE,
    Course.Format.BLENDED: DevelopmentSession.Format.HYBRID,
}


def session_title(course: Course) -> str:
    """What the approvals queue shows: the course and its provider, nothing of the person."""
    return f"{course.title} ({course.provider.name})"[:TITLE_MAX]


def _search_text(course: Course) -> str:
    words = [course.title, course.provider.name, *(a.name for a in course.areas.all())]
    words.append(course.description)
    return " ".join(words).lower()


# --- The catalogue ---


@transaction.atomic
def course_add(
    *,
    by: User,
    title: str,
    provider_name: str,
    format: str,
    cost: Decimal,
    areas,
    phases=(),
    starts_on: datetime.date | None = None,
    on_demand: bool = False,
    link: str = "",
    description: str = "",
    attended: bool = False,
) -> Course:
    """Add a course (and its provider, found by name or added). The coordinator adds any; anyone
    else a course they have attended."""
    if not permissions.can_add_course(by):
        raise ValidationError("You cannot add a course.")
    if not by.is_coordinator and not attended:
        raise ValidationError(
            {"attended": "Add a course you have attended, so colleagues can trust the list."}
        )
    if not on_demand and starts_on is None:
        raise ValidationError({"starts_on": "Give the next date, or tick “on demand”."})
    provider_name = " ".join(provider_name.split())
    if not provider_name:
        raise ValidationError({"provider_name": "Name who runs the course."})
    provider = Provider.objects.filter(name__iexact=provider_name).first()
    if provider is None:
        provider = Provider.objects.create(name=provider_name)
    course = Course(
        title=title.strip(),
        provider=provider,
        description=description.strip(),
        format=format,
        cost=cost,
        starts_on=None if on_demand else starts_on,
        on_demand=on_demand,
        link=link,
        added_by=by,
    )
    course.full_clean(exclude=["areas", "phases"])
    course.save()
    course.areas.set(areas)
    course.phases.set(phases)
    course_reindex(course=course)
    return course


def course_reindex(*, course: Course) -> None:
    """What the search box matches, after the course, its provider or its areas changed."""
    Course.objects.filter(pk=course.pk).update(search_text=_search_text(course))


@transaction.atomic
def course_hide(*, course: Course, by: User, hidden: bool) -> None:
    """The coordinator hides a course from everyone else (or shows it again)."""
    permissions.require_can_moderate(by)
    Course.objects.filter(pk=course.pk).update(is_hidden=hidden)


# --- Reviews ---


def recount(course_id: int) -> None:
    """The course's review figures, from its reviews (course row locked by the caller)."""
    figures = Review.objects.filter(course_id=course_id).aggregate(
        n=Count("pk"), yes=Count("pk", filter=Q(recommend=True)), total=Sum("rating")
    )
    Course.objects.filter(pk=course_id).update(
        review_count=figures["n"], recommended_by=figures["yes"], rating_total=figures["total"] or 0
    )


def attended_request(user: User, course: Course) -> CourseRequest | None:
    """The person's approved request for this course whose day has come, if any."""
    return (
        CourseRequest.objects.filter(
            requester=user,
            course=course,
            booking__status=Booking.Status.CONFIRMED,
            booking__release__decision=ReleaseRequest.Decision.APPROVED,
            booking__session__start__lte=timezone.now(),
        )
        .select_related("booking__session")
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def review_save(
    *,
    by: User,
    course: Course,
    attended_on: datetime.date,
    rating: int,
    recommend: bool,
    for_whom: str = "",
    comment: str = "",
    will_try: str = "",
) -> Review:
    """
    Write (or rewrite) my review of a course I attended. When it was an approved request, the
    day it ran is logged in my portfolio (once) like a session attended, with what I will try:
    something to try means the usual question six weeks later.
    """
    permissions.require_can_review(by, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if attended_on > timezone.localdate():
        raise ValidationError({"attended_on": "Review a course after you have attended it."})
    review = Review.objects.filter(course=course, reviewer=by).first() or Review(
        course=course, reviewer=by
    )
    review.attended_on = attended_on
    review.rating = rating
    review.recommend = recommend
    review.for_whom = for_whom.strip()
    review.comment = comment.strip()
    review.full_clean()
    review.save()
    recount(course.pk)
    request = attended_request(by, course)
    if request is not None:
        session = DevelopmentSession.objects.prefetch_related("dates").get(
            pk=request.booking.session_id
        )
        day, hours = session_date_and_hours(session)
        entry_create_from_attendance(
            user=by,
            title=f"External course: {course.title}",
            date=day,
            hours=hours,
            learned=review.comment,
            will_try=will_try.strip(),
            session=session,
        )
    return review


# --- Requests to attend ---


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


# A course runs on one day or several (three days, not consecutive): at most this many.
MAX_COURSE_DAYS = 10

CourseDay = tuple[datetime.date, datetime.time, datetime.time]


def _day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def course_days_errors(days: Sequence[CourseDay]) -> str:
    """What is wrong with a request's days, in one sentence (the form says it day by day)."""
    if not days:
        return "Give the day the course runs (or each of its days)."
    if len(days) > MAX_COURSE_DAYS:
        return f"A request covers at most {MAX_COURSE_DAYS} days."
    seen: set[datetime.date] = set()
    for day, start_time, end_time in days:
        if day in seen:
            return f"{_day(day)} is given twice: give each day once."
        seen.add(day)
        if end_time <= start_time:
            return f"On {_day(day)} the course must end after it starts."
    return ""


@transaction.atomic
def course_request_create(
    *,
    by: User,
    course: Course,
    days: Sequence[CourseDay],
    fee: Decimal,
    travel_cost: Decimal = Decimal(0),
    supply_cost: Decimal = Decimal(0),
    cover_lessons: int = 0,
    cover_notes: str = "",
    why: str,
    goal: Goal,
) -> CourseRequest:
    """Ask my CPD leader to let me attend ``course`` on its ``days`` (date, start, end; one or
    several): its private session on those dates, booked with one release request for the fee,
    the supply cover of all the days and travel (the leader is emailed)."""
    permissions.require_can_request(by)
    if not permissions.can_see_course(by, course):
        raise ValidationError("This course is not in the list.")
    if goal is None or goal.owner_id != by.pk:
        raise ValidationError({"goal": "Choose one of your own goals."})
    problem = course_days_errors(days)
    if problem:
        raise ValidationError({"days": problem})
    if supply_cost > MAX_SUPPLY_PER_DAY * len(days):
        raise ValidationError(
            {
                "supply_cost": f"Cover is at most {format_money(MAX_SUPPLY_PER_DAY)} a day: "
                f"{format_money(MAX_SUPPLY_PER_DAY * len(days))} over {len(days)} "
                f"day{pluralize(len(days))}."
            }
        )
    why = why.strip()
    if not why:
        raise ValidationError({"why": "Say why this course, so your CPD leader can decide."})
    try:
        session = session_changes.private_session_create(
            by=by,
            title=session_title(course),
            kind=DevelopmentSession.Kind.EXTERNAL_COURSE,
            venue_school=None,
            dates=[(_moment(day, start), _moment(day, end)) for day, start, end in days],
            format=SESSION_FORMAT[course.format],
            fee=fee,
            areas=list(course.areas.all()),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "first_date" in error.error_dict:
            raise ValidationError({"days": error.error_dict["first_date"]}) from None
        raise
    goal_text = f"{goal.title}: {why}"[:MAX_GOAL_LENGTH]
    try:
        result = booking_create(
            session=session,
            user=by,
            release={
                "cover_lessons": cover_lessons,
                "cover_notes": cover_notes.strip(),
                "supply_cost": supply_cost,
                "travel_cost": travel_cost,
                "goal": goal_text,
            },
        )
    except BookingRefused as error:
        raise ValidationError(str(error)) from None
    return CourseRequest.objects.create(
        course=course, requester=by, goal=goal, why=why, booking=result.booking
    )


@transaction.atomic
def course_request_cancel(*, request: CourseRequest, by: User) -> None:
    """Call off my request (before the day): the booking is cancelled and, if the request was
    approved, the ledger refunds what was charged, once however often this is asked."""
    permissions.require_can_cancel_request(by, request)
    booking = Booking.objects.select_related("session").get(pk=request.booking_id)
    try:
        booking_cancel(booking=booking, by=by)
    except SessionRefused as error:
        raise ValidationError(str(error)) from None


# --- Outside networks (the coordinator keeps the list) ---


@transaction.atomic
def network_save(
    *,
    by: User,
    network: OutsideNetwork | None = None,
    name: str,
    kind: str,
    link: str = "",
    contact: str = "",
    description: str = "",
    schools=(),
    areas=(),
) -> OutsideNetwork:
    """Add an outside network (``network`` None) or change one: its name, kind, link, contact,
    the schools it serves and its areas."""
    permissions.require_can_keep_networks(by)
    name = " ".join(name.split())
    others = OutsideNetwork.objects.filter(name__iexact=name)
    if network is not None:
        others = others.exclude(pk=network.pk)
    if others.exists():
        raise ValidationError({"name": "A network of that name is listed already."})
    network = network or OutsideNetwork()
    network.name = name
    network.kind = kind
    network.link = link
    network.contact = contact.strip()
    network.description = description.strip()
    network.full_clean()
    network.save()
    network.schools.set(schools)
    network.areas.set(areas)
    return network


@transaction.atomic
def network_remove(*, by: User, network: OutsideNetwork) -> None:
    """Take an outside network off the list (the schools and areas stay)."""
    permissions.require_can_keep_networks(by)
    OutsideNetwork.objects.filter(pk=network.pk).delete()
