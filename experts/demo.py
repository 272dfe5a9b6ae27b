"""About forty varied directory profiles for the demo community (idempotent)."""

import random

from django.db import transaction
from django.utils import timezone

from cpdhub.words import in_sentence
from hubs.models import Phase, User

from .models import ContactRequest, ExpertiseArea, ExpertProfile, ProfileArea

HEADLINES = {
    "questioning": "Questioning that gets every pupil thinking",
    "retrieval-practice": "Retrieval practice that sticks, in five minutes a lesson",
    "feedback": "Whole-class feedback that cuts marking and moves pupils on",
    "assessment-for-learning": "Checking for understanding before moving on",
    "early-reading-and-phonics": "Phonics that keeps every child up, not catching up",
    "maths-mastery": "Maths mastery with concrete, pictorial, abstract",
    "send": "Adapting lessons so pupils with SEND thrive",
    "eal": "Welcoming new arrivals with English as an additional language",
    "behaviour-management": "Calm classrooms through clear routines",
    "oracy": "Structured talk that lifts writing",
    "coaching": "Instructional coaching: small steps, often",
    "mentoring-early-career-teachers": "Mentoring early-career teachers through their first two years",
    "curriculum-design": "Sequencing a curriculum pupils remember",
    "subject-knowledge-geography": "Fieldwork on the school doorstep",
    "metacognition": "Teaching pupils to plan, monitor and evaluate",
    "parental-engagement": "Bringing families into their children's learning",
    "wellbeing-and-workload": "Workload that leaves room for teaching",
    "autism": "Autism-friendly classrooms in mainstream and special schools",
    "middle-leadership": "Leading a subject when you are new to it",
    "lesson-study": "Lesson study cycles across schools",
}


@transaction.atomic
def seed() -> None:
    rng = random.Random(4)
    areas = {a.slug: a for a in ExpertiseArea.objects.all()}
    phases = {p.slug: p for p in Phase.objects.all()}
    now = timezone.now()
    slugs = list(HEADLINES)

    expert = User.objects.get(email="expert@demo.test")
    _profile(
        expert,
        "Questioning and maths mastery: every pupil thinking, every lesson",
        "I lead maths at Millbrook Academy. For five years I have worked on **questioning**: hinge "
        "questions, cold calling and no-hands-up routines that show me who has understood.\n\n"
        "Ask me for a short call, come and watch a Year 8 lesson, or book me for a twilight.",
        [
            ("questioning", True, True, True, True),
            ("maths-mastery", True, True, True, False),
            ("assessment-for-learning", True, False, True, False),
        ],
        contact="form",
        availability="After school on Tuesdays and Thursdays; online or at Millbrook",
        now=now,
        areas=areas,
    )
    expert.expert_profile.phases.set([phases["secondary"]])

    staff = list(
        User.objects.filter(school__isnull=False, is_active=True)
        .exclude(email__endswith="@demo.test")
        .exclude(job_role__in=[User.JobRole.GOVERNOR, User.JobRole.SUPPORT_STAFF])
        .select_related("school")
        .order_by("email")
    )
    for index, person in enumerate(staff[:40]):
        main = slugs[index % len(slugs)]
        extra = rng.sample([s for s in slugs if s != main], rng.randint(0, 2))
        offers = [(main, True, rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.3)]
        offers += [(slug, True, False, rng.random() < 0.3, False) for slug in extra]
        # A few profiles have not been confirmed for a long time: they are stale and hidden from the directory.
        confirmed = (
            now - timezone.timedelta(days=400)
            if index % 13 == 12
            else now - timezone.timedelta(days=rng.randint(0, 40))
        )
        _profile(
            person,
            HEADLINES[main],
            f"{person.get_job_role_display()} at {person.school.name}. Happy to share what has worked for us "
            f"with {in_sentence(areas[main].name)}, and what has not.",
            offers,
            contact="email" if index % 3 == 0 else "form",
            availability=rng.choice(
                ["After school", "Online, any weekday 15:45 to 17:00", "Friday afternoons", ""]
            ),
            now=confirmed,
            areas=areas,
        )
        person.expert_profile.phases.set(person.phases.all())
        person.expert_profile.subjects.set(person.subjects.all())

    # Some thanks already earned, so cards show who has helped.
    teacher = User.objects.get(email="teacher@demo.test")
    for profile in ExpertProfile.objects.filter(user__in=staff[:6]):
        ContactRequest.objects.update_or_create(
            profile=profile,
            sender=teacher,
            defaults={
                "message": "Could I pick your brains about this for my Year 4 class?",
                "created_at": now - timezone.timedelta(days=30),
                "helped_at": now - timezone.timedelta(days=25),
                "thank_you": "Really useful, thank you.",
            },
        )
        profile.helped_count = profile.contact_requests.filter(helped_at__isnull=False).count()
        profile.save(update_fields=["helped_count"])


def _profile(user, headline, bio, offers, *, contact, availability, now, areas):
    profile, _ = ExpertProfile.objects.update_or_create(
        user=user,
        defaults={
            "headline": headline,
            "bio": bio,
            "contact_preference": contact,
            "availability": availability,
            "last_confirmed_at": now,
            "is_hidden": False,
        },
    )
    for slug, advice, coaching, session, visit in offers:
        ProfileArea.objects.update_or_create(
            profile=profile,
            area=areas[slug],
            defaults={"advice": advice, "coaching": coaching, "session": session, "visit": visit},
        )
    return profile
