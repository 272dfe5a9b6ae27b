"""
Enquiry at trust scale for the benchmarks (``seed_scale`` calls it): ``groups`` groups at work
(half lesson study), about ten members each from several schools, a shared log and a reading
list, lesson-study cycles with case pupils, predictions and observations; one big group (two
hundred members, two thousand log entries) for the group page's benchmark; and ``write_ups``
finished groups whose write-ups are published in the library, each agreed by its three or four
members. 2,000 groups give 20,000 memberships at work. By bulk inserts.

Synthetic rows are those of groups owned by people whose address ends ``.scale.test``;
``remove_enquiry_at_scale`` takes them away before the people go.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from .models import (
    Agreement,
    CasePupil,
    Cycle,
    Group,
    Invitation,
    Kind,
    LogEntry,
    Membership,
    Observation,
    ObserverRelease,
    Prediction,
    ReadingItem,
    WriteUp,
)

BATCH = 5000
SCALE = ".scale.test"
BIG_MEMBERS = 200
BIG_LOG = 2000
PUPILS = ["below expected", "working at", "rarely explains"]

# Words the library is searched for: questions and write-ups are made from them.
TOPICS = [
    "fractions", "place value", "phonics", "reading fluency", "retrieval practice", "oracy",
    "vocabulary", "times tables", "persuasive writing", "spelling", "inference", "algebra",
    "scientific enquiry", "fieldwork", "behaviour for learning", "adaptive teaching",
    "feedback", "questioning", "metacognition", "homework",
]  # fmt: skip
GROUPS_OF = [
    "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6", "Year 7", "Year 9",
    "pupils with SEND", "disadvantaged pupils", "EAL pupils", "lower attainers",
]  # fmt: skip
STRATEGIES = [
    "bar models", "worked examples", "think-pair-share", "mini whiteboards", "exit tickets",
    "sentence stems", "low-stakes quizzes", "modelled writing", "concrete manipulatives",
    "dual coding", "cold calling", "knowledge organisers", "guided reading", "peer tutoring",
]  # fmt: skip
OUTCOMES = [
    "more pupils explained their reasoning aloud",
    "the gap between our case pupils and the class narrowed",
    "books showed fewer misconceptions by the third lesson",
    "pupils retained more a fortnight later",
    "quieter pupils joined in the discussion",
    "the lowest attainers completed independent work",
]


def remove_enquiry_at_scale() -> None:
    """Every group owned by a synthetic person, and everything in it (raw deletes in the order
    of the foreign keys: bulk rows have no signals)."""
    groups = list(Group.objects.filter(owner__email__endswith=SCALE).values_list("pk", flat=True))
    pupils = CasePupil.objects.filter(cycle__group_id__in=groups)
    for model in (Prediction, Observation):
        model.objects.filter(case_pupil__in=pupils.values("pk"))._raw_delete("default")
    pupils._raw_delete("default")
    ObserverRelease.objects.filter(cycle__group_id__in=groups).delete()
    Cycle.objects.filter(group_id__in=groups)._raw_delete("default")
    Agreement.objects.filter(write_up__group_id__in=groups)._raw_delete("default")
    WriteUp.objects.filter(group_id__in=groups)._raw_delete("default")
    for model in (LogEntry, ReadingItem, Invitation, Membership):
        model.objects.filter(group_id__in=groups)._raw_delete("default")
    for through in (Group.areas.through, Group.phases.through, Group.subjects.through):
        through.objects.filter(group_id__in=groups)._raw_delete("default")
    Group.objects.filter(pk__in=groups)._raw_delete("default")


def _question(rng: random.Random) -> tuple[str, str, str]:
    topic, who, how = rng.choice(TOPICS), rng.choice(GROUPS_OF), rng.choice(STRATEGIES)
    return f"How can {how} improve {topic} for {who}?", topic, how


def seed_enquiry_at_scale(
    rng: random.Random,
    users: Sequence[tuple[int, int | None]],
    areas: Sequence[int],
    *,
    groups: int,
    write_ups: int,
    members: int = 10,
) -> dict[str, int]:
    """
    ``groups`` groups at work among ``users`` ((user id, school id) pairs), about ``members``
    each (the first of them a big group), and ``write_ups`` finished groups with a published
    write-up. Returns how many rows of each kind were made.
    """
    now = timezone.now()
    today = timezone.localdate()
    pool = [u for u in users if u[1] is not None]
    made = {"groups": 0, "memberships": 0, "log entries": 0, "reading items": 0, "cycles": 0}
    made |= {"case pupils": 0, "predictions and observations": 0, "published write-ups": 0}
    plans = []  # (group, [member (user, school)], topic, strategy)
    for n in range(groups + write_ups):
        at_work = n < groups
        question, topic, how = _question(rng)
        size = BIG_MEMBERS if n == 0 else (
            max(2, int(rng.gauss(members, 3))) if at_work else rng.choice([3, 3, 4])
        )  # fmt: skip
        people = rng.sample(pool, min(size, len(pool)))
        started = today - datetime.timedelta(days=rng.randint(30, 700))
        plans.append(
            (
                Group(
                    question=question,
                    kind=Kind.LESSON_STUDY if n % 2 else Kind.ENQUIRY,
                    owner_id=people[0][0],
                    created_by_id=people[0][0],
                    status=rng.choice([Group.Status.OPEN, Group.Status.CLOSED])
                    if at_work
                    else Group.Status.FINISHED,
                    started_on=started,
                    finished_at=None if at_work else now,
                    created_at=timezone.make_aware(
                        datetime.datetime.combine(started, datetime.time(16))
                    ),
                ),
                people,
                topic,
                how,
            )
        )
    made_groups = Group.objects.bulk_create([g for g, *_ in plans], batch_size=BATCH)
    made["groups"] = len(made_groups)
    Group.areas.through.objects.bulk_create(
        (
            Group.areas.through(group_id=g.pk, expertisearea_id=area)
            for g in made_groups
            for area in rng.sample(list(areas), min(2, len(areas)))
        ),
        batch_size=BATCH,
    )
    memberships, log, reading, cycles, write_rows = [], [], [], [], []
    for n, (group, people, topic, how) in enumerate(plans):
        for user, school in people:
            memberships.append(
                Membership(group=group, user_id=user, school_id=school, joined_at=group.created_at)
            )
        if n >= groups:
            write_rows.append((group, people, topic, how))
            continue
        entries = BIG_LOG if n == 0 else rng.randint(3, 15)
        for i in range(entries):
            author = people[i % len(people)][0]
            log.append(
                LogEntry(
                    group=group,
                    author_id=author,
                    kind=rng.choice([LogEntry.Kind.NOTE, LogEntry.Kind.DECISION]),
                    text=f"We tried {how} in {topic}: {rng.choice(OUTCOMES)}.",
                    created_at=now - datetime.timedelta(hours=rng.randint(1, 24 * 300)),
                )
            )
        for i in range(rng.randint(1, 4)):
            reading.append(
                ReadingItem(
                    group=group,
                    title=f"EEF guidance report on {topic} ({i + 1})",
                    url="https://educationendowmentfoundation.org.uk/",
                    note=f"Why {how} may help.",
                    added_by_id=people[i % len(people)][0],
                )
            )
        if group.kind == Kind.LESSON_STUDY:
            for number in range(1, rng.randint(1, 3) + 1):
                day = group.started_on + datetime.timedelta(days=30 * number)
                done = day < today - datetime.timedelta(days=7)
                cycles.append(
                    Cycle(
                        group=group,
                        number=number,
                        status=Cycle.Status.DISCUSSED if done else Cycle.Status.PLANNING,
                        lesson_date=day,
                        lesson_start=datetime.time(10, 40),
                        lesson_end=datetime.time(11, 40),
                        host_school_id=people[0][1],
                        plan=f"A research lesson on {topic} using {how}.",
                        discussion=f"{rng.choice(OUTCOMES).capitalize()}." if done else "",
                        discussed_at=now - datetime.timedelta(days=7) if done else None,
                    )
                )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    LogEntry.objects.bulk_create(log, batch_size=BATCH)
    ReadingItem.objects.bulk_create(reading, batch_size=BATCH)
    Cycle.objects.bulk_create(cycles, batch_size=BATCH)
    pupils = CasePupil.objects.bulk_create(
        (
            CasePupil(cycle=cycle, code=code, description=f"Case pupil {code}: {desc}")
            for cycle in cycles
            for code, desc in zip("ABC", PUPILS, strict=True)
        ),
        batch_size=BATCH,
    )
    owners = {g.pk: people for g, people, *_ in plans}
    entries = []
    for pupil in pupils:
        people = owners[pupil.cycle.group_id]
        entries.append(
            Prediction(case_pupil=pupil, by_id=people[0][0], text="Will reach for the model.")
        )
        if pupil.cycle.status == Cycle.Status.DISCUSSED:
            entries.append(
                Observation(
                    case_pupil=pupil, observer_id=people[-1][0], text="Explained it to a partner."
                )
            )
    Prediction.objects.bulk_create(
        [e for e in entries if isinstance(e, Prediction)], batch_size=BATCH
    )
    Observation.objects.bulk_create(
        [e for e in entries if isinstance(e, Observation)], batch_size=BATCH
    )
    published = []
    for group, _people, topic, how in write_rows:
        outcome = rng.choice(OUTCOMES)
        at = now - datetime.timedelta(hours=rng.randint(1, 24 * 700))
        published.append(
            WriteUp(
                group=group,
                question=group.question,
                tried=f"Over a term we used {how} in {topic} lessons with "
                f"{rng.choice(GROUPS_OF)}, planning each lesson together and observing each "
                "other's case pupils.",
                happened=f"{outcome.capitalize()}; {rng.choice(OUTCOMES)}.",
                next_steps=f"Try {rng.choice(STRATEGIES)} alongside it next year.",
                status=WriteUp.Status.PUBLISHED,
                updated_by_id=group.owner_id,
                updated_at=at,
                published_at=at,
            )
        )
    WriteUp.objects.bulk_create(published, batch_size=BATCH)
    Agreement.objects.bulk_create(
        (
            Agreement(write_up=w, user_id=user, agreed_at=w.published_at)
            for w, (_g, people, *_rest) in zip(published, write_rows, strict=True)
            for user, _school in people
        ),
        batch_size=BATCH,
    )
    made |= {
        "memberships": len(memberships),
        "log entries": len(log),
        "reading items": len(reading),
        "cycles": len(cycles),
        "case pupils": len(pupils),
        "predictions and observations": len(entries),
        "published write-ups": len(published),
    }
    return made
