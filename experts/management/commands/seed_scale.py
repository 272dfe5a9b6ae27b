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

from experts.models import ExpertiseArea, ExpertProfile, ProfileArea
from experts.search import refresh_documents
from experts.signals import paused
from hubs.demo import FIRST_NAMES, LAST_NAMES
from hubs.models import Hub, Phase, School, SchoolDomain, Subject, User

BATCH = 5000
WORDS = [
    "questioning",
    "retrieval",
    "feedback",
    "phonics",
    "behaviour",
    "oracy",
    "coaching",
    "mentoring",
    "curriculum",
    "fieldwork",
    "reading",
    "writing",
    "mastery",
    "inclusion",
    "routines",
    "assessment",
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
                made = ExpertProfile.objects.bulk_create(
                    [
                        ExpertProfile(
                            user=user,
                            headline=f"Happy to help with {rng.choice(WORDS)} and {rng.choice(WORDS)}",
                            bio=" ".join(rng.choices(WORDS, k=12)),
                            last_confirmed_at=now,
                            contact_preference=ExpertProfile.Contact.FORM,
                        )
                        for user in users
                    ]
                )
                offers, subject_rows, phase_rows = [], [], []
                for profile in made:
                    for area in rng.sample(areas, rng.randint(1, 3)):
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

    def remove_previous(self) -> None:
        with paused():  # nothing to re-index in rows that are going
            self._remove_previous()

    def _remove_previous(self) -> None:
        ExpertProfile.objects.filter(user__email__endswith=".scale.test").delete()
        User.objects.filter(email__endswith=".scale.test").delete()
        School.objects.filter(urn__gte=900000, hub__slug__startswith="scale-hub-").delete()
        Hub.objects.filter(slug__startswith="scale-hub-").delete()
