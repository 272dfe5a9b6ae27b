"""
Enquiry for the demo community: the demo teacher in a lesson-study group across three schools
(a reading list, a log with a note, a decision and a file, a draft write-up one colleague has
agreed to); a finished enquiry group of the demo expert's whose write-up is in the library; an
open group in the demo teacher's need (behaviour), suggested to her (she agreed to be
suggested), to which the demo CPD leader has an invitation waiting. Peer visits: one the demo
teacher made (accepted, for her to book), one asked to her school (for the demo CPD leader).

Idempotent: each demo group is found by its question, and its members and work rewritten.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.models import DevelopmentSession
from experts.models import ExpertiseArea
from hubs.models import Phase, Subject, User

from .cycle_demo import seed_cycles
from .models import (
    Agreement,
    Group,
    Invitation,
    Kind,
    LogEntry,
    Membership,
    PeerVisit,
    ReadingItem,
    WriteUp,
)

FRACTIONS = (
    "How can we improve the way we teach fractions to Year 5 pupils who struggle with place value?"
)
ORACY = "How can talk routines help Year 8 pupils explain their reasoning in science?"
ROUTINES = "Which routines help Year 3 pupils settle quickly after lunch?"


def _group(question: str, **fields) -> Group:
    group = Group.objects.filter(question=question).order_by("pk").first() or Group(
        question=question
    )
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    for entry in group.log.exclude(file=""):
        entry.file.delete(save=False)
    group.log.all().delete()
    group.reading.all().delete()
    group.invitations.all().delete()
    WriteUp.objects.filter(group=group).delete()
    return group


def _members(group: Group, people: list[User], joined: datetime.datetime) -> None:
    Membership.objects.filter(group=group).exclude(user__in=people).delete()
    for n, person in enumerate(people):
        Membership.objects.update_or_create(
            group=group,
            user=person,
            defaults={
                "school_id": person.school_id,
                "joined_at": joined + datetime.timedelta(hours=n),
                "left_at": None,
            },
        )


def _areas(*slugs: str) -> list[ExpertiseArea]:
    return list(ExpertiseArea.objects.filter(slug__in=slugs))


def _staff(exclude_schools: set[int], count: int) -> list[User]:
    demo = {"teacher@demo.test", "expert@demo.test", "leader@demo.test", "coordinator@demo.test"}
    found, schools = [], set(exclude_schools)
    for person in (
        User.objects.filter(is_active=True, school__isnull=False)
        .exclude(email__in=demo)
        .order_by("email")
    ):
        if person.school_id not in schools:
            found.append(person)
            schools.add(person.school_id)
        if len(found) == count:
            break
    return found


@transaction.atomic
def seed(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    now = timezone.now()
    teacher = User.objects.get(email="teacher@demo.test")
    expert = User.objects.get(email="expert@demo.test")
    leader = User.objects.get(email="leader@demo.test")
    others = _staff({teacher.school_id, expert.school_id}, 4)
    if len(others) < 4:
        return
    primary = Phase.objects.filter(slug="primary")
    secondary = Phase.objects.filter(slug="secondary")

    # The demo teacher's lesson study, across three schools.
    fractions = _group(
        FRACTIONS,
        kind=Kind.LESSON_STUDY,
        owner=teacher,
        created_by=teacher,
        status=Group.Status.CLOSED,
        started_on=today - datetime.timedelta(days=42),
        planned_end=today + datetime.timedelta(days=60),
    )
    fractions.areas.set(_areas("maths-mastery", "assessment-for-learning"))
    fractions.phases.set(primary)
    fractions.subjects.set(Subject.objects.filter(slug="mathematics"))
    colleague, third = others[0], others[1]
    _members(fractions, [teacher, colleague, third], now - datetime.timedelta(days=42))
    ReadingItem.objects.bulk_create(
        [
            ReadingItem(
                group=fractions, added_by=teacher,
                title="Improving Mathematics in Key Stages 2 and 3 (EEF guidance report)",
                url="https://educationendowmentfoundation.org.uk/education-evidence/guidance-reports/maths-ks-2-3",
                note="Recommendation 2 on representations: our starting point for the number line.",
            ),
            ReadingItem(
                group=fractions, added_by=colleague,
                title="Lesson study: a handbook (Dudley)",
                url="https://lessonstudy.co.uk/",
                note="How to plan the research lesson and choose case pupils.",
            ),
        ]
    )  # fmt: skip
    LogEntry.objects.create(
        group=fractions, author=colleague, kind=LogEntry.Kind.NOTE,
        created_at=now - datetime.timedelta(days=30),
        text="First meeting: we each tried a fractions-on-a-number-line starter. Pupils who "
        "placed 3/4 before 1/2 were those unsure that tenths and hundredths are parts of one.",
    )  # fmt: skip
    LogEntry.objects.create(
        group=fractions, author=teacher, kind=LogEntry.Kind.DECISION,
        created_at=now - datetime.timedelta(days=21),
        text="We will teach equivalent fractions with a bar model before any procedure, and "
        "compare the exit tickets of three pupils in each class.",
    )  # fmt: skip
    LogEntry.objects.create(
        group=fractions, author=colleague, kind=LogEntry.Kind.PROGRESS,
        created_at=now - datetime.timedelta(days=10),
        text="A bar model drawn by the pupils themselves before every equivalence question.",
        result="Five of my eight who muddled 2/4 and 2/8 drew the bars and corrected themselves; "
        "the other three still count the pieces, not their size.",
    )  # fmt: skip
    LogEntry.objects.create(
        group=fractions, author=teacher, kind=LogEntry.Kind.PROGRESS,
        created_at=now - datetime.timedelta(days=7),
        text="Talk partners explaining 'which is bigger, 3/4 or 2/3?' on mini whiteboards.",
        result="Nearly every pair used the bar model; pupil B chose 2/3 because 3 is the bigger "
        "number, which we will plan for in the next research lesson.",
    )  # fmt: skip
    plan = LogEntry(
        group=fractions, author=third, kind=LogEntry.Kind.FILE,
        created_at=now - datetime.timedelta(days=14),
        text="Our plan for the research lesson.", original_name="research-lesson-plan.txt",
        content_type="text/plain",
    )  # fmt: skip
    words = b"Research lesson: comparing fractions on a number line.\nPredictions for each case pupil.\n"
    plan.size = len(words)
    plan.file.save("research-lesson-plan.txt", ContentFile(words), save=False)
    plan.save()
    draft = WriteUp.objects.create(
        group=fractions,
        question=FRACTIONS,
        tried="A bar model before any procedure for equivalent fractions, in three classes.",
        happened="More pupils placed fractions correctly on a number line in the exit tickets.",
        next_steps="Try the same sequence with Year 4 in the summer term.",
        updated_by=teacher,
    )
    Agreement.objects.create(write_up=draft, user=colleague)
    seed_cycles(fractions, teacher, colleague, third, today)

    # A finished enquiry of the demo expert's, published to the library.
    oracy = _group(
        ORACY,
        kind=Kind.ENQUIRY,
        owner=expert,
        created_by=expert,
        status=Group.Status.FINISHED,
        started_on=today - datetime.timedelta(days=200),
        planned_end=today - datetime.timedelta(days=20),
    )
    oracy.areas.set(_areas("oracy", "metacognition"))
    oracy.phases.set(secondary)
    oracy.subjects.set(Subject.objects.filter(slug="science"))
    _members(oracy, [expert, others[2]], now - datetime.timedelta(days=200))
    LogEntry.objects.create(
        group=oracy, author=expert, kind=LogEntry.Kind.NOTE,
        text="Sentence stems on the board helped; pupils used them without being asked by week 4.",
    )  # fmt: skip
    published = WriteUp.objects.create(
        group=oracy,
        question=ORACY,
        tried="Talk partners with sentence stems (“I think … because …”) before every written "
        "explanation, for six weeks in four Year 8 classes in two schools.",
        happened="Written explanations used “because” and a scientific reason more often; "
        "quieter pupils spoke in whole-class discussion after rehearsing with a partner.",
        next_steps="Share the stems with the maths departments; try it with Year 7.",
        updated_by=expert,
        status=WriteUp.Status.PUBLISHED,
        published_at=now - datetime.timedelta(days=10),
    )
    for person in (expert, others[2]):
        Agreement.objects.create(write_up=published, user=person)

    # An open group in the demo teacher's need, suggested to her.
    routines = _group(
        ROUTINES,
        kind=Kind.ENQUIRY,
        owner=others[3],
        created_by=others[3],
        status=Group.Status.OPEN,
        started_on=today - datetime.timedelta(days=7),
        planned_end=today + datetime.timedelta(days=90),
    )
    routines.areas.set(_areas("behaviour-management"))
    routines.phases.set(primary)
    _members(routines, [others[3], others[1]], now - datetime.timedelta(days=7))
    Invitation.objects.create(group=routines, user=leader, invited_by=others[3])
    User.objects.filter(pk=teacher.pk).update(suggest_me=True)

    seed_visits(today, teacher, host=others[2], visitor=others[3])


# --- Peer visits -------------------------------------------------------------------------

VISIT_MADE = "Retrieval practice at the start of maths lessons"
VISIT_HOSTED = "Mastery maths with a bar model in Year 5"


def _visit_session(visitor: User, school, day: datetime.date):
    start = datetime.datetime.combine(
        day, datetime.time(9, 0), tzinfo=timezone.get_current_timezone()
    )
    return session_changes.private_session_create(
        by=visitor,
        title=f"Visit to {school.name}"[:200],
        kind=DevelopmentSession.Kind.PEER_VISIT,
        venue_school=school,
        start=start,
        end=start + datetime.timedelta(hours=3),
    )


def seed_visits(today: datetime.date, teacher: User, host: User, visitor: User) -> None:
    """A visit the demo teacher made to ``host``'s school (accepted, for her to book; her notes
    kept to herself; not yet thanked) and one to her school by ``visitor``, waiting for the demo CPD leader's answer.
    Rows written directly (the demo sends no email); found again by visitor and focus."""
    now = timezone.now()
    made, _ = PeerVisit.objects.get_or_create(
        visitor=teacher,
        focus=VISIT_MADE,
        defaults={
            "visitor_school_id": teacher.school_id,
            "host_school_id": host.school_id,
            "dates": "Any Wednesday morning this half term",
            "why": "Our Year 5 forget last term's fractions; I would like to see how their "
            "daily review works.",
            "created_at": now - datetime.timedelta(days=10),
        },
    )
    if made.session_id is None:
        day = today + datetime.timedelta(days=14)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        made.session = _visit_session(teacher, made.host_school, day)
    made.status = PeerVisit.Status.ACCEPTED
    made.host = host
    made.decided_at = made.decided_at or now - datetime.timedelta(days=8)
    made.notes = made.notes or (
        "Daily review: four questions, one from last lesson, last week, last term, last year."
    )
    made.save()
    PeerVisit.objects.get_or_create(
        visitor=visitor,
        focus=VISIT_HOSTED,
        defaults={
            "visitor_school_id": visitor.school_id,
            "host_school_id": teacher.school_id,
            "dates": "A Tuesday or Thursday in the next few weeks",
            "why": "We are starting bar models in Year 5 and would like to see them in use.",
            "created_at": now - datetime.timedelta(days=2),
        },
    )
