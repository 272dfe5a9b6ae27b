"""
What a review's pages read: the school's own CPD Hub figures beside each part (counts only,
people protected by cpdhub/small_numbers.py), each part's level from the ratings, the levels
year on year, and the coordinator's page across the community. Every read is a fixed number of
queries, whatever the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from coaching.models import Membership as CoachingMembership
from cpd_sessions.models import Booking, ReleaseRequest
from cpdhub.academic_year import current_academic_year, year_label, year_span
from cpdhub.small_numbers import protect
from enquiry.models import Membership as EnquiryMembership
from hubs.models import School
from portfolios.models import Entry, Goal, ImpactFollowUp

from .models import Action, Framework, Level, Part, PeerReview, Rating, Review, Survey

SCHOOLS_PER_PAGE = 25


def level_name(levels: list[Level], average: float | None) -> str:
    if average is None or not levels:
        return ""
    rank = max(1, min(len(levels), int(average + 0.5)))
    return levels[rank - 1].name


def school_figures(school_id: int, year: int) -> dict[str, list[tuple[str, object]]]:
    """The school's own figures for the year, by the part they sit beside (Part.figures).
    Counts of things; a count of people reads "fewer than 5" below 5. Five queries."""
    start, end = year_span(year)
    staff = Q(user__school_id=school_id)
    bookings = Booking.objects.filter(
        staff, status=Booking.Status.CONFIRMED, session__start__gte=start, session__start__lt=end
    ).aggregate(n=Count("pk"), people=Count("user", distinct=True))
    follow_ups = ImpactFollowUp.objects.filter(
        entry__owner__school_id=school_id, answered_at__gte=start, answered_at__lt=end
    ).aggregate(
        n=Count("pk"),
        people=Count("entry__owner", distinct=True),
        in_class=Count("pk", filter=Q(level__in=["use", "pupils"])),
    )
    coaching = CoachingMembership.objects.filter(school_id=school_id, user__isnull=False).filter(
        relationship__started_on__lt=end.date()
    )
    collaboration = {
        "coached": coaching.values("user").distinct().count(),
        "enquiry": EnquiryMembership.objects.filter(
            school_id=school_id, left_at__isnull=True, user__isnull=False
        )
        .values("user")
        .distinct()
        .count(),
    }
    goals = Goal.objects.filter(owner__school_id=school_id, academic_year=year).aggregate(
        n=Count("pk"), people=Count("owner", distinct=True)
    )
    entries = Entry.objects.filter(
        owner__school_id=school_id, date__gte=start.date(), date__lt=end.date()
    ).count()
    released = ReleaseRequest.objects.filter(
        booking__user__school_id=school_id,
        decision=ReleaseRequest.Decision.APPROVED,
        created_at__gte=start,
        created_at__lt=end,
    ).count()
    return {
        "outcomes": [
            ("Impact follow-ups answered", follow_ups["n"]),
            ("of them, a change in class or for pupils", follow_ups["in_class"]),
            ("Staff who answered one", protect(follow_ups["people"])),
        ],
        "evidence": [
            ("Session places taken", bookings["n"]),
            ("Staff who took part in a session", protect(bookings["people"])),
        ],
        "collaboration": [
            ("Staff in coaching", protect(collaboration["coached"])),
            ("Staff in an enquiry or lesson-study group", protect(collaboration["enquiry"])),
        ],
        "sustained": [
            ("Portfolio goals this year", goals["n"]),
            ("Staff with a goal", protect(goals["people"])),
            ("Log entries this year", entries),
        ],
        "leadership": [("Release requests approved", released)],
    }


@dataclass
class PartRow:
    part: Part
    ratings: list[Rating]
    level: str
    figures: list[tuple[str, object]] = field(default_factory=list)


def review_for(school: School, year: int) -> Review | None:
    return (
        Review.objects.select_related("school", "framework", "survey", "peer_review__reviewer")
        .select_related("peer_review__visit", "peer_review__reviewer__school")
        .filter(school=school, year=year)
        .first()
    )


def part_rows(review: Review, *, with_figures: bool = True) -> list[PartRow]:
    """Each part with its criteria's ratings, its level (the ratings' average, rounded), and
    the school's own figures beside it."""
    parts = list(review.framework.parts.all())
    levels = list(review.framework.levels.all())
    ranks = {lv.pk: lv.rank for lv in levels}
    by_part: dict[int, list[Rating]] = defaultdict(list)
    for rating in review.ratings.select_related("criterion", "level"):
        by_part[rating.criterion.part_id].append(rating)
    figures = school_figures(review.school_id, review.year) if with_figures else {}
    rows = []
    for part in parts:
        rated = [ranks[r.level_id] for r in by_part[part.pk] if r.level_id]
        average = sum(rated) / len(rated) if rated else None
        rows.append(
            PartRow(
                part=part,
                ratings=by_part[part.pk],
                level=level_name(levels, average),
                figures=figures.get(part.figures, []),
            )
        )
    return rows


def part_levels(reviews: list[Review]) -> dict[int, dict[int, str]]:
    """{review id: {part number: level name}} for these reviews, in two queries."""
    if not reviews:
        return {}
    averages = (
        Rating.objects.filter(review__in=reviews, level__isnull=False)
        .values("review_id", "review__framework_id", "criterion__part__number")
        .annotate(avg=Avg("level__rank"))
        .order_by()
    )
    levels: dict[int, list[Level]] = defaultdict(list)
    for level in Level.objects.filter(framework_id__in={r.framework_id for r in reviews}):
        levels[level.framework_id].append(level)
    out: dict[int, dict[int, str]] = defaultdict(dict)
    for row in averages:
        out[row["review_id"]][row["criterion__part__number"]] = level_name(
            levels[row["review__framework_id"]], row["avg"]
        )
    return out


