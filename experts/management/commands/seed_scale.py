"""
A synthetic community at scale for benchmarks: N expert profiles over proportionate hubs
and schools (one school per 50 profiles, one hub per 40 schools), by bulk inserts.

    python manage.py seed_scale --profiles 100000

Synthetic rows are marked (hub slugs and email domains contain "scale"); each run first
removes the previous synthetic community, so it can be rerun with another N.
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cpdhub.markup import render_markdown
from experts.models import ExpertiseArea, ExpertProfile, ProfileArea
from experts.search import refresh_documents
from experts.signals import paused
from hubs.demo import FIRST_NAMES, LAST_NAMES
from hubs.models import Hub, Phase, School, SchoolDomain, Subject, User

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

    def handle(self, *args, profiles: int, seed: int, **options) -> None:
        started = time.monotonic()
        rng = random.Random(seed)
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

    def remove_previous(self) -> None:
        with paused():  # nothing to re-index in rows that are going
            self._remove_previous()

    def _remove_previous(self) -> None:
        ExpertProfile.objects.filter(user__email__endswith=".scale.test").delete()
        User.objects.filter(email__endswith=".scale.test").delete()
        School.objects.filter(urn__gte=900000, hub__slug__startswith="scale-hub-").delete()
        Hub.objects.filter(slug__startswith="scale-hub-").delete()
