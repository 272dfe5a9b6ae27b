"""Reads of the courses app: the catalogue and its search, reviews, my requests, and the outside
networks of a school or an area. Each list is a fixed number of queries whatever its rows."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F, Prefetch, QuerySet
from django.urls import reverse

from cpdhub.shared_cache import shared
from experts.extras import Extra, ExtraItem
from experts.models import ExpertiseArea
from hubs.models import School, User

from .models import Course, CourseRequest, OutsideNetwork, Review

# The cost bands of the filter: (label, lowest, highest), both inclusive, None for no bound.
COST_BANDS = {
    "free": ("Free", Decimal(0), Decimal(0)),
    "under-100": ("Up to £100", Decimal("0.01"), Decimal("100.00")),
    "100-250": ("£100 to £250", Decimal("100.01"), Decimal("250.00")),
    "over-250": ("Over £250", Decimal("250.01"), None),
}
SORTS = {
    "recommended": ("Most recommended by colleagues", ["-recommended_by", "title", "pk"]),
    "cost": ("Lowest cost", ["cost", "title", "pk"]),
    "date": ("Soonest", [F("starts_on").asc(nulls_last=True), "title", "pk"]),
}
DIRECTORY_LIMIT = 3


def visible_courses(user: User) -> QuerySet[Course]:
    """What a person may see: every course but hidden ones, which only the coordinator sees."""
    courses = Course.objects.all()
    if not user.is_coordinator:
        courses = courses.filter(is_hidden=False)
    return courses


def _matching(courses: QuerySet[Course], q: str) -> QuerySet[Course]:
    for word in q.lower().split()[:8]:
        courses = courses.filter(search_text__contains=word)
    return courses


def course_list(
    user: User,
    *,
    q: str = "",
    area=None,
    phase=None,
    format: str = "",
    cost: str = "",
    sort: str = "recommended",
) -> QuerySet[Course]:
    """The catalogue searched and filtered, most recommended first (or by ``sort``), with what
    its cards show (provider, areas, phases)."""
    courses = _matching(visible_courses(user), q)
    if area is not None:
        courses = courses.filter(
            pk__in=Course.areas.through.objects.filter(expertisearea=area).values("course_id")
        )
    if phase is not None:
        courses = courses.filter(
            pk__in=Course.phases.through.objects.filter(phase=phase).values("course_id")
        )
    if format:
        courses = courses.filter(format=format)
    if cost in COST_BANDS:
        _label, low, high = COST_BANDS[cost]
        courses = courses.filter(cost__gte=low)
        if high is not None:
            courses = courses.filter(cost__lte=high)
    return (
        courses.select_related("provider")
        .prefetch_related("areas", "phases")
        .order_by(*SORTS.get(sort, SORTS["recommended"])[1])
    )


def course_for(user: User, pk: int) -> Course:
    """One course the person may see (anyone else: DoesNotExist, so 404)."""
    return (
        visible_courses(user)
        .select_related("provider", "added_by")
        .prefetch_related("areas", "phases")
        .get(pk=pk)
    )


def reviews_of(course: Course) -> QuerySet[Review]:
    """A course's reviews, with the reviewer's name and school: recommending ones first."""
    return (
        Review.objects.filter(course=course)
        .select_related("reviewer__school")
        .order_by("-recommend", "-created_at", "pk")
    )


def my_review(user: User, course: Course) -> Review | None:
    return Review.objects.filter(course=course, reviewer=user).first()


def my_requests(user: User) -> QuerySet[CourseRequest]:
    """My requests to attend, newest first, with their course, booking, session (and its days)
    and release."""
    return (
        CourseRequest.objects.filter(requester=user)
        .select_related("course__provider", "goal", "booking__session", "booking__release")
        .prefetch_related("booking__session__dates")
        .order_by("-created_at", "-pk")
    )


def request_for(user: User, pk: int) -> CourseRequest:
    return my_requests(user).get(pk=pk)


def directory_courses(query: str) -> Extra | None:
    """The directory's "Courses" block: the three most recommended visible courses whose title,
    provider or areas hold every word searched (one query, walking ``course_recommended_idx``)."""
    words = query.lower().split()[:8]
    if not words:
        return None
    found = list(
        _matching(Course.objects.filter(is_hidden=False), " ".join(words))
        .select_related("provider")
        .order_by("-recommended_by", "title", "id")[:DIRECTORY_LIMIT]
    )
    if not found:
        return None
    items = []
    for course in found:
        detail = course.provider.name
        if course.recommended_by:
            n = course.recommended_by
            detail += f" · recommended by {n} colleague{'s' if n != 1 else ''}"
        items.append(ExtraItem(label=course.title, url=course.get_absolute_url(), detail=detail))
    return Extra(
        title="Courses",
        items=items,
        more_url=f"{reverse('courses:list')}?{urlencode({'q': query})}",
        more_label=f"Every course for “{query}”",
    )


# --- Outside networks ---


def outside_networks() -> QuerySet[OutsideNetwork]:
    """Every outside network, with its areas and the schools it serves."""
    return OutsideNetwork.objects.prefetch_related(
        "areas", Prefetch("schools", queryset=School.objects.order_by("name"))
    ).order_by("name")


def outside_network(pk: int) -> OutsideNetwork:
    return outside_networks().get(pk=pk)


def networks_serving(school_ids) -> list[OutsideNetwork]:
    """The outside networks serving any of these schools (one query, with areas: two)."""
    return list(
        OutsideNetwork.objects.filter(
            pk__in=OutsideNetwork.schools.through.objects.filter(school_id__in=school_ids).values(
                "outsidenetwork_id"
            )
        )
        .prefetch_related("areas")
        .order_by("name")
    )


@shared(
    "outside-networks",
    depends_on=(
        OutsideNetwork,
        OutsideNetwork.areas.through,
        OutsideNetwork.schools.through,
        ExpertiseArea,
    ),
)
def _every_outside_network() -> list[OutsideNetwork]:
    """Every outside network with its areas and the ids of the schools it serves: a few dozen
    rows, the same for everyone, kept in the shared cache (a goal page reads them without a
    query)."""
    networks = list(OutsideNetwork.objects.prefetch_related("areas").order_by("name"))
    served: dict[int, set[int]] = {}
    for network_id, school_id in OutsideNetwork.schools.through.objects.values_list(
        "outsidenetwork_id", "school_id"
    ):
        served.setdefault(network_id, set()).add(school_id)
    for network in networks:
        network.school_ids = frozenset(served.get(network.pk, ()))
    return networks


def networks_for_areas(user: User, area_ids) -> list[OutsideNetwork]:
    """Outside networks working in these areas, those serving my school first, at most three
    (from the shared cache: no query once it is warm)."""
    wanted = set(area_ids)
    if not wanted:
        return []
    found = [
        network
        for network in _every_outside_network()
        if wanted & {area.pk for area in network.areas.all()}
    ]
    found.sort(key=lambda network: (user.school_id not in network.school_ids, network.name))
    return found[:3]