@dataclass
class YearRow:
    review: Review
    levels: list[str]


def years_of(school: School) -> tuple[list[Part], list[YearRow]]:
    """The school's reviews, newest first, each part's level year on year (on the default
    framework's parts, by number)."""
    reviews = list(
        Review.objects.filter(school=school)
        .select_related("survey", "peer_review")
        .order_by("-year")
    )
    framework = Framework.objects.filter(is_default=True).first()
    parts = list(framework.parts.all()) if framework else []
    levels = part_levels(reviews)
    return parts, [
        YearRow(r, [levels.get(r.pk, {}).get(p.number, "") for p in parts]) for r in reviews
    ]


def stage(review: Review | None) -> str:
    """Where a review has got to, in words (from the review with its survey and peer review
    loaded)."""
    if review is None:
        return "Not started"
    peer = getattr(review, "peer_review", None)
    if peer is not None and peer.accepted_at:
        return "Peer review report accepted"
    if peer is not None and peer.submitted_at:
        return "Peer review report waiting to be accepted"
    if peer is not None:
        return "Peer reviewer invited"
    if getattr(review, "survey", None) is not None:
        return "Staff survey open" if review.survey.is_open else "Staff survey closed"
    if review.self_review_done_at:
        return "Self-review done"
    return "Self-review under way"


NOT_UNDER_WAY = (
    "A peer reviewer is invited while the review is under way: this year's review, before the "
    "reviewer has submitted the report."
)


def is_under_way(review: Review) -> bool:
    """A reviewer is invited (or changed) while the review is under way: this academic year's
    review whose peer review report has not been submitted (from the review with its peer
    review loaded)."""
    peer = getattr(review, "peer_review", None)
    return review.year == current_academic_year() and (peer is None or peer.submitted_at is None)


# --- The coordinator's page ------------------------------------------------------------------


@dataclass
class SchoolLine:
    school: School
    review: Review | None
    stage: str
    survey_answers: object
    # The coordinator may invite (or change) the peer reviewer: the review is under way.
    may_invite: bool = False


@dataclass
class Community:
    year: int
    page: object
    lines: list[SchoolLine]
    done: int
    due: int
    parts: list[Part]
    level_names: list[str]
    # {part number: {level name: schools}}
    levels_by_part: dict[int, dict[str, int]]
    actions_by_part: list[tuple[Part, int, int]]
    shared_actions: list[Action]

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    def level_rows(self):
        for part in self.parts:
            counts = self.levels_by_part.get(part.number, {})
            yield part, [counts.get(name, 0) for name in self.level_names]


def schools() -> QuerySet[School]:
    """The schools on the coordinator's page, a page at a time."""
    return School.objects.order_by("name", "pk")


def community(page: Page, year: int | None = None) -> Community:
    """Reviews done and due by school (a page of schools), levels by part across the community
    (how many schools at each level), and actions by the part they address (counts; the words
    only of reports shared with the coordinator). Bounded: about ten queries."""
    year = year or current_academic_year()
    on_page = list(page.object_list)
    reviews = {
        r.school_id: r
        for r in Review.objects.filter(year=year, school__in=on_page).select_related(
            "survey", "peer_review"
        )
    }
    surveys = {s: reviews[s].survey for s in reviews if getattr(reviews[s], "survey", None)}
    answered = dict(
        Survey.objects.filter(pk__in=[s.pk for s in surveys.values()])
        .annotate(n=Count("responses"))
        .values_list("pk", "n")
    )
    lines = [
        SchoolLine(
            school=s,
            review=reviews.get(s.pk),
            stage=stage(reviews.get(s.pk)),
            survey_answers=protect(answered.get(surveys[s.pk].pk, 0)) if s.pk in surveys else "",
            may_invite=s.pk in reviews and is_under_way(reviews[s.pk]),
        )
        for s in on_page
    ]
    this_year = Review.objects.filter(year=year)
    done = this_year.filter(
        Exists(PeerReview.objects.filter(review=OuterRef("pk"), accepted_at__isnull=False))
        | Q(self_review_done_at__isnull=False)
    ).count()
    framework = Framework.objects.filter(is_default=True).first()
    parts = list(framework.parts.all()) if framework else []
    levels = list(framework.levels.all()) if framework else []
    averages = (
        Rating.objects.filter(review__year=year, level__isnull=False, review__framework=framework)
        .values("review_id", "criterion__part__number")
        .annotate(avg=Avg("level__rank"))
        .order_by()
    )
    levels_by_part: dict[int, Counter] = defaultdict(Counter)
    for row in averages:
        levels_by_part[row["criterion__part__number"]][level_name(levels, row["avg"])] += 1
    action_counts = {
        r["part_id"]: (r["n"], r["done_n"])
        for r in Action.objects.filter(review__year=year)
        .values("part_id")
        .annotate(n=Count("pk"), done_n=Count("pk", filter=Q(done=True)))
        .order_by()
    }
    shared = list(
        Action.objects.filter(review__year=year, review__shared=True)
        .select_related("review__school", "part")
        .order_by("part__number", "review__school__name", "pk")[:50]
    )
    return Community(
        year=year,
        page=page,
        lines=lines,
        done=done,
        due=page.paginator.count - done,
        parts=parts,
        level_names=[lv.name for lv in levels],
        levels_by_part={k: dict(v) for k, v in levels_by_part.items()},
        actions_by_part=sorted(
            [(p, *action_counts.get(p.pk, (0, 0))) for p in parts], key=lambda t: -t[1]
        ),
        shared_actions=shared,
    )
