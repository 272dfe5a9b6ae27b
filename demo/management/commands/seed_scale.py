"""
A synthetic community at scale for benchmarks: N expert profiles over proportionate hubs
and schools (one school per 50 profiles, one hub per 40 schools), by bulk inserts.

    python manage.py seed_scale --profiles 100000

Synthetic rows are marked (hub slugs and email domains contain "scale"); each run first
removes the previous synthetic community, so it can be rerun with another N.

Beside the profiles it makes the activity the coordinator's pages read, in proportion: a
subject network per hub and subject with a third of staff as members; one session per 100
profiles (two thirds past, with a register), about one booking per two people, release
requests with their costs for a fifth of bookings, feedback on four in ten attended places,
one need per five people and one or two log entries per three; coaching (coaching/scale.py)
and enquiry groups (enquiry/scale.py: one group at work per 50 profiles with about ten members
each, and 2.5 published write-ups per group). ``--activity-only replaces
just that activity on an existing synthetic community (a copy of a template database).

It lives in the ``demo`` app, on top of every other, beside ``seed_demo``.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coaching.scale import remove_coaching_at_scale, seed_coaching_at_scale
from cpd_sessions.models import (
    Attendance,
    Booking,
    BudgetEntry,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionDate,
)
from cpdhub.markup import render_markdown
from enquiry.scale import remove_enquiry_at_scale, seed_enquiry_at_scale
from experts.models import ContactRequest, ExpertiseArea, ExpertProfile, ProfileArea
from experts.search import refresh_documents
from experts.signals import paused
from hubs.demo import FIRST_NAMES, LAST_NAMES
from hubs.models import Hub, Phase, School, SchoolDomain, Subject, SubjectNetwork, User
from portfolios.models import Entry, Need

BATCH = 5000
# Profiles read like real ones: a headline and a few sentences about the person's own areas,
# among ordinary sentences about their work. (A search word then matches the share of people
# who offer it, as in a real community, not every other profile.)
HEADLINES = [
    "Happy to help with {area}",
    "{Area}: what has worked in my classroom",
    "Leading {area} across our school",
    "Ask me about {area}",
    "Ten years of {area}, glad to share",
]
SENTENCES = [
    "I have taught in three schools across the region.",
    "I lead a year group and mentor trainee teachers.",
    "Our department has spent two years refining this.",
    "I am glad to talk by email or visit your school.",
    "Most of what I know I learned from colleagues.",
    "I work part time, so please give me a week to reply.",
    "I have run twilight sessions for staff in our trust.",
    "Visitors are welcome to see a lesson in my classroom.",
    "I completed a national professional qualification last year.",
    "We have tried this with mixed-attainment classes.",
]


class Command(BaseCommand):
    help = "Build a synthetic community of N expert profiles by bulk inserts (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--activity-only",
            action="store_true",
            help="Keep the synthetic profiles; replace only networks, sessions, bookings, needs.",
        )
        # --- Coaching (coaching/scale.py) ---
        parser.add_argument(
            "--coaching-relationships",
            type=int,
            default=None,
            help="Active coaching relationships (default: one per four staff; 0 for none).",
        )
        # --- Enquiry (enquiry/scale.py) ---
        parser.add_argument(
            "--enquiry-groups",
            type=int,
            default=None,
            help="Enquiry groups at work, about ten members each (default: one per fifty "
            "profiles, 2,000 at 100,000; 0 for none).",
        )
        parser.add_argument(
            "--enquiry-write-ups",
            type=int,
            default=None,
            help="Finished groups with a published write-up (default: 2.5 per group at work).",
        )

    def handle(self, *args, profiles: int, seed: int, activity_only: bool, **options) -> None:
        self.coaching_relationships = options.get("coaching_relationships")
        self.enquiry_groups = options.get("enquiry_groups")
        self.enquiry_write_ups = options.get("enquiry_write_ups")
        self.profiles = profiles
        started = time.monotonic()
        rng = random.Random(seed)
        if activity_only:
            self.make_activity(rng)
            self.stdout.write(self.style.SUCCESS(f"Activity in {time.monotonic() - started:.1f} s"))
            return
        with transaction.atomic():
            self.remove_previous()
            n_schools = max(profiles // 50, 2)
            n_hubs = max(n_schools // 40, 2)
            hubs = Hub.objects.bulk_create(
                [Hub(name=f"Scale hub {i}", slug=f"scale-hub-{i}") for i in range(n_hubs)]
            )
            schools = School.objects.bulk_create(
                [
                    School(
                        name=f"Scale school {i}",
                        urn=900000 + i,
                        phase=rng.choice([School.Phase.PRIMARY, School.Phase.SECONDARY]),
                        establishment_type=School.EstablishmentType.ACADEMY_CONVERTER,
                        hub=hubs[i % n_hubs],
                    )
                    for i in range(n_schools)
                ],
                batch_size=BATCH,
            )
            SchoolDomain.objects.bulk_create(
                [SchoolDomain(school=s, domain=f"s{s.urn}.scale.test") for s in schools],
                batch_size=BATCH,
            )
        areas = list(ExpertiseArea.objects.all())
        subjects = list(Subject.objects.all())
        phases = list(Phase.objects.all())
        unusable = make_password(None)
        now = timezone.now()
        for start in range(0, profiles, BATCH):
            with transaction.atomic():
                chunk = range(start, min(start + BATCH, profiles))
                users = User.objects.bulk_create(
                    [
                        User(
                            email=f"p{i}@s{schools[i % n_schools].urn}.scale.test",
                            first_name=rng.choice(FIRST_NAMES),
                            last_name=rng.choice(LAST_NAMES),
                            school=schools[i % n_schools],
                            job_role=rng.choice(User.JobRole.values),
                            password=unusable,
                        )
                        for i in chunk
                    ]
                )
                chosen = [rng.sample(areas, rng.randint(1, 3)) for _ in users]
                made = ExpertProfile.objects.bulk_create(
                    [
                        ExpertProfile(
                            user=user,
                            headline=self.headline(rng, own[0]),
                            bio=(bio := self.bio(rng, own)),
                            bio_html=render_markdown(bio),  # bulk_create sends no pre_save
                            last_confirmed_at=now,
                            contact_preference=ExpertProfile.Contact.FORM,
                        )
                        for user, own in zip(users, chosen, strict=True)
                    ]
                )
                offers, subject_rows, phase_rows = [], [], []
                for profile, own in zip(made, chosen, strict=True):
                    for area in own:
                        offers.append(
                            ProfileArea(
                                profile=profile, area=area, advice=True, coaching=rng.random() < 0.4
                            )
                        )
                    subject_rows.append(
                        ExpertProfile.subjects.through(
                            expertprofile=profile, subject=rng.choice(subjects)
                        )
                    )
                    phase_rows.append(
                        ExpertProfile.phases.through(
                            expertprofile=profile, phase=rng.choice(phases)
                        )
                    )
                ProfileArea.objects.bulk_create(offers, batch_size=BATCH)
                ExpertProfile.subjects.through.objects.bulk_create(subject_rows, batch_size=BATCH)
                ExpertProfile.phases.through.objects.bulk_create(phase_rows, batch_size=BATCH)
                refresh_documents([profile.pk for profile in made])  # bulk inserts skip signals
            self.stdout.write(f"  {min(start + BATCH, profiles):,} profiles")
        self.make_activity(rng)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{profiles:,} profiles, {n_schools:,} schools, {n_hubs:,} hubs in {elapsed:.1f} s"
            )
        )

    @staticmethod
    def headline(rng: random.Random, area: ExpertiseArea) -> str:
        name = area.name.lower()
        return rng.choice(HEADLINES).format(area=name, Area=area.name)

    @staticmethod
    def bio(rng: random.Random, own: list[ExpertiseArea]) -> str:
        names = " and ".join(area.name.lower() for area in own)
        return " ".join([*rng.sample(SENTENCES, 3), f"I can help with {names}."])

    # --- Activity for the coordinator's pages ---------------------------------------------

    def make_activity(self, rng: random.Random) -> None:
        started = time.monotonic()
        with transaction.atomic():
            self.remove_activity()
            staff = list(
                User.objects.filter(email__endswith=".scale.test")
                .order_by("pk")
                .values_list("pk", "school_id", "school__hub_id")
            )
            if not staff:
                return
            hub_ids = sorted({hub for _, _, hub in staff if hub})
            areas = list(ExpertiseArea.objects.values_list("pk", flat=True))
            # Needs lean on a few areas and leave some with little supply: a gap to find.
            weights = [1 + (i % 5) * 2 for i in range(len(areas))]
            networks = self.make_networks(rng, staff, hub_ids)
            sessions = self.make_sessions(rng, len(staff), areas, networks)
            self.make_bookings(rng, staff, sessions)
            self.make_portfolios(rng, staff, areas, weights)
            self.make_coaching(rng, staff)
            self.make_enquiry(rng, staff, areas)
        self.stdout.write(f"  activity in {time.monotonic() - started:.1f} s")

    def remove_activity(self) -> None:
        remove_coaching_at_scale()
        remove_enquiry_at_scale()
        scale_users = User.objects.filter(email__endswith=".scale.test").values("pk")
        sessions = DevelopmentSession.objects.filter(title__startswith="Scale session ")
        bookings = Booking.objects.filter(session__in=sessions.values("pk"))
        # Bulk rows have no signals to send and the order below respects every foreign key.
        for model in (Feedback, Attendance, ReleaseRequest):
            model.objects.filter(booking__in=bookings.values("pk"))._raw_delete("default")
        bookings._raw_delete("default")
        SessionDate.objects.filter(session__in=sessions.values("pk"))._raw_delete("default")
        DevelopmentSession.areas.through.objects.filter(
            developmentsession__in=sessions.values("pk")
        )._raw_delete("default")
        sessions._raw_delete("default")
        Need.objects.filter(owner__in=scale_users)._raw_delete("default")
        Entry.objects.filter(owner__in=scale_users)._raw_delete("default")
        SubjectNetwork.members.through.objects.filter(
            subjectnetwork__slug__startswith="scale-net-"
        )._raw_delete("default")
        SubjectNetwork.objects.filter(slug__startswith="scale-net-").delete()

    # --- Coaching at scale (coaching/scale.py) -----------------------------------------------

    def make_coaching(self, rng, staff) -> None:
        wanted = getattr(self, "coaching_relationships", None)
        wanted = len(staff) // 4 if wanted is None else wanted
        if not wanted:
            return
        made = seed_coaching_at_scale(
            rng,
            [(user, school) for user, school, _ in staff],
            sorted({school for _, school, _ in staff if school}),
            relationships=wanted,
        )
        self.stdout.write("  coaching: " + ", ".join(f"{n:,} {what}" for what, n in made.items()))

    # --- Enquiry at scale (enquiry/scale.py) -------------------------------------------------

    def make_enquiry(self, rng, staff, areas) -> None:
        groups = getattr(self, "enquiry_groups", None)
        profiles = getattr(self, "profiles", None) or len(staff)
        groups = profiles // 50 if groups is None else groups
        if not groups:
            return
        write_ups = getattr(self, "enquiry_write_ups", None)
        write_ups = groups * 5 // 2 if write_ups is None else write_ups
        made = seed_enquiry_at_scale(
            rng,
            [(user, school) for user, school, _ in staff],
            areas,
            groups=groups,
            write_ups=write_ups,
        )
        self.stdout.write("  enquiry: " + ", ".join(f"{n:,} {what}" for what, n in made.items()))

    def make_networks(self, rng, staff, hub_ids) -> dict[int, list[int]]:
        """Three subject networks per hub; a third of each hub's staff are members of one."""
        subjects = list(Subject.objects.order_by("pk")[:3])
        made = SubjectNetwork.objects.bulk_create(
            [
                SubjectNetwork(
                    name=f"Scale network {hub}-{subject.pk}",
                    slug=f"scale-net-{hub}-{subject.pk}",
                    subject=subject,
                    hub_id=hub,
                )
                for hub in hub_ids
                for subject in subjects
            ]
        )
        by_hub: dict[int, list[int]] = {}
        for network in made:
            by_hub.setdefault(network.hub_id, []).append(network.pk)
        Member = SubjectNetwork.members.through
        Member.objects.bulk_create(
            [
                Member(subjectnetwork_id=rng.choice(by_hub[hub]), user_id=user)
                for user, _, hub in staff
                if hub and rng.random() < 0.33
            ],
            batch_size=BATCH * 4,
        )
        return by_hub

    def make_sessions(self, rng, n_staff, areas, networks) -> list[tuple[int, bool, Decimal]]:
        """(pk, in the past, fee) of one published session per 100 people."""
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        rows = []
        for i in range(max(n_staff // 100, 4)):
            start = now + datetime.timedelta(days=rng.randint(-300, 150), hours=rng.randint(-4, 4))
            consultant_led = rng.random() < 0.15
            rows.append(
                DevelopmentSession(
                    title=f"Scale session {i}",
                    status="published",
                    kind="consultant_led" if consultant_led else "workshop",
                    scope="community",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    fee=Decimal(rng.choice([300, 450, 600])) if consultant_led else Decimal(0),
                )
            )
        made = DevelopmentSession.objects.bulk_create(rows, batch_size=BATCH)
        SessionDate.objects.bulk_create(
            [SessionDate(session=s, start=s.start, end=s.end) for s in made], batch_size=BATCH
        )
        DevelopmentSession.areas.through.objects.bulk_create(
            [
                DevelopmentSession.areas.through(developmentsession_id=s.pk, expertisearea_id=area)
                for s in made
                for area in rng.sample(areas, min(len(areas), rng.randint(1, 2)))
            ],
            batch_size=BATCH,
        )
        return [(s.pk, s.end < now, s.fee) for s in made]

    def make_bookings(self, rng, staff, sessions) -> None:
        past = {pk for pk, was, _ in sessions if was}
        fees = {pk: fee for pk, _, fee in sessions}
        rows = []
        for user, _, _ in staff:
            if rng.random() < 0.45:
                for session, _, _ in rng.sample(sessions, rng.randint(1, 2)):
                    status = rng.choices(["confirmed", "cancelled", "pending"], [85, 10, 5])[0]
                    rows.append(Booking(session_id=session, user_id=user, status=status))
        bookings = Booking.objects.bulk_create(rows, batch_size=BATCH * 2)
        attendance, feedback, releases = [], [], []
        for booking in bookings:
            if booking.status == "confirmed" and booking.session_id in past:
                present = rng.random() < 0.85
                attendance.append(Attendance(booking=booking, present=present))
                if present and rng.random() < 0.4:
                    feedback.append(Feedback(booking=booking, rating=rng.randint(2, 5)))
            if booking.status != "cancelled" and rng.random() < 0.2:
                lessons = rng.randint(0, 5)
                releases.append(
                    ReleaseRequest(
                        booking=booking,
                        cover_lessons=lessons,
                        supply_cost=Decimal(lessons * 35),
                        travel_cost=Decimal(rng.choice([0, 0, 8, 15])),
                        fee_share=fees[booking.session_id] / 10,
                        goal="Scale goal",
                        decision="pending" if booking.status == "pending" else "approved",
                        decided_at=None if booking.status == "pending" else booking.created_at,
                    )
                )
        Attendance.objects.bulk_create(attendance, batch_size=BATCH * 2)
        Feedback.objects.bulk_create(feedback, batch_size=BATCH * 2)
        ReleaseRequest.objects.bulk_create(releases, batch_size=BATCH * 2)
        self.stdout.write(
            f"  {len(bookings):,} bookings, {len(attendance):,} registered, "
            f"{len(feedback):,} feedback, {len(releases):,} release requests"
        )

    def make_portfolios(self, rng, staff, areas, weights) -> None:
        today = timezone.localdate()
        needs = [
            Need(
                owner_id=user,
                area_id=rng.choices(areas, weights)[0],
                description="Scale need",
                priority=rng.choice(["high", "medium", "low"]),
                status=rng.choices(["open", "passed", "met"], [70, 10, 20])[0],
            )
            for user, _, _ in staff
            if rng.random() < 0.2
        ]
        Need.objects.bulk_create(needs, batch_size=BATCH * 2)
        entries = [
            Entry(
                owner_id=user,
                date=today - datetime.timedelta(days=rng.randint(0, 200)),
                kind=rng.choice(["reading", "session_attended", "coaching_received"]),
                title="Scale entry",
                hours=Decimal(rng.randint(1, 12)) / 2,
            )
            for user, _, _ in staff
            if rng.random() < 0.33
            for _ in range(rng.randint(1, 2))
        ]
        Entry.objects.bulk_create(entries, batch_size=BATCH * 2)
        self.stdout.write(f"  {len(needs):,} needs, {len(entries):,} log entries")

    def remove_previous(self) -> None:
        self.remove_activity()
        with paused():  # nothing to re-index in rows that are going
            self._remove_previous()

    def _remove_previous(self) -> None:
        # Rows the erase path would keep as anonymous counts (bookings, the ledger, contact
        # requests: SET_NULL) are the bench's own here, so they go with its people.
        scale = ".scale.test"
        ContactRequest.objects.filter(
            Q(sender__email__endswith=scale) | Q(profile__user__email__endswith=scale)
        ).delete()
        for model in (Booking, BudgetEntry):
            model.objects.filter(user__email__endswith=scale).delete()
        ExpertProfile.objects.filter(user__email__endswith=".scale.test").delete()
        User.objects.filter(email__endswith=".scale.test").delete()
        School.objects.filter(urn__gte=900000, hub__slug__startswith="scale-hub-").delete()
        Hub.objects.filter(slug__startswith="scale-hub-").delete()
