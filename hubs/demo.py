"""
The demo community: hubs, schools, staff, subject networks and terms.

Idempotent: every row is found by its natural key (URN, slug, email, term name) and
brought to the state below, so running it twice changes nothing the second time.
Other apps extend the demo with their own ``<app>/demo.py`` (see ``seed_demo``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cpdhub.academic_year import academic_year_of

from . import models, services
from .models import (
    COORDINATORS_GROUP,
    Hub,
    Phase,
    Responsibility,
    School,
    SchoolDomain,
    Subject,
    SubjectNetwork,
    Term,
    User,
    UserResponsibility,
)

DEMO_PASSWORD = "cpd-demo-2026"  # noqa: S105 - the documented demo password, set only here

HUBS = [
    (
        "northgate",
        "Northgate Hub",
        "Five schools north of the river, meeting twice a term at Millbrook Academy "
        "and online. Strong in early reading, maths mastery and SEND.",
    ),
    (
        "southfields",
        "Southfields Hub",
        "Four schools south of the river, with a shared twilight programme and a "
        "partnership with the local teaching school hub.",
    ),
]

P, S, NA = School.Phase.PRIMARY, School.Phase.SECONDARY, School.Phase.NOT_APPLICABLE
T = School.EstablishmentType
# (urn, name, phase, type, hub, domain, pupils, fsm %, postcode, day start, day end)
SCHOOLS = [
    (
        148101,
        "Ashgrove Primary School",
        P,
        T.ACADEMY_CONVERTER,
        "northgate",
        "ashgrove.demo.test",
        412,
        "18.4",
        "NE6 2AB",
        "08:45",
        "15:15",
    ),
    (
        148102,
        "St Aidan's CofE Primary School",
        P,
        T.VOLUNTARY_AIDED,
        "northgate",
        "staidans.demo.test",
        208,
        "9.6",
        "NE6 4QT",
        "08:50",
        "15:20",
    ),
    (
        148103,
        "Millbrook Academy",
        S,
        T.ACADEMY_SPONSOR_LED,
        "northgate",
        "millbrook.demo.test",
        1124,
        "31.2",
        "NE7 1LX",
        "08:30",
        "15:00",
    ),
    (
        148104,
        "Hollins Park School",
        NA,
        T.COMMUNITY_SPECIAL,
        "northgate",
        "hollinspark.demo.test",
        96,
        "47.9",
        "NE7 3RD",
        "09:00",
        "15:00",
    ),
    (
        148105,
        "Oakfield Infant School",
        P,
        T.COMMUNITY,
        "northgate",
        "oakfield.demo.test",
        180,
        "22.0",
        "NE6 5HF",
        "08:50",
        "15:10",
    ),
    (
        148106,
        "Kingsmead Primary School",
        P,
        T.COMMUNITY,
        "southfields",
        "kingsmead.demo.test",
        356,
        "26.7",
        "NE8 2DW",
        "08:45",
        "15:15",
    ),
    (
        148107,
        "Brook Lane Primary School",
        P,
        T.FOUNDATION,
        "southfields",
        "brooklane.demo.test",
        421,
        "14.3",
        "NE8 6PS",
        "08:40",
        "15:10",
    ),
    (
        148108,
        "Thornbury High School",
        S,
        T.ACADEMY_CONVERTER,
        "southfields",
        "thornbury.demo.test",
        987,
        "20.8",
        "NE9 4JU",
        "08:35",
        "15:05",
    ),
    (
        148109,
        "Willow Bank School",
        NA,
        T.ACADEMY_SPECIAL_CONVERTER,
        "southfields",
        "willowbank.demo.test",
        120,
        "39.5",
        "NE9 1TE",
        "09:00",
        "14:45",
    ),
]

FIRST_NAMES = [
    "Amelia",
    "Oliver",
    "Priya",
    "Jack",
    "Aisha",
    "Harry",
    "Sophie",
    "Mohammed",
    "Emily",
    "George",
    "Grace",
    "Thomas",
    "Chloe",
    "James",
    "Fatima",
    "William",
    "Olivia",
    "Daniel",
    "Hannah",
    "Samuel",
    "Megan",
    "Joshua",
    "Zara",
    "Ethan",
    "Lucy",
    "Ryan",
    "Niamh",
    "Callum",
    "Eleanor",
    "Kwame",
    "Rebecca",
    "Liam",
    "Isla",
    "Connor",
    "Ruth",
    "Adam",
    "Bethany",
    "Imran",
    "Katie",
    "Owen",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Wood",
    "Clarke",
    "Jackson",
    "Hughes",
    "Edwards",
    "Hussain",
    "Lewis",
    "Turner",
    "Hill",
    "Moore",
    "Scott",
    "Okonkwo",
    "Murphy",
    "Campbell",
    "Kaur",
    "Bell",
    "Armstrong",
    "Fletcher",
    "Nowak",
    "Begum",
    "Doyle",
]

R = User.JobRole
# The mix of roles on a school's staff list.
ROLE_MIX = (
    [R.TEACHER] * 9
    + [R.TA] * 3
    + [R.HLTA]
    + [R.MIDDLE_LEADER] * 3
    + [R.SENIOR_LEADER]
    + [
        R.SUPPORT_STAFF,
        R.GOVERNOR,
    ]
)
PRIMARY_SUBJECTS = [
    "english",
    "mathematics",
    "science",
    "geography",
    "history",
    "art-and-design",
    "music",
    "physical-education",
    "computing",
]
SECONDARY_SUBJECTS = [
    "english",
    "mathematics",
    "science",
    "biology",
    "chemistry",
    "physics",
    "geography",
    "history",
    "modern-foreign-languages",
    "computing",
    "religious-education",
    "drama",
    "design-and-technology",
]

NETWORKS = [
    (
        "primary-geography",
        "Primary geography network",
        "geography",
        "northgate",
        "For every geography lead across our primaries: most are the only geographer in their school. "
        "We share fieldwork plans, plan the local-area unit together and moderate work.",
        "Meets twice a year, online, 15:45 to 17:00; fieldwork day in the summer term.",
    ),
    (
        "maths-mastery",
        "Maths mastery network",
        "mathematics",
        None,
        "Teachers of maths from Reception to Year 11 working on mastery: representations, "
        "variation and fluency. Lesson study cycles each spring.",
        "Meets once a term, alternating between schools, 16:00 to 17:30.",
    ),
    (
        "early-reading",
        "Early reading and phonics network",
        "english",
        "southfields",
        "Reading leads, Reception and Key Stage 1 teachers and teaching assistants sharing how they "
        "teach phonics, keep up and catch up, and build a love of reading.",
        "Meets once a term after school, with a termly visit to see phonics teaching.",
    ),
]

# The demo's name and contact address: set by seed_demo, nowhere else.
DEMO_COMMUNITY_NAME = "Riverside Schools CPD Community"
DEMO_CONTACT_EMAIL = "coordinator@demo.test"

# email, first, last, school URN (None = community team), role, coordinator?
DEMO_ACCOUNTS = [
    ("coordinator@demo.test", "Helen", "Okafor", None, R.SENIOR_LEADER, True),
    ("leader@demo.test", "Priya", "Shah", 148101, R.SENIOR_LEADER, False),
    ("teacher@demo.test", "Sam", "Whitfield", 148101, R.TEACHER, False),
    ("expert@demo.test", "Grace", "Adeyemi", 148103, R.MIDDLE_LEADER, False),
]


@dataclass
class Community:
    hubs: dict[str, Hub]
    schools: dict[int, School]
    accounts: dict[str, User]
    staff: list[User]
    networks: dict[str, SubjectNetwork]
    terms: list[Term]


def term_dates(first_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """Three terms of the academic year starting in September ``first_year``, plus last summer."""
    y, z = first_year, first_year + 1
    d = datetime.date
    return [
        (f"Summer {y}", d(y, 4, 13), d(y, 7, 22)),
        (f"Autumn {y}", d(y, 9, 2), d(y, 12, 18)),
        (f"Spring {z}", d(z, 1, 5), d(z, 3, 26)),
        (f"Summer {z}", d(z, 4, 12), d(z, 7, 21)),
    ]


def _parse_time(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def _verified(user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _upsert_user(email: str, defaults: dict) -> User:
    user, _ = User.objects.update_or_create(email=email, defaults=defaults)
    _verified(user)
    return user


@transaction.atomic
def seed(today: datetime.date | None = None) -> Community:
    today = today or timezone.localdate()
    rng = random.Random(2026)  # the same community every time
    # A community already set up keeps its own name: the demo's is only for an empty install.
    models.Community.objects.get_or_create(
        pk=1,
        defaults={
            "name": DEMO_COMMUNITY_NAME,
            "contact_email": DEMO_CONTACT_EMAIL,
            "is_demo": True,
        },
    )
    phases = {p.slug: p for p in Phase.objects.all()}
    subjects = {s.slug: s for s in Subject.objects.all()}

    hubs = {
        slug: Hub.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )[0]
        for slug, name, description in HUBS
    }

    schools: dict[int, School] = {}
    for urn, name, phase, kind, hub, domain, pupils, fsm, postcode, start, end in SCHOOLS:
        school, _ = School.objects.update_or_create(
            urn=urn,
            defaults={
                "name": name,
                "phase": phase,
                "establishment_type": kind,
                "hub": hubs[hub],
                "local_authority": "Tyneside",
                "postcode": postcode,
                "pupil_count": pupils,
                "fsm_percent": fsm,
                "day_start": _parse_time(start),
                "day_end": _parse_time(end),
            },
        )
        SchoolDomain.objects.update_or_create(domain=domain, defaults={"school": school})
        schools[urn] = school

    terms = []
    for name, start, end in term_dates(academic_year_of(today)):
        term = Term.objects.filter(name=name).first() or Term(name=name)
        term.start, term.end = start, end
        term.full_clean()
        term.save()
        terms.append(term)

    demo_hash = make_password(DEMO_PASSWORD)
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    accounts: dict[str, User] = {}
    for email, first, last, urn, role, is_coordinator in DEMO_ACCOUNTS:
        user = _upsert_user(
            email,
            {
                "first_name": first,
                "last_name": last,
                "school": schools[urn] if urn else None,
                "job_role": role,
                "password": demo_hash,
                "is_active": True,
                "is_staff": is_coordinator,
            },
        )
        if is_coordinator:
            user.groups.add(coordinators)
        accounts[email] = user
    accounts["teacher@demo.test"].subjects.set([subjects["english"], subjects["geography"]])
    accounts["teacher@demo.test"].phases.set([phases["primary"]])
    accounts["leader@demo.test"].phases.set([phases["primary"]])
    accounts["expert@demo.test"].subjects.set([subjects["mathematics"]])
    accounts["expert@demo.test"].phases.set([phases["secondary"]])

    # Sixty more staff, spread over the schools with a realistic mix of roles.
    staff: list[User] = []
    staff_subjects: dict[int, set[str]] = {}
    used_names: set[tuple[str, str]] = {(first, last) for _, first, last, *_ in DEMO_ACCOUNTS}
    school_list = list(schools.values())
    for index in range(60):
        school = school_list[index % len(school_list)]
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if (first, last) not in used_names:
                used_names.add((first, last))
                break
        # The first person seeded at each school is a senior leader (its CPD leader, below).
        role = R.SENIOR_LEADER if index < len(school_list) else rng.choice(ROLE_MIX)
        domain = school.domains.values_list("domain", flat=True).first()
        email = f"{first}.{last}@{domain}".lower().replace("'", "")
        user = _upsert_user(
            email,
            {
                "first_name": first,
                "last_name": last,
                "school": school,
                "job_role": role,
                "password": make_password(None),  # cannot sign in: only the demo accounts can
                "is_active": True,
            },
        )
        secondary = school.phase == School.Phase.SECONDARY
        special = school.is_special
        user.phases.set(
            [phases["secondary" if secondary else "primary"]]
            + ([phases["special"]] if special else [])
        )
        pool = SECONDARY_SUBJECTS if secondary else PRIMARY_SUBJECTS
        taught = []
        if role in {R.TEACHER, R.MIDDLE_LEADER, R.SENIOR_LEADER, R.HLTA}:
            taught = rng.sample(pool, 1 if secondary else 2)
        user.subjects.set([subjects[slug] for slug in taught])
        staff_subjects[user.pk] = set(taught)
        staff.append(user)

    # Each school's first seeded senior leader is its CPD leader; the demo leader leads Ashgrove.
    for index, school in enumerate(school_list):
        leaders = [staff[index]] + ([accounts["leader@demo.test"]] if school.urn == 148101 else [])
        school.cpd_leaders.set(leaders)
    hubs["northgate"].leaders.set([accounts["leader@demo.test"]])
    hubs["southfields"].leaders.set([staff[5]])

    networks: dict[str, SubjectNetwork] = {}
    for slug, name, subject, hub, description, pattern in NETWORKS:
        network, _ = SubjectNetwork.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "subject": subjects[subject],
                "hub": hubs[hub] if hub else None,
                "description": description,
                "meeting_pattern": pattern,
            },
        )
        in_scope = [
            u
            for u in staff
            if subject in staff_subjects[u.pk] and (hub is None or u.school.hub_id == hubs[hub].pk)
        ]
        network.members.set(in_scope)
        network.leads.set(in_scope[:1])
        networks[slug] = network
    networks["maths-mastery"].leads.add(accounts["expert@demo.test"])
    networks["maths-mastery"].members.add(accounts["expert@demo.test"])
    networks["primary-geography"].members.add(accounts["teacher@demo.test"])
    networks["primary-music"] = seed_lone_ranger_and_quiet_network(
        teacher=accounts["teacher@demo.test"],
        lead=accounts["leader@demo.test"],
        music=subjects["music"],
    )

    return Community(
        hubs=hubs, schools=schools, accounts=accounts, staff=staff, networks=networks, terms=terms
    )


def seed_lone_ranger_and_quiet_network(*, teacher: User, lead: User, music: Subject):
    """
    Made visible in the demo: the demo teacher is the only music teacher at Ashgrove (a lone
    ranger), invited to the community's music network (their dashboard's prompt, the
    coordinator's /coordinator/lone-rangers/); the network has no meeting planned this year, so
    its lead (the demo CPD leader) is prompted on its page. Families of schools need nothing
    more than the schools' own figures (/schools/148101/family/).
    """
    User.subjects.through.objects.filter(subject=music, user__school=teacher.school).exclude(
        user=teacher
    ).delete()
    teacher.subjects.add(music)
    network, _ = SubjectNetwork.objects.update_or_create(
        slug="primary-music",
        defaults={
            "name": "Primary music network",
            "subject": music,
            "hub": None,
            "description": "For everyone who teaches music in our primaries: in most schools "
            "that is one person. Singing, instrumental teaching and the model music curriculum.",
            "meeting_pattern": "Meets once a year, online after school.",
        },
    )
    network.leads.set([lead])
    network.members.remove(teacher)  # so the demo shows the invitation, every time
    # Alone for a responsibility too: the only ECT mentor at Ashgrove (no network for ECT
    # mentors in the demo, so they are listed on /coordinator/lone-rangers/, not invited).
    UserResponsibility.objects.filter(
        responsibility=Responsibility.ECT_MENTOR, user__school=teacher.school
    ).exclude(user=teacher).delete()
    UserResponsibility.objects.get_or_create(user=teacher, responsibility=Responsibility.ECT_MENTOR)
    # Each lone ranger once; no email (seed_demo sends none: the demo's people have no mailbox).
    services.lone_rangers_invite(by=None, notify=False)
    return network
