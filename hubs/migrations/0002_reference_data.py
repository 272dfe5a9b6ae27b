"""Phases and subjects every community needs, and the Coordinators group."""

from django.db import migrations
from django.utils.text import slugify

PHASES = [
    ("early-years", "Early years (EYFS)"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("post-16", "Post-16"),
    ("special", "Special and alternative provision"),
]

SUBJECTS = [
    "Art and design",
    "Biology",
    "Business studies",
    "Chemistry",
    "Citizenship",
    "Classics",
    "Computing",
    "Design and technology",
    "Drama",
    "Early years",
    "Economics",
    "English",
    "Food and nutrition",
    "Geography",
    "History",
    "Mathematics",
    "Media studies",
    "Modern foreign languages",
    "Music",
    "Physical education",
    "Physics",
    "PSHE and RSE",
    "Psychology",
    "Religious education",
    "Science",
    "Sociology",
]


def forwards(apps, schema_editor):
    Phase = apps.get_model("hubs", "Phase")
    Subject = apps.get_model("hubs", "Subject")
    Group = apps.get_model("auth", "Group")
    for position, (slug, name) in enumerate(PHASES):
        Phase.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    for name in SUBJECTS:
        Subject.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    Group.objects.get_or_create(name="Coordinators")


class Migration(migrations.Migration):
    dependencies = [("hubs", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
