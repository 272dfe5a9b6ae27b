"""
Reference data every community needs — phases, subjects and the Coordinators group with
its model permissions — made sure of after every ``migrate`` (and after each test flush).

Idempotent: rows are found by slug or name, so a coordinator's renaming of a subject is
kept; a phase or subject deleted in the admin comes back at the next migrate.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.text import slugify

from .models import COORDINATORS_GROUP, Phase, Subject

PHASES = [
    ("early-years", "Early years (EYFS)"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("post-16", "Post-16"),
    ("special", "Special and alternative provision"),
]

SUBJECTS = [
    "Art and design", "Biology", "Business studies", "Chemistry", "Citizenship", "Classics",
    "Computing", "Design and technology", "Drama", "Early years", "Economics", "English",
    "Food and nutrition", "Geography", "History", "Mathematics", "Media studies",
    "Modern foreign languages", "Music", "Physical education", "Physics", "PSHE and RSE",
    "Psychology", "Religious education", "Science", "Sociology",
]  # fmt: skip

# Apps whose admin pages coordinators run. Later apps add their label here; portfolio
# content stays out (private to its owner: docs/security-and-privacy.md).
COORDINATOR_APP_LABELS = [
    "hubs",
    "ratelimit",
    "experts",
    "cpd_sessions",
    "notifications",
    "account",
    "socialaccount",
    "quality",  # frameworks (another standard) and reviews' levels; never a survey answer
]


def ensure_reference_data(**kwargs) -> None:
    for position, (slug, name) in enumerate(PHASES):
        Phase.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    existing = set(Subject.objects.values_list("slug", flat=True))
    Subject.objects.bulk_create(
        [
            Subject(slug=slugify(name), name=name)
            for name in SUBJECTS
            if slugify(name) not in existing
        ]
    )
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=COORDINATOR_APP_LABELS)
    )
