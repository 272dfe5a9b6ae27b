"""
Portfolios for the demo community: goals, a log, impact follow-ups and CPD needs for the demo
teacher and leader, and needs across the schools so the audits have something to show.

Idempotent: every row is found by its natural key (owner and title, owner and area) and brought
to the state below.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cpd_sessions.demo import EVALUATED
from cpd_sessions.models import DevelopmentSession
from cpdhub.academic_year import academic_year_of
from cpdhub.words import in_sentence
from experts.models import ExpertiseArea, ExpertProfile, ProfileArea
from experts.search import refresh_documents
from hubs.models import User

from .models import FOLLOW_UP_AFTER, Entry, Goal, GoalReview, ImpactFollowUp, Need

TEACHER_GOALS = [
    # title, areas, source, status, success criteria, share with leader
    (
        "Questioning that makes every pupil think",
        ["questioning", "assessment-for-learning"],
        Goal.Source.APPRAISAL,
        Goal.Status.ACTIVE,
        "Every pupil in Year 4 answers at least one hinge question a lesson, and I change course "
        "when fewer than four in five get it right.",
        True,
    ),
    (
        "Phonics for pupils who are falling behind",
        ["early-reading-and-phonics"],
        Goal.Source.PERSONAL,
        Goal.Status.ACTIVE,
        "The six pupils on keep-up groups read their decodable books with 95% accuracy by Easter.",
        False,
    ),
]

# days ago, kind, title, hours, goal index or None, learned, will try, impact on pupils
TEACHER_ENTRIES = [
    (
        75,
        Entry.Kind.SESSION_ATTENDED,
        "Twilight: hinge questions in maths",
        "1.5",
        0,
        "A hinge question needs wrong answers that tell me what each pupil misunderstands.",
        "One hinge question before independent work in every maths lesson, with mini-whiteboards.",
        "",
    ),
    (
        52,
        Entry.Kind.OBSERVATION_RECEIVED,
        "Observed by Grace Adeyemi: questioning in Year 4",
        "1",
        0,
        "I was asking the same five pupils; cold calling spreads it round.",
        "No hands up for questions about the learning, names drawn from the lolly-stick pot.",
        "",
    ),
    (
        30,
        Entry.Kind.READING,
        "Reading: Embedding Formative Assessment, chapter 4",
        "2",
        0,
        "All-student response systems are the quickest check of the whole class.",
        "",
        "",
    ),
    (
        12,
        Entry.Kind.NETWORK,
        "Primary geography network: fieldwork planning",
        "1.5",
        None,
        "A local-area unit can start with a walk round the school grounds.",
        "",
        "",
    ),
    (
        4,
        Entry.Kind.VISIT,
        "Visit to Oakfield Infant School: keep-up phonics",
        "3",
        1,
        "Keep-up sessions the same afternoon, not the next day, stop gaps opening.",
        "Same-day keep-up for my six pupils, ten minutes after lunch.",
        "",
    ),
]

NEED_TEXTS = {
    "behaviour-management": "Routines for the start of lessons after lunch: it takes ten minutes to settle.",
    "send": "Adapting written tasks for pupils with dyslexia without making a separate worksheet.",
    "eal": "Supporting two new arrivals with very little English in a Year 5 class.",
    "retrieval-practice": "Low-stakes quizzing that does not eat the lesson.",
    "oracy": "Structured talk in science so pupils explain, not just describe.",
    "metacognition": "Teaching pupils to check their own work before they hand it in.",
    "feedback": "Whole-class feedback that cuts marking but still moves pupils on.",
    "autism": "Making transitions calmer for autistic pupils in a busy classroom.",
}


def _day(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


@transaction.atomic
def seed(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    year = academic_year_of(today)
    areas = {a.slug: a for a in ExpertiseArea.objects.all()}
    teacher = User.objects.get(email="teacher@demo.test")
    leader = User.objects.get(email="leader@demo.test")

    goals = []
    for title, slugs, source, status, criteria, share in TEACHER_GOALS:
        goal, _ = Goal.objects.update_or_create(
            owner=teacher,
            title=title,
            defaults={
                "source": source,
                "status": status,
                "success_criteria": criteria,
                "academic_year": year,
                "share_with_leaders": share,
                "description": "",
            },
        )
        goal.areas.set([areas[s] for s in slugs if s in areas])
        goals.append(goal)
    GoalReview.objects.update_or_create(
        goal=goals[0],
        note="Hinge questions are routine in maths now; next, in science.",
        defaults={"date": _day(today, 20)},
    )

    now = timezone.now()
    for days_ago, kind, title, hours, goal_index, learned, will_try, pupils in TEACHER_ENTRIES:
        date = _day(today, days_ago)
        entry, _ = Entry.objects.update_or_create(
            owner=teacher,
            title=title,
            defaults={
                "date": date,
                "kind": kind,
                "hours": Decimal(hours),
                "learned": learned,
                "will_try": will_try,
                "impact_pupils": pupils,
                "share_with_leaders": goal_index == 0,
            },
        )
        linked = goals[goal_index] if goal_index is not None else None
        entry.goals.set(
            [linked] if linked and linked.academic_year == academic_year_of(date) else []
        )
        if will_try:
            ImpactFollowUp.objects.update_or_create(
                entry=entry, defaults={"due_on": date + FOLLOW_UP_AFTER}
            )
    # The oldest follow-up is answered, the next one is due: both sides of the impact loop.
    answered = ImpactFollowUp.objects.filter(
        entry__owner=teacher, entry__title=TEACHER_ENTRIES[0][2]
    )
    answered.update(
        asked_at=now - datetime.timedelta(days=30),
        answered_at=now - datetime.timedelta(days=28),
        tried=True,
        level=ImpactFollowUp.Level.PUPILS,
        what_happened="Mini-whiteboard checks showed who needed the recap; the end-of-unit "
        "quiz average rose from 58% to 71%.",
    )
    Entry.objects.filter(owner=teacher, title=TEACHER_ENTRIES[0][2]).update(
        impact_practice="I stop and re-teach when the hinge question shows most have not got it.",
        impact_pupils="More pupils answer, and fewer sit it out; the unit quiz average went up.",
    )

    _answer_evaluated_follow_ups(now)

    _need(teacher, areas, "behaviour-management", Need.Priority.HIGH, None)
    _need(teacher, areas, "early-reading-and-phonics", Need.Priority.MEDIUM, goals[1])

    # The leader keeps a portfolio too.
    leader_goal, _ = Goal.objects.update_or_create(
        owner=leader,
        title="Build a coaching culture at Ashgrove",
        defaults={
            "source": Goal.Source.APPRAISAL,
            "status": Goal.Status.ACTIVE,
            "academic_year": year,
            "success_criteria": "Every teacher has a fortnightly coaching conversation.",
        },
    )
    if "coaching" in areas:
        leader_goal.areas.set([areas["coaching"]])
    Entry.objects.update_or_create(
        owner=leader,
        title="Instructional coaching training, day 1",
        defaults={
            "date": _day(today, 20),
            "kind": Entry.Kind.SESSION_ATTENDED,
            "hours": Decimal("6"),
            "learned": "Small, specific action steps, practised there and then.",
        },
    )

    # Needs across the community, so audits and the roll-up have something in them.
    rng = random.Random(5)
    staff = list(
        User.objects.filter(school__isnull=False, is_active=True)
        .exclude(email__endswith="@demo.test")
        .exclude(job_role=User.JobRole.GOVERNOR)
        .select_related("school")
        .order_by("email")
    )
    slugs = [s for s in NEED_TEXTS if s in areas]
    for index, person in enumerate(staff[:36]):
        slug = slugs[index % len(slugs)]
        status = Need.Status.OPEN
        if index % 7 == 3:
            status = Need.Status.PASSED
        elif index % 9 == 5:
            status = Need.Status.MET
        need = _need(
            person, areas, slug, rng.choice(list(Need.Priority.values)), None, status=status
        )
        if status != Need.Status.OPEN and need.decided_at is None:
            school_leader = person.school.cpd_leaders.order_by("pk").first()
            Need.objects.filter(pk=need.pk).update(decided_by=school_leader, decided_at=now)

    seed_matches(teacher=teacher, staff=staff, areas=areas)


MATCH_AREA = "behaviour-management"  # the demo teacher's high-priority need


# How the attendees of the session whose evaluation was shared answered six weeks on (the
# session's page shows the levels, counted; what happened stays in each portfolio).
EVALUATED_LEVELS = [
    ImpactFollowUp.Level.USE,
    ImpactFollowUp.Level.PUPILS,
    ImpactFollowUp.Level.USE,
    ImpactFollowUp.Level.LEARNING,
]


def _answer_evaluated_follow_ups(now: datetime.datetime) -> None:
    follow_ups = ImpactFollowUp.objects.filter(
        entry__session__title=EVALUATED, entry__kind=Entry.Kind.SESSION_ATTENDED
    ).order_by("entry__owner__email")
    for follow_up, level in zip(follow_ups, EVALUATED_LEVELS, strict=False):
        ImpactFollowUp.objects.filter(pk=follow_up.pk).update(
            asked_at=now - datetime.timedelta(days=10),
            answered_at=now - datetime.timedelta(days=8),
            tried=True,
            level=level,
            what_happened="I planned one task three ways; more pupils started without help.",
        )


def seed_matches(*, teacher: User, staff: list[User], areas: dict) -> None:
    """
    Made visible on /coordinator/needs/: for the demo teacher's need in behaviour
    management, an expert in another school offering it, and a colleague in another school
    with the same need who agreed to be suggested; and an area with needs and nothing on offer
    (no live expert, no session), the gap at the top of the page.
    """
    others = [p for p in staff if p.school_id != teacher.school_id]
    if MATCH_AREA in areas and len(others) >= 6:
        profile = (
            ExpertProfile.objects.filter(user__in=others, is_hidden=False)
            .order_by("user__email")
            .first()
        )
        if profile is not None:
            ProfileArea.objects.update_or_create(
                profile=profile, area=areas[MATCH_AREA], defaults={"advice": True, "visit": True}
            )
            refresh_documents([profile.pk])
        peer = next(p for p in reversed(others) if p.pk != getattr(profile, "user_id", None))
        User.objects.filter(pk=peer.pk).update(suggest_me=True)
        _need(peer, areas, MATCH_AREA, Need.Priority.HIGH, None, status=Need.Status.OPEN)
    offered = ProfileArea.objects.values("area_id")
    in_sessions = DevelopmentSession.areas.through.objects.values("expertisearea_id")
    gap = (
        ExpertiseArea.objects.exclude(pk__in=offered)
        .exclude(pk__in=in_sessions)
        .order_by("name")
        .first()
    )
    if gap is not None:
        for person in others[-3:]:
            _need(person, {gap.slug: gap}, gap.slug, Need.Priority.HIGH, None)


def _need(owner, areas, slug, priority, goal, *, status=None) -> Need:
    defaults = {"priority": priority, "goal": goal, "description": NEED_TEXTS.get(slug, "")}
    if not defaults["description"]:
        defaults["description"] = {
            "early-reading-and-phonics": "Running keep-up phonics groups well in the afternoon.",
        }.get(slug, f"Getting better at {in_sentence(areas[slug].name)}.")
    if status is not None:
        defaults["status"] = status
    need, _ = Need.objects.update_or_create(owner=owner, area=areas[slug], defaults=defaults)
    return need
